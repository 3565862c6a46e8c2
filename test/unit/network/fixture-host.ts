/**
 * A captured host from test/fixtures/network/<shape>: iproute2's JSON answered by the sandbox
 * runner (from a temporary copy, since the sandbox logs every invocation beside commands.json),
 * files read from <shape>/root.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hostFs, type HostFs } from '../../../src/effects/hostfs.js';
import type { Runner } from '../../../src/effects/runner.js';
import { sandboxRunner } from '../../../src/effects/sandbox.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/network');

export const SHAPES = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

export function fixtureHost(shape: string): { runner: Runner; fs: HostFs } {
  const dir = path.join(FIXTURES, shape);
  const tmp = mkdtempSync(path.join(tmpdir(), `x2n-net-${shape}-`));
  cpSync(dir, tmp, { recursive: true, filter: (src) => !src.startsWith(path.join(dir, 'root')) });
  return { runner: sandboxRunner(tmp), fs: hostFs(path.join(dir, 'root')) };
}
