/**
 * The failsafe script, run for real by /bin/sh against a sparse file standing in for the disk, with
 * the host-side fingerprint taken of that same file. The script's PATH holds only harmless real
 * tools (dd, sha256sum, sed, ...) and logging stubs for everything that would act on a machine
 * (systemctl, reboot, mount, useradd ...): a command that is not stubbed is not found, never run.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostFs } from '../../../src/effects/hostfs.js';
import { fingerprintDisk, unownedRegions, type DiskFingerprint } from '../../../src/facts/disk-fingerprint.js';
import { failsafeScript, shQuote } from '../../../src/payload/failsafe-script.js';
import { FAILSAFE_KEYS_PATH, OUTCOME_FILE } from '../../../src/payload/failsafe.js';
import { describeLastAttempt, readLastAttempt } from '../../../src/stage/outcome.js';

const MiB = 1024 * 1024;
const SAFE_TOOLS = [
  'dd',
  'sha256sum',
  'cut',
  'cat',
  'mkdir',
  'chmod',
  'sed',
  'tr',
  'awk',
  'grep',
  'mv',
  'cp',
  'date',
  'tail',
  'rm',
  'ln',
  'rmdir',
  'sync',
  'sh',
];
const STUBS: Record<string, string> = {
  systemctl: 'case "$*" in is-active*) echo "${STUB_INSTALLER_STATE:-failed}" ;; esac',
  mount: 'for last; do :; done; rmdir "$last" && ln -s "$FAKE_OLD_FS" "$last"',
  umount: 'rm -f "$1"',
  journalctl: 'echo "Installing to /dev/disk/by-id/x"; echo "Error: couldn\'t find \\"device\\" (os error 2)"',
  useradd:
    'mkdir -p "$X2NESTOS_FAILSAFE_ROOT/home/nest"; echo "nest:x:1000:1000::/home/nest:/bin/sh" >>"$X2NESTOS_FAILSAFE_ROOT/etc/passwd"',
  reboot: '',
  findfs: 'exit 1',
  chown: '',
  wall: '',
  ip: 'echo "2: ens3    inet 192.0.2.10/24 brd 192.0.2.255 scope global ens3"',
  sleep: '',
};

let tools: [string, string][] | undefined;
function toolPaths(): [string, string][] {
  tools ??= SAFE_TOOLS.map((tool) => {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!real) throw new Error(`${tool} is not installed`);
    return [tool, real];
  });
  return tools;
}

const scratch: string[] = [];
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface World {
  dir: string;
  disk: string;
  root: string;
  oldFs: string;
  state: string;
  fingerprint: DiskFingerprint;
}

async function world(): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'x2nestos-failsafe-'));
  scratch.push(dir);
  // A 16 MiB "disk": a partition table in sector 0 and a GPT backup in the last sectors; one
  // partition from 1 MiB to 15 MiB whose contents keep changing (they must not count).
  const disk = path.join(dir, 'disk.img');
  writeFileSync(disk, Buffer.alloc(0));
  truncateSync(disk, 16 * MiB); // sparse
  const fill = (offset: number, text: string) => writeAt(disk, offset, text);
  fill(0, 'EFI PART old table');
  fill(16 * MiB - 512, 'EFI PART backup');
  const fingerprint = await fingerprintDisk(hostFs('/'), {
    path: disk,
    sizeBytes: 16 * MiB,
    partitions: [{ path: 'p1', number: 1, startBytes: MiB, sizeBytes: 14 * MiB, mountpoints: [] }],
  });
  if (!fingerprint.ok) throw new Error(fingerprint.reason);
  fill(5 * MiB, 'filesystem data written after staging');

  const root = path.join(dir, 'root');
  for (const d of ['etc/sudoers.d', 'etc/x2nestos', 'sys/class/tty/console', 'dev/disk/by-uuid'])
    mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(path.join(root, 'etc/shadow'), 'root:*:19000::::::\n');
  writeFileSync(
    path.join(root, FAILSAFE_KEYS_PATH),
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2y6u7IxH0o4K8kq1KXx6r7kq1KXx6r7kq1KXx6r7kq nest@example\n',
  );
  writeFileSync(path.join(root, 'sys/class/tty/console/active'), 'tty0 ttyS0\n');
  writeFileSync(path.join(root, 'dev/tty0'), '');
  writeFileSync(path.join(root, 'dev/ttyS0'), '');
  writeFileSync(path.join(root, 'dev/disk/by-uuid/1111-2222'), '');
  const oldFs = path.join(dir, 'oldfs');
  mkdirSync(path.join(oldFs, 'var/lib/x2nestos'), { recursive: true });

  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const [tool, real] of toolPaths()) symlinkSync(real, path.join(bin, tool));
  for (const [name, body] of Object.entries(STUBS)) {
    const file = path.join(bin, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >>"$STUB_LOG"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return { dir, disk, root, oldFs, state: path.join(dir, 'state'), fingerprint: fingerprint.fingerprint };
}

function scriptFor(w: World, over: { destDevice?: string; fingerprint?: DiskFingerprint | undefined } = {}): string {
  const file = path.join(w.dir, 'failsafe');
  writeFileSync(
    file,
    failsafeScript({
      destDevice: over.destDevice ?? w.disk,
      fingerprint: 'fingerprint' in over ? over.fingerprint : w.fingerprint,
      outcomeFs: { uuid: '1111-2222', fsType: 'ext4', dir: '/var/lib/x2nestos' },
      timeoutSeconds: 1800,
      nestKeys: [],
      toolVersion: '0.2.0',
    }),
  );
  return file;
}

function run(w: World, script: string, reason: string, env: Record<string, string> = {}, shell: string[] = ['/bin/sh']) {
  const r = spawnSync(shell[0]!, [...shell.slice(1), script, reason], {
    encoding: 'utf8',
    cwd: w.dir,
    env: {
      PATH: path.join(w.dir, 'bin'),
      X2NESTOS_FAILSAFE_ROOT: w.root,
      X2NESTOS_FAILSAFE_STATE: w.state,
      FAKE_OLD_FS: w.oldFs,
      STUB_LOG: path.join(w.dir, 'calls.log'),
      ...env,
    },
  });
  const calls = existsSync(path.join(w.dir, 'calls.log'))
    ? readFileSync(path.join(w.dir, 'calls.log'), 'utf8').split('\n').filter(Boolean)
    : [];
  writeFileSync(path.join(w.dir, 'calls.log'), '');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

function writeAt(file: string, offset: number, text: string) {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.from(text), 0, Buffer.byteLength(text), offset);
  } finally {
    closeSync(fd);
  }
}

const scribble = (file: string, offset: number) => writeAt(file, offset, 'NEW IMAGE');

const outcomeOnOldSystem = (w: World) => path.join(w.oldFs, 'var/lib/x2nestos', OUTCOME_FILE);

describe('the regions the host records', () => {
  it('are the bytes no partition owns in the first and last MiB', () => {
    const parts = (list: [number, number][]) =>
      list.map(([startBytes, sizeBytes], i) => ({ path: `p${i}`, number: i + 1, startBytes, sizeBytes, mountpoints: [] }));
    // GPT: 1 MiB alignment, last partition ends 33 sectors before the end.
    const size = 10 * 1024 * MiB;
    expect(
      unownedRegions({
        sizeBytes: size,
        partitions: parts([
          [MiB, 512 * MiB],
          [513 * MiB, size - 513 * MiB - 33 * 512],
        ]),
      }),
    ).toEqual([
      { startSector: 0, sectors: 2048 },
      { startSector: size / 512 - 33, sectors: 33 },
    ]);
    // An old MBR layout: partition 1 at sector 63, the last one up to the very end.
    expect(unownedRegions({ sizeBytes: size, partitions: parts([[63 * 512, size - 63 * 512]]) })).toEqual([
      { startSector: 0, sectors: 63 },
    ]);
    // No partition table at all: the whole first and last MiB.
    expect(unownedRegions({ sizeBytes: size, partitions: [] })).toEqual([
      { startSector: 0, sectors: 2048 },
      { startSector: size / 512 - 2048, sectors: 2048 },
    ]);
  });

  it('are refused when the head of the disk cannot be told apart (an unknown partition start)', async () => {
    const r = await fingerprintDisk(hostFs('/'), {
      path: '/dev/null',
      sizeBytes: 16 * MiB,
      partitions: [{ path: 'p1', number: 1, startBytes: 0, sizeBytes: MiB, mountpoints: [] }],
    });
    expect(r).toEqual({ ok: false, device: '/dev/null', reason: 'lsblk did not report where its partitions start' });
  });

  it('cannot be read from a disk that is not there: the reason is kept', async () => {
    const r = await fingerprintDisk(hostFs('/'), { path: '/nonexistent/disk', sizeBytes: 16 * MiB, partitions: [] });
    expect(r).toEqual({ ok: false, device: '/nonexistent/disk', reason: 'cannot read /nonexistent/disk' });
  });
});

describe('the failsafe script in the live system', () => {
  it('is valid sh', async () => {
    const w = await world();
    expect(spawnSync('/bin/sh', ['-n', scriptFor(w)]).status).toBe(0);
  });

  it('untouched disk, installer failed: records the outcome on the old system and reboots', async () => {
    const w = await world();
    const r = run(w, scriptFor(w), 'installer-failed');
    expect(r.status).toBe(0);
    expect(r.calls).toContain(`mount -t ext4 -o rw ${w.root}/dev/disk/by-uuid/1111-2222 ${w.state}/old-system`);
    expect(r.calls).toContain('systemctl reboot --force');
    expect(r.calls.some((c) => c.startsWith('systemctl --no-block start'))).toBe(false);
    const line = `x2nestos failsafe: the installer failed before writing to ${w.disk}; rebooting into the original system, unchanged`;
    expect(readFileSync(path.join(w.root, 'dev/ttyS0'), 'utf8')).toContain(line);
    expect(readFileSync(path.join(w.root, 'dev/tty0'), 'utf8')).toContain(line);

    const outcome = JSON.parse(readFileSync(outcomeOnOldSystem(w), 'utf8')) as Record<string, unknown>;
    expect(outcome).toMatchObject({ version: 1, reason: 'installer-failed', disk: 'untouched', action: 'rebooted', destDevice: w.disk });
    expect(outcome.installerSaid).toBe('Error: couldn\'t find "device" (os error 2)');
    // What `x2nestos status` makes of it, read from the work directory of the old system.
    const last = await readLastAttempt(path.join(w.oldFs, 'var/lib/x2nestos'));
    expect(last.found && 'attempt' in last && describeLastAttempt(last.attempt)).toMatch(
      /: the installer failed before writing to .*\(installer: Error: couldn't find "device" \(os error 2\)\); your system was rebooted unchanged$/,
    );
    expect(existsSync(path.join(w.state, 'old-system'))).toBe(false); // unmounted
  });

  it('disk missing under the live kernel: reboots, and says the disk could not be found', async () => {
    const w = await world();
    const r = run(w, scriptFor(w, { destDevice: path.join(w.dir, 'no-such-disk') }), 'installer-failed');
    expect(r.calls).toContain('systemctl reboot --force');
    const outcome = JSON.parse(readFileSync(outcomeOnOldSystem(w), 'utf8')) as Record<string, unknown>;
    expect(outcome).toMatchObject({
      disk: 'missing',
      action: 'rebooted',
      message: `the live system could not find the disk ${path.join(w.dir, 'no-such-disk')}`,
    });
  });

  it("written disk: retries once, then stays up reachable as nest with the config's keys", async () => {
    const w = await world();
    const script = scriptFor(w);
    scribble(w.disk, 0);
    const first = run(w, script, 'installer-failed');
    expect(first.calls).toEqual(
      expect.arrayContaining([
        'systemctl reset-failed nestos-installer.service',
        'systemctl --no-block start nestos-installer-post.target',
      ]),
    );
    expect(first.calls.some((c) => c.startsWith('systemctl reboot') || c.startsWith('mount'))).toBe(false);
    expect(first.stdout).toContain(`the installer failed after writing to ${w.disk}; retrying the install once`);
    expect(existsSync(outcomeOnOldSystem(w))).toBe(false); // never mount a filesystem of a written disk

    const second = run(w, script, 'installer-failed');
    expect(second.calls).toContain('systemctl --no-block start NetworkManager.service sshd.service');
    expect(second.calls.some((c) => c.includes('reboot') || c.includes('nestos-installer-post.target'))).toBe(false);
    expect(readFileSync(path.join(w.root, 'etc/passwd'), 'utf8')).toMatch(/^nest:/m);
    const keys = path.join(w.root, 'home/nest/.ssh/authorized_keys');
    expect(readFileSync(keys, 'utf8')).toBe(readFileSync(path.join(w.root, FAILSAFE_KEYS_PATH), 'utf8'));
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(w.root, 'etc/sudoers.d/x2nestos-failsafe'), 'utf8')).toBe('nest ALL=(ALL) NOPASSWD: ALL\n');
    expect(readFileSync(path.join(w.root, 'dev/ttyS0'), 'utf8')).toContain(
      `x2nestos failsafe: the installer failed after writing to ${w.disk}, again after one retry; this live system stays up: ssh nest@192.0.2.10 (keys of your Ignition config); log: journalctl -u nestos-installer.service`,
    );
    expect(JSON.parse(readFileSync(path.join(w.state, 'outcome.json'), 'utf8'))).toMatchObject({ disk: 'touched', action: 'stayed-up' });
  });

  it('a change in the GPT backup at the end also counts as written', async () => {
    const w = await world();
    scribble(w.disk, 16 * MiB - 512);
    expect(run(w, scriptFor(w), 'installer-failed').calls).toContain('systemctl --no-block start nestos-installer-post.target');
  });

  it('unknown disk state (the host could not read it): never reboots into it', async () => {
    const w = await world();
    const r = run(w, scriptFor(w, { fingerprint: undefined }), 'installer-failed');
    expect(r.calls).toContain('systemctl --no-block start nestos-installer-post.target');
    expect(r.stdout).toContain('whether it wrote to');
  });

  it('deadline, installer stuck before writing: stops it, looks again, reboots', async () => {
    const w = await world();
    const r = run(w, scriptFor(w), 'timeout', { STUB_INSTALLER_STATE: 'activating' });
    const stop = r.calls.indexOf('systemctl stop nestos-installer.service');
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(r.calls.indexOf('systemctl reboot --force')).toBeGreaterThan(stop);
    expect(JSON.parse(readFileSync(outcomeOnOldSystem(w), 'utf8'))).toMatchObject({
      reason: 'timeout',
      disk: 'untouched',
      message: `the installer did not finish within 30 minutes and had not written to ${w.disk}`,
    });
  });

  it('deadline while the installer is writing: leaves it running and makes the system reachable', async () => {
    const w = await world();
    scribble(w.disk, 0);
    const r = run(w, scriptFor(w), 'timeout', { STUB_INSTALLER_STATE: 'activating' });
    expect(r.calls.some((c) => c.startsWith('systemctl stop') || c.includes('reboot') || c.includes('post.target'))).toBe(false);
    expect(r.calls).toContain('systemctl --no-block start NetworkManager.service sshd.service');
    // A later timer run after it stayed up does nothing more.
    expect(
      run(w, scriptFor(w), 'timeout', { STUB_INSTALLER_STATE: 'activating' }).calls.filter((c) => !c.startsWith('systemctl is-active')),
    ).toEqual([]);
  });

  // NestOS runs it with bash, Debian's /bin/sh is dash. (Not busybox ash here: it runs its own
  // mount/reboot applets before PATH, so stubs cannot stand in for them; the e2e stand-in runs it.)
  it.each([['bash', ['/bin/bash', '--posix']]])('takes the same decisions under %s', async (_name, shell) => {
    const w = await world();
    const script = scriptFor(w);
    expect(run(w, script, 'installer-failed', {}, shell).calls).toContain('systemctl reboot --force');
    expect(JSON.parse(readFileSync(outcomeOnOldSystem(w), 'utf8'))).toMatchObject({ disk: 'untouched', action: 'rebooted' });
    scribble(w.disk, 0);
    expect(run(w, script, 'installer-failed', {}, shell).calls).toContain('systemctl --no-block start nestos-installer-post.target');
    expect(run(w, script, 'installer-failed', {}, shell).calls).toContain('systemctl --no-block start NetworkManager.service sshd.service');
    expect(readFileSync(path.join(w.root, 'home/nest/.ssh/authorized_keys'), 'utf8')).toMatch(/^ssh-ed25519 /);
  });

  it('carries hostile values as data: quotes and $(...) in the device name run nothing', async () => {
    const w = await world();
    const odd = path.join(w.dir, `it's "$(touch PWNED)" \`touch PWNED\``);
    writeFileSync(odd, readFileSync(w.disk));
    const r = run(w, scriptFor(w, { destDevice: odd }), 'installer-failed');
    expect(existsSync(path.join(w.dir, 'PWNED'))).toBe(false);
    expect(r.calls).toContain('systemctl reboot --force'); // the same bytes: untouched
    const outcome = JSON.parse(readFileSync(outcomeOnOldSystem(w), 'utf8')) as Record<string, unknown>;
    expect(outcome.destDevice).toBe(odd);
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
