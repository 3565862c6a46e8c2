// Issue 14.4(a): an x86_64 UEFI host (OVMF, q35, Debian's shim → GRUB on an ESP) whose BootOrder
// starts with a stale entry for the old loader is converted; then the same disk and the same vars
// file are cold-booted through the firmware. NestOS's loader must be what the firmware starts (the
// stand-in's \EFI\openEuler\shimx64.efi prints which loader it is), and the old entry must be gone
// from NVRAM (read from the vars file itself, not from the tool's account of it).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { destinationConfig } from '../ignition.mjs';
import { assert } from '../harness.mjs';
import { readBootMenu } from '../ovmf-vars.mjs';

export const id = 'uefi-boot';
export const title =
  "UEFI host (OVMF), stale old-loader entry first in BootOrder → converted; cold boot starts NestOS's shim, old entry gone";
export const weight = 3;
export const needs = { images: ['debian12-uefi'], releases: ['r20'] };

/** efibootmgr and its two libraries, from this machine (Debian 12 like the guest), for the old system's own entry. */
async function installEfibootmgr(guest) {
  await guest.copyTo('/usr/bin/efibootmgr', '/usr/local/sbin/efibootmgr', '0755');
  for (const lib of ['libefiboot.so.1', 'libefivar.so.1'])
    await guest.copyTo(`/lib/x86_64-linux-gnu/${lib}`, `/usr/local/lib/efiboot/${lib}`);
  return 'LD_LIBRARY_PATH=/usr/local/lib/efiboot /usr/local/sbin/efibootmgr';
}

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionUrl = await ctx.publish('dest.ign', destination);
  const args = ['--ignition', ignitionUrl, '--allow-http-ignition', '--no-keep-hostname', ...ctx.streamArgs(release)];

  const guest = await ctx.boot({ image: 'debian12-uefi', dataDisk: false });
  args.push(...(await ctx.checksums(guest, release)));
  await guest.sshOk('test -d /sys/firmware/efi/efivars');
  const efibootmgr = await installEfibootmgr(guest);

  // What the Debian installer leaves: an entry for its shim on the system disk's ESP, first.
  await guest.sshOk(`${efibootmgr} --create --disk /dev/vda --part 3 --label debian --loader '\\EFI\\debian\\shimx64.efi'`);
  const espGuid = (await guest.sshOk('lsblk -no PARTUUID /dev/vda3')).stdout.trim().toLowerCase();
  const before = await readBootMenuFromGuest(guest, efibootmgr);
  const stale = before.order[0];
  // The kernel's view of that NVRAM, kept as the source of the unit tests' efivarfs fixture.
  const captured = await guest.sshOk(
    'cd /sys/firmware/efi/efivars && tar -cf - Boot[0-9A-F]*-8be4df61-* BootOrder-* BootCurrent-* SecureBoot-* | base64 -w0; echo; ls -l /dev/disk/by-partuuid',
  );
  await writeFile(path.join(ctx.runDir, 'efivars-before.txt'), captured.stdout);
  assert.match(before.lines[stale] ?? '', new RegExp(espGuid, 'i'), `the stale entry Boot${stale} does not point at the ESP ${espGuid}`);

  await ctx.installBinary(guest);
  const planned = await ctx.x2nestos(guest, ['plan', ...args, '--json']);
  assert.equal(planned.code, 0, `plan failed:\n${planned.stderr}`);
  const firmware = JSON.parse(planned.stdout).plan.firmware;
  assert.equal(firmware.bootMode, 'uefi');
  assert.equal(firmware.bootOrder[0], stale, 'plan: BootOrder as the firmware has it');
  assert.deepEqual(
    firmware.bootEntries.affected,
    [stale],
    `plan: the entries on the destination disk: ${JSON.stringify(firmware.entries)}`,
  );
  assert.ok(firmware.bootEntries.oldPartitionGuids.includes(espGuid), "plan: the old ESP GUID is among the destination disk's partitions");
  assert.equal(firmware.bootEntries.action, 'replace');

  const { inspection } = await ctx.convert(guest, args);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20', exact: true });
  const record = inspection.bootEntriesLog ?? '';
  assert.match(
    record,
    /RESULT: OK Boot[0-9A-F]{4} first in BootOrder/,
    `the live system's boot-entry hook did not succeed:\n${record}\n${inspection.liveLog}`,
  );
  assert.match(
    record,
    new RegExp(`removed \\(pointed at the old system on /dev/vda\\): Boot${stale}`),
    `the stale entry was not removed:\n${record}`,
  );

  // Judge the firmware's own state: the vars file QEMU wrote, then a cold boot through it.
  const vars = guest.options.firmware.vars;
  const after = await readBootMenu(vars);
  const first = after.entries[after.bootOrder[0]];
  assert.deepEqual(
    { label: first?.label, file: first?.file },
    { label: 'NestOS', file: '\\EFI\\openEuler\\shimx64.efi' },
    `vars file: BootOrder ${after.bootOrder.join(',')} does not start with NestOS's shim: ${JSON.stringify(after.entries)}`,
  );
  assert.equal(
    after.entries[stale]?.file === '\\EFI\\debian\\shimx64.efi',
    false,
    `vars file: the stale entry Boot${stale} is still there`,
  );
  assert.ok(!Object.values(after.entries).some((e) => e.partitionGuid === espGuid), 'vars file: an entry still points at the old ESP');

  const console = await ctx.coldBoot(guest);
  assert.match(
    console,
    /nestos-standin-efi: BOOTED \\EFI\\openEuler\\shimx64\.efi/,
    `the firmware did not start NestOS's shim; console tail:\n${console.slice(-2500)}`,
  );
  assert.doesNotMatch(console, /BOOTED \\EFI\\BOOT\\BOOTX64\.EFI/, 'the firmware fell back to the removable-media path');
  await readFile(vars).then((b) => ctx.log(`vars file ${path.basename(vars)}: ${b.length} bytes, BootOrder ${after.bootOrder.join(',')}`));
}

/** `efibootmgr -v` in the guest: BootOrder and each entry's line, keyed by number. */
async function readBootMenuFromGuest(guest, efibootmgr) {
  const out = (await guest.sshOk(`${efibootmgr} -v`)).stdout;
  const order = (/^BootOrder: (.*)$/m.exec(out)?.[1] ?? '').split(',').filter(Boolean);
  const lines = {};
  for (const m of out.matchAll(/^Boot([0-9A-F]{4})\*? (.*)$/gm)) lines[m[1]] = m[2];
  return { order, lines };
}
