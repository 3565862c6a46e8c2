// What every scenario does with a guest: boot a host image, put the binary under test on it, run it,
// wait for the conversion to power the VM off, and read the disks from outside. Assertions throw
// AssertionError with the evidence (exit code, stderr, console tail) in the message.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Guest, run, runOk, sameAsBase, shellQuote } from './qemu.mjs';
import { E2E_DIR } from './prepare.mjs';
import { GUEST_BASE_URL } from './server.mjs';

const INSPECT_SCRIPT = path.join(E2E_DIR, 'standin/inspect-disk.sh');
export const SYSTEM_SERIAL = 'HOSTDISK1';
export const DATA_SERIAL = 'HOSTDISK2';
export const byId = (serial) => `/dev/disk/by-id/virtio-${serial}`;

/** Exit codes of the CLI (docs: e2e-shared.md). */
/** The unit x2nestos adds to every destination config (src/payload/install-record.ts). */
export const INSTALL_RECORD_UNIT = 'x2nestos-install-journal.service';
export const EXIT = { ok: 0, internal: 1, usage: 2, precondition: 3, ignition: 4, verification: 5, network: 6, kexec: 7, packages: 8 };

export class ScenarioContext {
  /**
   * @param {{ id: string, runDir: string, server: any, images: Record<string, any>, repos: any,
   *   releases: Record<string, any>, binary: { file: string }, nestKey: string, keep: boolean,
   *   log: (line: string) => void }} shared
   */
  constructor(shared) {
    Object.assign(this, shared);
    this.guests = [];
    this.timings = {};
    this.scratch = path.join(this.runDir, 'scratch');
    this.scratchUrlPath = `/scratch/${this.id}`;
    this.transcripts = 0;
    this.mounts = [];
  }

  /** Adds a timing figure (seconds) to the scenario's report. */
  time(name, seconds) {
    this.timings[name] = Math.round(seconds * 10) / 10;
  }

  /** Serves TEXT at /scratch/<scenario>/<name>; returns the URL a guest uses. */
  async publish(name, text) {
    await mkdir(path.dirname(path.join(this.scratch, name)), { recursive: true });
    await writeFile(path.join(this.scratch, name), text);
    this.server.mount(this.scratchUrlPath, this.scratch);
    return `${GUEST_BASE_URL}${this.scratchUrlPath}/${name}`;
  }

  /**
   * Boots a host image with its system disk (serial HOSTDISK1) and, unless dataDisk is false, the
   * data disk (HOSTDISK2), and extraNics more NICs (enp0s4, ...; MACs from qemu.mjs nicMac), and waits for SSH.
   */
  async boot({ image = 'debian12', memMiB = 1024, dataDisk = true, label = image, extraNics = 0, secureBoot = false } = {}) {
    // An image still being built (debian12-arm64, see run.mjs) is a promise: wait for it here.
    const host = await this.images[image];
    // UEFI images boot through OVMF with a vars file of their own (the NVRAM the scenario judges).
    const varsFile = host.arch === 'aarch64' ? 'AAVMF_VARS.fd' : 'OVMF_VARS.fd';
    const firmware = host.firmware === 'uefi' ? { vars: path.join(this.runDir, label, varsFile), secureBoot } : undefined;
    const disks = [{ base: host.disk, serial: SYSTEM_SERIAL }];
    if (dataDisk) disks.push({ base: this.images.datadisk.disk, serial: DATA_SERIAL });
    const guest = new Guest({
      name: `${this.id}-${label}`,
      runDir: path.join(this.runDir, label),
      image: host,
      disks,
      memMiB,
      extraNics,
      ...(firmware ? { firmware } : {}),
      ...(host.arch ? { arch: host.arch } : {}),
      serverPort: this.server.port,
      // The yum-family image has a static address and no DHCP client (images/build-image.sh).
      guestAddress: image === 'openeuler2203' ? '10.0.2.50' : '10.0.2.15',
    });
    this.guests.push(guest);
    await guest.start();
    const seconds = await guest.waitForSsh();
    this.time(`boot-to-ssh(${label})`, seconds);
    this.log(`${label}: SSH after ${seconds.toFixed(1)} s`);
    return guest;
  }

  /**
   * Powers on a stopped UEFI guest's disks again through the firmware, with the NVRAM (vars file) it
   * left: what a server does after the installer's reboot. Waits until QEMU ends (the stand-in's
   * EFI loader prints a marker and powers off) and returns the serial console.
   */
  async coldBoot(guest, { label = `${guest.name}-coldboot`, timeoutMs = 5 * 60_000 } = {}) {
    assert.ok(!guest.running && guest.options.firmware, 'cold boot needs a stopped UEFI guest');
    const next = new Guest({
      ...guest.options,
      name: `${this.id}-${label}`,
      runDir: path.join(this.runDir, label),
      disks: guest.overlays.map((d) => ({ base: d.overlay, serial: d.serial })),
    });
    this.guests.push(next);
    await next.start();
    const exit = await next.waitForExit(timeoutMs);
    this.time(`cold-boot(${label})`, (Date.now() - next.startedAt) / 1000);
    const console = await next.console();
    assert.ok(
      !exit.timedOut,
      `${label}: the firmware boot did not end within ${timeoutMs / 1000} s; console tail:\n${console.slice(-3000)}`,
    );
    return console;
  }

  /**
   * The opening of most conversions: DESTINATION (the Ignition config NestOS will boot with) as
   * /root/dest.ign on the guest, readable by root alone, and the binary under test installed.
   */
  async prepareGuest(guest, destination) {
    await guest.sshOk('install -m 0600 /dev/stdin /root/dest.ign', { input: destination });
    await this.installBinary(guest);
  }

  /** `--stream` and `--stream-base-url` of RELEASE on the loopback mirror (or on BASE_URL, a stand-in for it). */
  streamArgs(release, baseUrl = release.streamBaseUrl) {
    return ['--stream', release.stream, '--stream-base-url', baseUrl];
  }

  /**
   * What converts GUEST to RELEASE with /root/dest.ign (see prepareGuest): the stream on the loopback
   * mirror, and the published checksums on the guest (EXTRA as in checksums()).
   */
  async releaseArgs(guest, release, extra = {}) {
    return ['--ignition', '/root/dest.ign', ...this.streamArgs(release), ...(await this.checksums(guest, release, extra))];
  }

  /**
   * The failsafe scenarios' opening: a debian12 guest without a data disk converts to RELEASE with a
   * stand-in knob on the live command line that makes the install fail (KNOB), and x2nestos must get
   * as far as the switch (exit 0, or 255 when the switch cut the SSH session). Returns the guest.
   */
  async switchIntoFailingInstall(destination, release, knob) {
    const guest = await this.boot({ image: 'debian12', dataDisk: false });
    await this.prepareGuest(guest, destination);
    const result = await this.x2nestos(guest, convertArgs([...(await this.releaseArgs(guest, release)), '--live-karg', knob]));
    assert.ok(
      result.code === 0 || (result.code === 255 && !result.timedOut),
      `x2nestos exited ${result.code}:\n${result.stderr.trim().slice(-3000)}`,
    );
    return guest;
  }

  /**
   * Puts the binary under test (or FILE, e.g. the arm64 release file) on the guest as
   * /usr/local/bin/x2nestos (over HTTP: faster than SSH under TCG).
   */
  async installBinary(guest, file = this.binary.file) {
    const urlPath = file === this.binary.file ? '/bin/x2nestos' : `/bin/${path.basename(file)}`;
    this.server.serveFile(urlPath, file);
    const started = Date.now();
    await guest.sshOk(`curl -fsS -o /usr/local/bin/x2nestos ${GUEST_BASE_URL}${urlPath} && chmod 0755 /usr/local/bin/x2nestos`, {
      timeoutMs: 300_000,
    });
    this.time('binary-copy', (Date.now() - started) / 1000);
  }

  /**
   * Runs `x2nestos ARGS` as root in the guest. Returns { code, stdout, stderr, seconds }; code 255
   * with a guest that goes on to power off means the switch cut the SSH session (expected).
   */
  async x2nestos(guest, args, { timeoutMs = 15 * 60_000 } = {}) {
    const command = ['/usr/local/bin/x2nestos', ...args].map(shellQuote).join(' ');
    const started = Date.now();
    const result = await guest.ssh(command, { timeoutMs });
    const seconds = (Date.now() - started) / 1000;
    this.transcripts += 1;
    await writeFile(
      path.join(this.runDir, `x2nestos-${this.transcripts}.txt`),
      `$ x2nestos ${args.join(' ')}\n# exit ${result.code}${result.timedOut ? ' (timed out)' : ''} after ${seconds.toFixed(1)} s\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}\n`,
    );
    this.log(`${guest.name}: x2nestos ${args[0]} … → exit ${result.code} in ${seconds.toFixed(1)} s`);
    return { ...result, seconds };
  }

  /**
   * Waits for the VM to power off after a switch and returns inspect-disk.sh's description of
   * disk DISKINDEX (0 = system disk, 1 = data disk).
   */
  async waitForConversion(guest, { timeoutMs = 12 * 60_000, diskIndex = 0, since = Date.now() } = {}) {
    const exit = await guest.waitForExit(timeoutMs);
    this.time('switch-to-poweroff', (Date.now() - since) / 1000);
    const console = await guest.consoleTail(40);
    assert.ok(!exit.timedOut, `${guest.name}: the VM did not power off within ${timeoutMs / 1000} s; console tail:\n${console}`);
    return this.inspect(guest, diskIndex);
  }

  /** inspect-disk.sh on a disk overlay of a stopped guest. */
  async inspect(guest, diskIndex = 0) {
    assert.ok(!guest.running, 'inspect a disk only after the VM stopped');
    const result = await runOk('bash', [INSPECT_SCRIPT, guest.overlays[diskIndex].overlay], { timeoutMs: 300_000 });
    await writeFile(path.join(this.runDir, `inspect-disk${diskIndex}.json`), result.stdout);
    return JSON.parse(result.stdout);
  }

  /**
   * The checks of a successful conversion: a NestOS layout on the disk, the destination Ignition
   * config byte-for-byte, and the installer told to write the disk by its stable name.
   */
  async expectConverted(guest, inspection, { destination, serial = SYSTEM_SERIAL, installer, exact = false }) {
    const tail = await guest.consoleTail(40);
    // The stand-in live system states why it gave up on one line: lead with it.
    const fatal = /nestos-standin: FATAL: (.*)/.exec(await guest.console())?.[1];
    if (fatal) assert.fail(`the live system failed: ${fatal}\nconsole tail:\n${tail}`);
    const context = `\nliveLog tail:\n${String(inspection.liveLog ?? '')
      .split('\n')
      .slice(-25)
      .join('\n')}\nconsole tail:\n${tail}`;
    assert.equal(
      inspection.nestos,
      true,
      `disk ${serial} does not carry a NestOS layout: ${JSON.stringify(inspection.partitions)}${context}`,
    );
    assert.deepEqual(inspection.errors ?? [], [], `inspect-disk reported errors${context}`);
    if (exact) {
      // Nothing added but what x2nestos adds to every config: the unit that logs the install
      // record at NestOS's first boot (src/payload/install-record.ts), around the given bytes.
      const { ignition, systemd, ...rest } = JSON.parse(inspection.ignition ?? 'null') ?? {};
      const merged = ignition?.config?.merge ?? [];
      assert.ok(
        merged.length === 1 && decodeDataUrl(merged[0].source)?.equals(Buffer.from(destination)),
        `the installed /ignition/config.ign does not merge the given config byte-for-byte: ${String(inspection.ignition).slice(0, 400)}${context}`,
      );
      assert.deepEqual(Object.keys(rest), [], `x2nestos added more than the install-record unit to the config${context}`);
      assert.deepEqual(
        (systemd?.units ?? []).map((u) => u.name),
        [INSTALL_RECORD_UNIT],
        `x2nestos added other units than ${INSTALL_RECORD_UNIT}${context}`,
      );
    } else if (inspection.ignition !== destination) {
      // The tool may add to the user's config (hostname, inherited keys) by wrapping it: the given
      // bytes must then be merged or replaced in, byte-for-byte, as a data URL.
      const wrapper = JSON.parse(inspection.ignition ?? 'null');
      const sources = [...(wrapper?.ignition?.config?.merge ?? []), wrapper?.ignition?.config?.replace]
        .filter(Boolean)
        .map((r) => r.source);
      assert.ok(
        sources.some((source) => decodeDataUrl(source)?.equals(Buffer.from(destination))),
        `the installed /ignition/config.ign neither is the given config nor merges it byte-for-byte: ${String(inspection.ignition).slice(0, 400)}${context}`,
      );
    }
    assert.ok(inspection.installer, `the stand-in installer left no record${context}`);
    assert.equal(
      inspection.installer.destDevice?.given,
      byId(serial),
      `installer wrote ${JSON.stringify(inspection.installer.destDevice)}; expected the stable name ${byId(serial)}`,
    );
    if (installer) assert.equal(inspection.installer.version, installer, 'installer version of the live system');
    return inspection;
  }

  /**
   * The checks of a refusal, while the guest still runs: no kernel loaded, the host still up.
   * Call finishUntouched() after all refusals to power off and compare the disks.
   */
  async expectNothingLoaded(guest, label) {
    const loaded = await guest.sshOk('cat /sys/kernel/kexec_loaded');
    assert.equal(loaded.stdout.trim(), '0', `${label}: a kernel was loaded for kexec after the refusal`);
    const jobs = await guest.sshOk('systemctl list-jobs --no-legend --no-pager');
    assert.ok(!/kexec|reboot|poweroff/.test(jobs.stdout), `${label}: a shutdown job is queued: ${jobs.stdout}`);
  }

  /**
   * Powers the guest off and proves its disks were not converted: the data disk equals its base
   * image exactly; the system disk's partition tables and everything before the root filesystem
   * (GPT, BIOS boot partition) and after it (backup GPT) equal the base image, and the disk is no
   * NestOS disk. (The root filesystem itself is live: journald, sshd and the tool's own work dir
   * write to it, so it cannot stay byte-identical.)
   */
  async finishUntouched(guest, { dataDisk = true } = {}) {
    const exit = await guest.powerOff();
    assert.ok(!exit.timedOut, `${guest.name}: did not power off`);
    await this.expectSystemDiskIntact(guest);
    if (dataDisk) {
      assert.ok(
        await sameAsBase(guest.overlays[1].overlay, guest.overlays[1].base),
        'the data disk HOSTDISK2 is not byte-for-byte unchanged',
      );
    }
  }

  /** The system disk of a stopped guest is still the old host's: same GPT regions, no NestOS. */
  async expectSystemDiskIntact(guest) {
    const system = guest.overlays[0];
    const lastMiB = (await virtualSize(system.base)) / 2 ** 20 - 1;
    for (const [skipMiB, countMiB, label] of [
      [0, 2, 'first 2 MiB (protective MBR, GPT, BIOS boot partition)'],
      [lastMiB, 1, 'last MiB (backup GPT)'],
    ]) {
      const [base, now] = await Promise.all([hashRange(system.base, skipMiB, countMiB), hashRange(system.overlay, skipMiB, countMiB)]);
      assert.equal(now, base, `system disk changed in its ${label}`);
    }
    const inspection = await this.inspect(guest, 0);
    assert.equal(inspection.nestos, false, 'the system disk was converted');
    assert.deepEqual(
      inspection.partitions.map((p) => p.label),
      ['bios', 'hostroot'],
      'system disk partitions',
    );
  }

  /**
   * Runs a conversion that is expected to succeed and returns the inspection of disk DISKINDEX after
   * the VM powered off. Exit 0, or 255 when the switch cut the SSH session, are both fine.
   */
  async convert(guest, args, { diskIndex = 0, timeoutMs } = {}) {
    const result = await this.x2nestos(guest, convertArgs(args));
    const since = Date.now();
    assert.ok(
      result.code === 0 || (result.code === 255 && !result.timedOut),
      `x2nestos exited ${result.code}${result.timedOut ? ' (timed out)' : ''}:\n${result.stderr.trim()}\n${result.stdout.trim().slice(-3000)}`,
    );
    this.time('x2nestos-run', result.seconds);
    const inspection = await this.waitForConversion(guest, { diskIndex, since, timeoutMs });
    return { result, inspection };
  }

  /**
   * Runs a conversion that must be refused with exit code CODE; checks that nothing was loaded.
   */
  async expectRefusal(guest, args, code, label) {
    const result = await this.x2nestos(guest, convertArgs(args));
    assert.equal(
      result.code,
      code,
      `${label}: expected exit ${code}, got ${result.code}:\n${result.stderr.trim()}\n${result.stdout.trim().slice(-2000)}`,
    );
    assert.ok(result.stderr.trim().length > 0, `${label}: refused without a message on stderr`);
    assert.ok(guest.running, `${label}: the VM stopped after a refusal`);
    await this.expectNothingLoaded(guest, label);
    return result;
  }

  /**
   * Serves RELEASE a second time under /scratch/<scenario>/<name>/ with its own stream document, so
   * faults injected there (drops, tampering) cannot disturb scenarios running in parallel.
   * Returns { streamBaseUrl, urlPath(artifact), url(artifact) }.
   */
  async mirror(release, name) {
    const prefix = `${this.scratchUrlPath}/${name}`;
    const base = `${GUEST_BASE_URL}${prefix}`;
    const document = (await readFile(path.join(release.dir, 'streams', `${release.stream}.json`), 'utf8'))
      .split(release.baseUrl + '/')
      .join(base + '/');
    await this.publish(`${name}-streams/${release.stream}.json`, document);
    this.server.mount(prefix, release.dir);
    this.mounts.push(prefix);
    const urlPath = (artifact) => `${prefix}/${path.basename(release.artifacts[artifact].file)}`;
    return {
      streamBaseUrl: `${GUEST_BASE_URL}${this.scratchUrlPath}/${name}-streams/`,
      urlPath,
      url: (artifact) => `${GUEST_BASE_URL}${urlPath(artifact)}`,
    };
  }

  /**
   * The stand-in mirror is plain HTTP, whose own hashes prove nothing (x2nestos refuses them): put
   * RELEASE's SHA256SUMS on the guest, as an admin brings it from a trusted place, and return the
   * flags that make the conversion check against it.
   */
  async checksums(guest, release, extra = {}) {
    const lines = ['kernel', 'initramfs', 'rootfs'].map(
      (role) => `${release.artifacts[role].sha256}  ${path.basename(release.artifacts[role].file)}\n`,
    );
    for (const [name, sha256] of Object.entries(extra)) lines.push(`${sha256}  ${name}\n`);
    await guest.sshOk('cat > /root/SHA256SUMS', { input: lines.join('') });
    return ['--checksums', '/root/SHA256SUMS'];
  }

  /**
   * The fleet flow's controller side: `x2nestos fetch --to DIR` of RELEASE once (from the files on
   * this machine, the admin's verified copy), DIR served over plain HTTP at /scratch/<id>/NAME/.
   * Returns { releaseUrl, manifestSha256, dir, fetched } (fetched: fetch's --json document).
   */
  async fetchedRelease(release, name) {
    await mkdir(this.scratch, { recursive: true });
    const dir = path.join(this.scratch, `${name}-fetched`);
    const roles = ['kernel', 'initramfs', 'rootfs'];
    const result = await run(
      'env',
      [
        'X2NESTOS_FORBID_HOST_CHANGES=1',
        this.binary.file,
        'fetch',
        '--arch',
        'x86_64',
        '--to',
        dir,
        '--json',
        ...roles.flatMap((role) => [`--${role}`, release.artifacts[role].file]),
        '--work-dir',
        path.join(this.scratch, `${name}-fetch-work`),
        '--log-file',
        path.join(this.runDir, `${name}-fetch.log`),
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, `x2nestos fetch exited ${result.code}: ${result.stderr}`);
    const fetched = JSON.parse(result.stdout);
    await run('chmod', ['-R', 'a+rX', dir]);
    const prefix = `${this.scratchUrlPath}/${name}`;
    this.server.mount(prefix, dir);
    this.mounts.push(prefix);
    return { releaseUrl: `${GUEST_BASE_URL}${prefix}/`, manifestSha256: fetched.manifestSha256, dir, fetched };
  }

  async cleanup() {
    for (const guest of this.guests) await guest.cleanup({ keepOverlays: this.keep });
    this.server.unmount(this.scratchUrlPath);
    for (const prefix of this.mounts) this.server.unmount(prefix);
    this.server.clearFaults(this.scratchUrlPath);
    if (!this.keep) await rm(this.scratch, { recursive: true, force: true });
  }
}

/** The bytes of a data: URL (RFC 2397, base64 or percent-encoded), or null for other URLs. */
export function decodeDataUrl(url) {
  const m = /^data:([^,]*),(.*)$/s.exec(String(url));
  if (!m) return null;
  return /;base64$/.test(m[1]) ? Buffer.from(m[2], 'base64') : Buffer.from(decodeURIComponent(m[2]));
}

/** Files an installed Ignition config writes, { path: text }, looking into a wrapper's own storage. */
export function ignitionFiles(text) {
  const files = {};
  for (const file of JSON.parse(text)?.storage?.files ?? []) {
    const data = decodeDataUrl(file.contents?.source);
    if (data) files[file.path] = data.toString();
  }
  return files;
}

/** Parses a NetworkManager keyfile into { section: { key: value } }. */
export function parseKeyfile(text) {
  const sections = {};
  let current = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return sections;
}

async function virtualSize(image) {
  const result = await runOk('qemu-img', ['info', '--output=json', image]);
  return JSON.parse(result.stdout)['virtual-size'];
}

/** sha256 of COUNTMIB MiB starting at SKIPMIB MiB of a disk image's guest-visible content. */
export async function hashRange(image, skipMiB, countMiB) {
  const scratch = `${image}.range-${skipMiB}-${process.pid}.raw`;
  try {
    await runOk('qemu-img', [
      'dd',
      '-f',
      'qcow2',
      '-O',
      'raw',
      'bs=1M',
      `skip=${skipMiB}`,
      `count=${countMiB}`,
      `if=${image}`,
      `of=${scratch}`,
    ]);
    const result = await runOk('sha256sum', [scratch]);
    return result.stdout.split(' ')[0];
  } finally {
    await rm(scratch, { force: true });
  }
}

/** The conversion arguments every scenario shares. */
export function convertArgs(extra) {
  return ['convert', ...extra, '--yes', '--log-file', '/var/log/x2nestos-e2e.log'];
}

/** Copies the tool's log out of a still-running guest into the run dir (for the report). */
export async function saveToolLog(ctx, guest) {
  const result = await guest.ssh('cat /var/log/x2nestos-e2e.log 2>/dev/null', { timeoutMs: 30_000 });
  if (result.code === 0) await writeFile(path.join(ctx.runDir, `${guest.name}-x2nestos.log`), result.stdout);
}

export { assert, run };
