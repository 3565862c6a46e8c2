/**
 * The real Ignition 2.14 as a test oracle (Debian's `ignition` package: `ignition-validate`, and
 * the `ignition` binary in its dracut module). Missing binaries fail the tests: CI installs them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const IGNITION_BINARY = '/usr/lib/dracut/modules.d/30ignition/ignition';
const INSTALL_HINT = 'install the Debian package "ignition" (apt-get install ignition)';

let oracleProblem: string | undefined | null = null;

/** Throws (so the calling test fails, never skips) unless ignition-validate 2.14 is installed. */
export function requireIgnitionValidate(): void {
  if (oracleProblem === null) {
    const found = spawnSync('ignition-validate', ['-version'], { encoding: 'utf8' });
    const output = `${found.stdout ?? ''}${found.stderr ?? ''}`.trim();
    if (found.error !== undefined || found.status !== 0) {
      oracleProblem = `ignition-validate (Ignition 2.14, the oracle of these tests) is not installed: ${INSTALL_HINT}`;
    } else if (!/2\.14\./.test(output)) {
      oracleProblem = `ignition-validate is not Ignition 2.14 (${output}): ${INSTALL_HINT} from Debian 12`;
    } else {
      oracleProblem = undefined;
    }
  }
  if (oracleProblem !== undefined) throw new Error(oracleProblem);
}

export interface OracleVerdict {
  ok: boolean;
  /** `path message` for findings Ignition places at a JSON path, paths in our `$.a[0].b` form. */
  errors: string[];
  warnings: string[];
  /** Messages without a path (JSON syntax, decode and version errors). */
  unplaced: string[];
}

export function ignitionValidate(text: string | Uint8Array): OracleVerdict {
  requireIgnitionValidate();
  const dir = mkdtempSync(path.join(tmpdir(), 'x2n-ign-'));
  try {
    const file = path.join(dir, 'config.ign');
    writeFileSync(file, text);
    const run = spawnSync('ignition-validate', [file], { encoding: 'utf8' });
    if (run.error !== undefined) throw run.error;
    const verdict: OracleVerdict = { ok: run.status === 0, errors: [], warnings: [], unplaced: [] };
    for (const line of `${run.stdout}${run.stderr}`.split('\n').filter(Boolean)) {
      const placed = /^(error|warning) at (\$[^,]*), line \d+ col \d+: (.*)$/.exec(line);
      if (placed !== null) {
        const entry = `${placed[2]!.replace(/\.(\d+)(?=\.|$)/g, '[$1]')} ${placed[3]}`;
        (placed[1] === 'error' ? verdict.errors : verdict.warnings).push(entry);
      } else {
        verdict.unplaced.push(line);
      }
    }
    return verdict;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the real Ignition fetch stage (platform "file") on a config and returns the rendered
 * config it caches: merges and replaces resolved exactly as on first boot. It runs in a throwaway
 * directory and, when the tests run as root, as user nobody, so it can touch nothing else.
 */
export function ignitionFetch(config: string): Record<string, unknown> {
  if (!existsSync(IGNITION_BINARY)) throw new Error(`the Ignition binary ${IGNITION_BINARY} is missing: ${INSTALL_HINT}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'x2n-ign-fetch-'));
  try {
    chmodSync(dir, 0o777);
    const file = path.join(dir, 'config.ign');
    writeFileSync(file, config, { mode: 0o644 });
    const args = [
      '-platform',
      'file',
      '-stage',
      'fetch',
      '-log-to-stdout',
      '-root',
      path.join(dir, 'root'),
      '-config-cache',
      path.join(dir, 'cache.json'),
      '-state-file',
      path.join(dir, 'state'),
      '-neednet',
      path.join(dir, 'neednet'),
    ];
    const asNobody = process.getuid?.() === 0;
    const argv = asNobody
      ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', IGNITION_BINARY, ...args]
      : [IGNITION_BINARY, ...args];
    const run = spawnSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      env: { IGNITION_CONFIG_FILE: file, PATH: '/usr/bin:/bin' },
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`ignition fetch stage failed (${run.status}):\n${run.stdout}${run.stderr}`);
    return JSON.parse(readFileSync(path.join(dir, 'cache.json'), 'utf8')) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `ssh-keygen -lf` of one public key line: its fingerprint, null when ssh-keygen refuses the key,
 * undefined when OpenSSH is not installed.
 */
export function sshKeygenFingerprint(line: string): string | null | undefined {
  const which = spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' });
  if (which.error !== undefined) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'x2n-key-'));
  try {
    const file = path.join(dir, 'key.pub');
    writeFileSync(file, `${line}\n`);
    const run = spawnSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' });
    return run.status === 0 ? (run.stdout.split(' ')[1] ?? null) : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
