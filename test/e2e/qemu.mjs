// One throwaway QEMU guest: TCG only (KVM is not usable on the machines that run this), disks as
// qcow2 overlays of the cached images so the cache never changes, user networking with restrict=on
// so the guest reaches nothing but the test server (guestfwd) and our SSH port (hostfwd), the serial
// console in a log file, and -no-reboot so the converted machine's "reboot" ends the VM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const SSH_OPTIONS = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'LogLevel=ERROR',
  '-o',
  'BatchMode=yes',
  '-o',
  'ConnectTimeout=10',
  '-o',
  'ServerAliveInterval=10',
  '-o',
  'ServerAliveCountMax=6',
];

/**
 * Runs a program to completion. Never throws for a non-zero exit: callers assert on `code`.
 * @returns {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string, timedOut: boolean }>}
 */
export function run(cmd, args, { timeoutMs = 120_000, input, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    if (child.pid) liveGroups.add(child.pid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveGroups.delete(child.pid);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Like run(), but throws with the command's stderr unless it exits 0. */
export async function runOk(cmd, args, options) {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// QEMU and every helper run in their own process group (so a timeout kills socat, debootstrap's
// children, ...); nothing would stop them when this process dies, so every live group is killed on
// exit and on SIGINT/SIGTERM.
const liveGroups = new Set();
process.on('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping ${liveGroups.size} process group(s)`);
    process.exit(130);
  });
}

/**
 * @typedef {{ base: string, serial: string }} DiskSpec  base = cached qcow2 image; serial → /dev/disk/by-id/virtio-<serial>
 * @typedef {{
 *   name: string, runDir: string, image: { dir: string, disk: string, kernel: string, initrd: string, cmdline: string, key: string },
 *   disks: DiskSpec[], memMiB?: number, serverPort: number, guestAddress?: string, extraKargs?: string, extraNics?: number,
 *   firmware?: { vars: string, secureBoot?: boolean }, arch?: 'x86_64' | 'aarch64',
 * }} GuestOptions
 * firmware: boot through OVMF (no direct kernel boot) with VARS as the persistent variable store
 * (created from OVMF's template when missing; kept, so a second Guest can cold-boot with the
 * NVRAM the first one left). secureBoot: the SMM build with Microsoft's keys enrolled.
 */

const OVMF_DIR = '/usr/share/OVMF';
const AAVMF_DIR = '/usr/share/AAVMF';

/** Firmware arguments for QEMU (q35): OVMF code read-only, the vars file writable. */
export async function ovmfArgs({ vars, secureBoot = false }) {
  const code = path.join(OVMF_DIR, secureBoot ? 'OVMF_CODE_4M.secboot.fd' : 'OVMF_CODE_4M.fd');
  const template = path.join(OVMF_DIR, secureBoot ? 'OVMF_VARS_4M.ms.fd' : 'OVMF_VARS_4M.fd');
  if (!(await stat(vars).catch(() => null))) await copyFile(template, vars);
  return {
    machine: secureBoot ? 'q35,smm=on' : 'q35',
    args: [
      ...(secureBoot ? ['-global', 'driver=cfi.pflash01,property=secure,value=on'] : []),
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${code}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${vars}`,
    ],
  };
}

/**
 * aarch64: AAVMF (qemu-efi-aarch64) on `-M virt`, the code read-only and a vars file of the guest's
 * own (a fresh copy of the template, kept like OVMF's for a cold boot).
 */
export async function aavmfArgs({ vars }) {
  if (!(await stat(vars).catch(() => null))) await copyFile(path.join(AAVMF_DIR, 'AAVMF_VARS.fd'), vars);
  return {
    machine: 'virt',
    args: [
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${path.join(AAVMF_DIR, 'AAVMF_CODE.fd')}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${vars}`,
    ],
  };
}

/** The MAC address of NIC N: 0 is enp0s3 (52:54:00:12:34:56), 1 and up the extra NICs enp0s4, ... */
export function nicMac(n) {
  return `52:54:00:12:34:${(0x56 + n).toString(16)}`;
}

export class Guest {
  /** @param {GuestOptions} options */
  constructor(options) {
    this.options = options;
    this.name = options.name;
    this.runDir = options.runDir;
    this.consoleLog = path.join(options.runDir, 'console.log');
    this.overlays = options.disks.map((disk, i) => ({ ...disk, overlay: path.join(options.runDir, `disk${i}.qcow2`) }));
    this.sshPort = 0;
    this.process = null;
    this.exited = null;
    this.exitInfo = null;
    this.startedAt = 0;
  }

  /** Creates the overlays (unless keepDisks: a restart) and starts QEMU. Does not wait for the guest to boot. */
  async start({ keepDisks = false } = {}) {
    const { image, memMiB = 1024, serverPort, guestAddress = '10.0.2.15', extraKargs = '', extraNics = 0, firmware, arch } = this.options;
    const arm = arch === 'aarch64';
    await mkdir(this.runDir, { recursive: true });
    for (const disk of keepDisks ? [] : this.overlays) {
      await runOk('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', path.resolve(disk.base), '-F', 'qcow2', disk.overlay]);
    }
    this.sshPort = await freePort();
    const netdev = [
      // slirp always answers DHCP and advertises its IPv6 prefix; the statically configured image
      // ignores both (images/build-image.sh), and its scenario fails on any dynamic address. A ULA
      // prefix rather than slirp's default fec0::/64, which is site-local (deprecated, scope site).
      'user,id=n0,restrict=on,ipv6-net=fd00:e2e::/64,ipv6-host=fd00:e2e::2,ipv6-dns=fd00:e2e::3',
      `hostfwd=tcp:127.0.0.1:${this.sshPort}-${guestAddress}:22`,
      `guestfwd=tcp:10.0.2.100:80-cmd:socat STDIO TCP:127.0.0.1:${serverPort}`,
    ].join(',');
    const uefi = firmware ? await (arm ? aavmfArgs(firmware) : ovmfArgs(firmware)) : null;
    const args = [
      '-name',
      this.name,
      '-machine',
      uefi ? uefi.machine : 'q35',
      '-accel',
      'tcg',
      '-cpu',
      // cortex-a57: a plain ARMv8.0 server core; `max` under TCG emulates costly extensions (pointer auth).
      arm ? 'cortex-a57' : 'max',
      '-smp',
      '1',
      '-m',
      String(memMiB),
      '-nodefaults',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      `file:${this.consoleLog}`,
      ...(uefi ? uefi.args : ['-kernel', image.kernel, '-initrd', image.initrd, '-append', `${image.cmdline} ${extraKargs}`.trim()]),
      '-netdev',
      netdev,
      '-device',
      `virtio-net-pci,netdev=n0,mac=${nicMac(0)},addr=0x3`,
    ];
    // More NICs (enp0s4, enp0s5, ...) for bonds and VLANs, each on a network of its own with no way out.
    for (let n = 0; n < extraNics; n++) {
      args.push('-netdev', `user,id=x${n},restrict=on,ipv6=off`);
      args.push('-device', `virtio-net-pci,netdev=x${n},mac=${nicMac(n + 1)},addr=0x${(4 + n).toString(16)}`);
    }
    args.push('-device', 'virtio-rng-pci');
    this.overlays.forEach((disk, i) => {
      // cache=unsafe: guest flushes are not forced to the host disk; QEMU still writes everything out
      // when it exits, and these overlays are thrown away after the run.
      args.push('-drive', `file=${disk.overlay},if=none,id=d${i},format=qcow2,cache=unsafe,discard=unmap`);
      args.push('-device', `virtio-blk-pci,drive=d${i},serial=${disk.serial}`);
    });
    this.qemuArgs = args;
    this.startedAt = Date.now();
    const child = spawn(arm ? 'qemu-system-aarch64' : 'qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.process = child;
    liveGroups.add(child.pid);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.exitInfo = { code: null, signal: null, output: String(error), at: Date.now() };
        resolve(this.exitInfo);
      });
      child.on('exit', (code, signal) => {
        liveGroups.delete(child.pid);
        this.exitInfo = { code, signal, output, at: Date.now() };
        resolve(this.exitInfo);
      });
    });
  }

  /**
   * Powers the machine on again with the same disks after it ended (a reboot ends QEMU under
   * -no-reboot): the image's kernel boots the disk's root filesystem, as the firmware would boot the
   * disk's own system. The console goes to console-LABEL.log.
   */
  async restart(label = 'restart') {
    assert.ok(!this.running, `${this.name}: restart() needs the machine to have stopped`);
    this.consoleLog = path.join(this.runDir, `console-${label}.log`);
    this.process = null;
    this.exitInfo = null;
    await this.start({ keepDisks: true });
  }

  get running() {
    return this.process !== null && this.exitInfo === null;
  }

  sshArgs({ user = 'root', key = this.options.image.key } = {}) {
    return [...SSH_OPTIONS, '-i', key, '-p', String(this.sshPort), `${user}@127.0.0.1`];
  }

  /** Runs a command as USER with the private KEY (e.g. `nest` in a live system that stayed up). */
  sshAs(user, key, command, { timeoutMs = 60_000 } = {}) {
    return run('ssh', [...this.sshArgs({ user, key }), command], { timeoutMs });
  }

  /** Waits until root can run a command over SSH. Returns the seconds it took from start(). */
  async waitForSsh(timeoutMs = 240_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name}: QEMU exited before SSH came up: ${JSON.stringify(this.exitInfo)}\n${await this.consoleTail()}`);
      const probe = await run('ssh', [...this.sshArgs(), 'true'], { timeoutMs: 20_000 });
      if (probe.code === 0) return (Date.now() - this.startedAt) / 1000;
      await sleep(2000);
    }
    throw new Error(`${this.name}: no SSH after ${timeoutMs / 1000} s\n${await this.consoleTail()}`);
  }

  /** Runs a shell command line as root in the guest. */
  ssh(command, { timeoutMs = 300_000, input } = {}) {
    return run('ssh', [...this.sshArgs(), command], { timeoutMs, input });
  }

  /** Like ssh() but throws unless the command exits 0. */
  async sshOk(command, options) {
    const result = await this.ssh(command, options);
    if (result.code !== 0) {
      throw new Error(
        `${this.name}: \`${command}\` failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${(result.stderr + result.stdout).trim().slice(-2000)}`,
      );
    }
    return result;
  }

  /** Copies a local file into the guest (through ssh, no scp/sftp server needed). */
  async copyTo(localFile, remotePath, mode = '0644') {
    const data = await readFile(localFile);
    await this.sshOk(`install -D -m ${mode} /dev/stdin ${shellQuote(remotePath)}`, { input: data });
  }

  /** Resolves with how QEMU ended; kills it after timeoutMs. */
  async waitForExit(timeoutMs) {
    const timer = sleep(timeoutMs).then(() => 'timeout');
    const outcome = await Promise.race([this.exited, timer]);
    if (outcome === 'timeout') {
      await this.kill();
      return { ...this.exitInfo, timedOut: true };
    }
    return { ...outcome, timedOut: false };
  }

  /** Asks the guest to power off and waits for QEMU to end. */
  async powerOff(timeoutMs = 120_000) {
    if (!this.running) return this.exitInfo;
    await this.ssh('systemctl poweroff', { timeoutMs: 20_000 });
    return this.waitForExit(timeoutMs);
  }

  async kill() {
    if (!this.running) return;
    const pid = this.process.pid;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const gone = await Promise.race([this.exited.then(() => true), sleep(5000).then(() => false)]);
    if (!gone) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await this.exited;
    }
  }

  async consoleTail(lines = 60) {
    const text = await readFile(this.consoleLog, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  async console() {
    return readFile(this.consoleLog, 'utf8').catch(() => '');
  }

  /**
   * Kills QEMU if still running and removes the overlays (kept with keepOverlays, for a look at the
   * disks; the console log always stays, unless removeAll).
   */
  async cleanup({ removeAll = false, keepOverlays = false } = {}) {
    await this.kill();
    if (removeAll) await rm(this.runDir, { recursive: true, force: true });
    else if (!keepOverlays) for (const disk of this.overlays) await rm(disk.overlay, { force: true });
  }
}

/** True when the overlay's guest-visible content equals its base image (qemu-img compare). */
export async function sameAsBase(overlay, base) {
  const result = await run('qemu-img', ['compare', '-q', '-f', 'qcow2', '-F', 'qcow2', base, overlay], { timeoutMs: 300_000 });
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw new Error(`qemu-img compare ${base} ${overlay}: ${result.stderr.trim()}`);
}

/** Writes the guest-visible content of a qcow2 image to a sparse raw file (for inspect-disk.sh). */
export async function exportRaw(qcow2, raw) {
  await runOk('qemu-img', ['convert', '-q', '-f', 'qcow2', '-O', 'raw', qcow2, raw], { timeoutMs: 600_000 });
  return (await stat(raw)).size;
}

export function shellQuote(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}
