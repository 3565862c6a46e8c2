// Issue 14.4(b): an x86_64 Secure Boot host (OVMF's Secure Boot build with Microsoft's keys, the
// old system booted through Debian's signed shim → GRUB → kernel, so the kernel is locked down).
// A release whose live kernel carries no signature is refused cleanly (exit 7, the reason and what
// would work, nothing loaded, nothing staged, the disk untouched); the release with Debian's signed
// kernel then converts.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { destinationConfig } from '../ignition.mjs';
import { EXIT, assert } from '../harness.mjs';
import { runOk } from '../qemu.mjs';
import { GUEST_BASE_URL } from '../server.mjs';

export const id = 'secure-boot';
export const title = 'Secure Boot host (lockdown): unsigned live kernel refused (exit 7, nothing loaded or staged); signed one converts';
export const weight = 3;
export const needs = { images: ['debian12-uefi'], releases: ['r20'] };

/**
 * RELEASE again under /scratch/<id>/unsigned/, the same files except the live kernel, whose
 * Authenticode signature is stripped (sbattach --remove); its stream document names the new sha256.
 */
async function unsignedCopy(ctx, release) {
  const dir = path.join(ctx.scratch, 'unsigned');
  await mkdir(path.join(dir, 'streams'), { recursive: true });
  // Copies, not links: WORK_DIR/served/<id> is shared and another run may republish it meanwhile.
  const kernelName = path.basename(release.artifacts.kernel.file);
  for (const role of ['kernel', 'initramfs', 'rootfs'])
    await copyFile(release.artifacts[role].file, path.join(dir, path.basename(release.artifacts[role].file)));
  const kernel = path.join(dir, kernelName);
  await runOk('sbattach', ['--remove', kernel]);
  // sbverify says so on stderr, with exit 0.
  const listed = await runOk('sbverify', ['--list', kernel]);
  assert.match(
    listed.stdout + listed.stderr,
    /No signature table present/,
    `the stripped kernel still has a signature: ${listed.stdout}${listed.stderr}`,
  );
  const sha256 = createHash('sha256')
    .update(await readFile(kernel))
    .digest('hex');
  const base = `${GUEST_BASE_URL}${ctx.scratchUrlPath}/unsigned`;
  const document = (await readFile(path.join(release.dir, 'streams', `${release.stream}.json`), 'utf8'))
    .split(release.baseUrl + '/')
    .join(base + '/')
    .split(release.artifacts.kernel.sha256)
    .join(sha256);
  await writeFile(path.join(dir, 'streams', `${release.stream}.json`), document);
  ctx.server.mount(ctx.scratchUrlPath, ctx.scratch);
  return { streamBaseUrl: `${base}/streams/` };
}

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionUrl = await ctx.publish('dest.ign', destination);
  const common = ['--ignition', ignitionUrl, '--allow-http-ignition', '--no-keep-hostname', '--stream', release.stream];
  const unsigned = await unsignedCopy(ctx, release);

  const guest = await ctx.boot({ image: 'debian12-uefi', dataDisk: false, secureBoot: true });
  const state = await guest.sshOk(
    'od -An -tu1 /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c; cat /sys/kernel/security/lockdown',
  );
  assert.match(state.stdout, /\s1\s*\n/, `Secure Boot is not on in the guest: ${state.stdout}`);
  assert.match(state.stdout, /\[integrity\]/, `the old kernel is not locked down: ${state.stdout}`);
  await ctx.installBinary(guest);
  // The stand-in mirror is plain HTTP: r20's hashes come from a SHA256SUMS brought to the guest. The
  // unsigned copy is made here for this test only; what it proves is the signature refusal, so its
  // plain-HTTP hashes are accepted explicitly.
  const trusted = await ctx.checksums(guest, release);

  const planned = await ctx.x2nestos(guest, ['plan', ...common, '--stream-base-url', release.streamBaseUrl, ...trusted, '--json']);
  assert.equal(planned.code, 0, `plan failed:\n${planned.stderr}`);
  const plan = JSON.parse(planned.stdout).plan;
  assert.deepEqual(
    [plan.host.secureBoot, plan.host.lockdown, plan.kexec.method],
    [true, 'integrity', 'file'],
    'plan: Secure Boot, lockdown, kexec_file_load only',
  );

  const refused = await ctx.expectRefusal(
    guest,
    [...common, '--stream-base-url', unsigned.streamBaseUrl, '--allow-unverified-artifacts'],
    EXIT.kexec,
    'unsigned live kernel',
  );
  assert.match(
    refused.stderr,
    /^x2nestos: error: loading the live kernel failed: this kernel \(lockdown=integrity, Secure Boot on\) only loads kernels signed with a key it trusts/m,
    `refusal message:\n${refused.stderr}`,
  );
  assert.match(refused.stderr, /mokutil --import/, 'the refusal names mokutil');
  assert.match(refused.stderr, /disable Secure Boot/, 'the refusal names disabling Secure Boot');
  assert.match(refused.stderr, /live ISO/, 'the refusal names the ISO');
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'a stack trace for a refusal');
  // Nothing staged is left behind: the combined initrd holds the destination Ignition config.
  const left = await guest.sshOk(
    'find /var/lib/x2nestos /tmp /var/tmp \\( -path "*/staged*" -o -name "*.ign" -o -name "initrd*" -o -name "payload*" \\) -print',
  );
  assert.equal(left.stdout.trim(), '', `staged files left after the refusal:\n${left.stdout}`);

  const { inspection } = await ctx.convert(guest, [...common, '--stream-base-url', release.streamBaseUrl, ...trusted]);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20', exact: true });
  assert.match(inspection.installer.liveCmdline, /ignition\.firstboot/, 'live kernel runs Ignition');
  assert.match(inspection.bootEntriesLog ?? '', /RESULT: OK/, `boot entries under Secure Boot:\n${inspection.bootEntriesLog}`);
}
