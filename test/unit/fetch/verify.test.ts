import { caught } from '../../support/caught.js';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuildIds, sha256File } from '../../../src/fetch/verify.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'x2n-verify-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A newc archive written by GNU cpio from `files` (relative path → contents), optionally gzipped. */
async function cpioImage(name: string, files: Record<string, string | Buffer>, gzip: boolean): Promise<string> {
  const root = path.join(tmp, `${name}.d`);
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), data);
  }
  const list = Object.keys(files).join('\n') + '\n';
  let archive = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: list });
  if (gzip) archive = execFileSync('gzip', ['-c'], { input: archive });
  const out = path.join(tmp, name);
  await writeFile(out, archive);
  return out;
}

const initramfs = (name: string, build?: string) =>
  cpioImage(name, { init: '#!/bin/sh\n', ...(build ? { 'etc/nestos-live-initramfs': `${build}\n` } : {}) }, true);
const rootfs = (name: string, build?: string) =>
  cpioImage(name, { 'root.squashfs': randomBytes(4096), ...(build ? { 'etc/nestos-live-rootfs': `${build}\n` } : {}) }, false);

describe('checkBuildIds', () => {
  it('accepts an initramfs and rootfs of the same build', async () => {
    const got = await checkBuildIds(await initramfs('i1', '24.03-LTS.20240625.0'), await rootfs('r1', '24.03-LTS.20240625.0'));
    expect(got).toEqual({ buildId: '24.03-LTS.20240625.0' });
  });

  it('refuses builds that differ, naming both', async () => {
    const error = await caught(checkBuildIds(await initramfs('i2', '24.03-LTS.20240625.0'), await rootfs('r2', '24.03-LTS.20240901.0')));
    expect(error.kind).toBe('verification');
    expect(error.message).toBe(
      'initramfs is build 24.03-LTS.20240625.0 but rootfs is build 24.03-LTS.20240901.0: they must come from the same NestOS build',
    );
  });

  it('refuses images without a build id, suggesting they are not NestOS live artifacts', async () => {
    const error = await caught(checkBuildIds(await initramfs('i3', '24.03-LTS.20240625.0'), await rootfs('r3')));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('has no etc/nestos-live-rootfs');
    expect(error.remedy).toContain('may not be NestOS live artifacts');

    const neither = await caught(checkBuildIds(await initramfs('i4'), await rootfs('r4')));
    expect(neither.message).toContain('nestos-live-initramfs');
    expect(neither.message).toContain('nestos-live-rootfs');
  });
});

describe('sha256File', () => {
  it('agrees with sha256sum on a file larger than one read chunk', async () => {
    const file = path.join(tmp, 'big');
    const data = randomBytes(3 * 1024 * 1024 + 7);
    await writeFile(file, data);
    const coreutils = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    expect(await sha256File(file)).toBe(coreutils);
    expect(coreutils).toBe(createHash('sha256').update(data).digest('hex'));
  });
});
