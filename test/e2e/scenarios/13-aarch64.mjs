// Issue 14.3 and 14.4(c): the arm64 release file converts an aarch64 host end to end. A Debian 12
// arm64 server (qemu-system-aarch64 -M virt, cortex-a57, AAVMF, GRUB on its ESP) whose kernel has
// kexec_load but no kexec_file_load, and whose command line names no console (the firmware's SPCR
// gives the kernel ttyAMA0): the plan must load with `kexec -l` and name console=ttyAMA0 for the
// live kernel, the arm64 stand-in release (stream architecture aarch64) installs NestOS, and after
// power-off the disk and the AAVMF vars file are judged from outside, then cold-booted: NestOS's
// shimaa64.efi is what the firmware starts, and the old system's entry is gone.
import path from 'node:path';
import { destinationConfig } from '../ignition.mjs';
import { assert } from '../harness.mjs';
import { readBootMenu } from '../ovmf-vars.mjs';
import { REPO_DIR } from '../prepare.mjs';

export const id = 'aarch64';
export const title = 'aarch64 Debian 12 (AAVMF, GRUB, no kexec_file_load, console from SPCR) → converted with the arm64 release file';
// Among the first in the queue, as one of the longest (equal weights keep file order, so it starts
// fifth). Its image builds beside the whole x86 preparation (about 11 min there) and is ready a few
// minutes after the scenarios start, before this one does; were it not, ctx.boot() would wait for it.
export const weight = 3;
export const needs = { images: ['debian12-arm64'], releases: ['r20arm'] };

const ARM64_BINARY = path.join(REPO_DIR, 'dist/x2nestos-linux-arm64');

export async function run(ctx) {
  const release = ctx.releases.r20arm;
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionUrl = await ctx.publish('dest.ign', destination);
  const args = [
    '--ignition',
    ignitionUrl,
    '--allow-http-ignition',
    '--no-keep-hostname',
    '--stream',
    release.stream,
    '--stream-base-url',
    release.streamBaseUrl,
  ];

  // More than the x86 guests: the live system holds kernel, initramfs and rootfs in RAM on top of
  // arm64's larger kernel image.
  const guest = await ctx.boot({ image: 'debian12-arm64', dataDisk: false, memMiB: 1536 });
  const host = (await guest.sshOk('uname -m; cat /proc/cmdline; cat /sys/class/tty/console/active')).stdout.split('\n');
  assert.equal(host[0], 'aarch64', 'the guest is an aarch64 machine');
  assert.doesNotMatch(host[1], /console=/, 'the old system boots with no console= (the premise of this scenario)');
  assert.match(host[2], /ttyAMA0/, 'the kernel found its console (ttyAMA0) by itself');
  const kconfig = await guest.sshOk(`grep -E '^(# )?CONFIG_KEXEC(_FILE)?[= ]' /boot/config-$(uname -r)`);
  assert.match(kconfig.stdout, /^CONFIG_KEXEC=y$/m, 'Debian arm64 kernel: kexec_load');
  assert.doesNotMatch(kconfig.stdout, /^CONFIG_KEXEC_FILE=y$/m, 'Debian arm64 kernel: no kexec_file_load');

  // What the Debian installer leaves: an entry for its loader on the system disk's ESP, first.
  await guest.sshOk("efibootmgr --create --disk /dev/vda --part 1 --label debian --loader '\\EFI\\debian\\grubaa64.efi' >/dev/null");
  const espGuid = (await guest.sshOk('lsblk -no PARTUUID /dev/vda1')).stdout.trim().toLowerCase();
  const stale = /^BootOrder: ([0-9A-F]{4})/m.exec((await guest.sshOk('efibootmgr')).stdout)?.[1];
  assert.ok(stale, 'efibootmgr made the debian entry first in BootOrder');

  args.push(...(await ctx.checksums(guest, release)));
  await ctx.installBinary(guest, ARM64_BINARY);
  const planned = await ctx.x2nestos(guest, ['plan', ...args, '--json']);
  assert.equal(planned.code, 0, `plan failed:\n${planned.stderr}`);
  const plan = JSON.parse(planned.stdout).plan;
  assert.equal(plan.host.arch, 'aarch64', 'plan: the host architecture as the stream names it');
  assert.equal(
    plan.kexec.method,
    'syscall',
    `plan: kexec_load (kexec -l) on a kernel without kexec_file_load: ${JSON.stringify(plan.kexec)}`,
  );
  assert.equal(plan.kexec.source, 'carried', 'plan: the release file carries its own (arm64) kexec');
  assert.ok(
    plan.live.kernelArgs.includes('console=ttyAMA0'),
    `plan: the live kernel is told its console: ${plan.live.kernelArgs.join(' ')}`,
  );
  assert.equal(plan.firmware.bootEntries.archSuffix, 'aa64', 'plan: the arm64 EFI loader names');
  assert.match(JSON.stringify(plan), /live-kernel-aarch64/, 'plan: the aarch64 artifacts of the stream');
  assert.deepEqual(plan.firmware.bootEntries.affected, [stale], 'plan: the old entry on the destination disk');

  const { inspection } = await ctx.convert(guest, args);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20', exact: true });
  assert.equal(inspection.installer.build, release.build, 'live system build');
  assert.match((inspection.installer.liveCmdline ?? '').trim(), /(^| )console=ttyAMA0( |$)/, 'the live kernel ran with console=ttyAMA0');
  assert.match(
    inspection.bootEntriesLog ?? '',
    /RESULT: OK Boot[0-9A-F]{4} first in BootOrder/,
    `boot entries:\n${inspection.bootEntriesLog}`,
  );

  // The firmware's own state: the vars file QEMU wrote, then a cold boot through it.
  const after = await readBootMenu(guest.options.firmware.vars);
  const first = after.entries[after.bootOrder[0]];
  assert.deepEqual(
    { label: first?.label, file: first?.file },
    { label: 'NestOS', file: '\\EFI\\openEuler\\shimaa64.efi' },
    `vars file: BootOrder ${after.bootOrder.join(',')} does not start with NestOS's loader: ${JSON.stringify(after.entries)}`,
  );
  assert.ok(!Object.values(after.entries).some((e) => e.partitionGuid === espGuid), 'vars file: an entry still points at the old ESP');
  const console = await ctx.coldBoot(guest);
  assert.match(
    console,
    /nestos-standin-efi: BOOTED \\EFI\\openEuler\\shimaa64\.efi/,
    `the firmware did not start NestOS's loader; console tail:\n${console.slice(-2500)}`,
  );
}
