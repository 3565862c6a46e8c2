// Harness self-test without the CLI: converts the apt host by hand exactly the way x2nestos does
// (contract §2 and §4) — kexec-tools from the guest's own package repository, the live kernel with
// initramfs + rootfs + a hand-made payload cpio, `kexec -l` and `systemctl kexec` inside the guest —
// then reads the disk from outside. It proves that TCG kexec, the stand-in live system, the test
// server and disk inspection work together, and measures how long each step takes.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { destinationConfig, liveConfig } from '../ignition.mjs';
import { GUEST_BASE_URL } from '../server.mjs';
import { assert, byId, run, SYSTEM_SERIAL } from '../harness.mjs';

export const id = 'manual';
export const title = 'harness self-test: hand-made kexec conversion of the apt host (no CLI)';
export const needsBinary = false;

/** A gzip-compressed newc archive of DIR made by GNU cpio (names without "./", owned by root). */
async function gzipCpio(dir, outFile) {
  const result = await run('sh', [
    '-c',
    `cd "$1" && find . -mindepth 1 | sed 's|^\\./||' | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -9n > "$2"`,
    'sh',
    dir,
    outFile,
  ]);
  assert.equal(result.code, 0, `cpio: ${result.stderr}`);
}

/** initramfs + rootfs + payload, each member starting on a 4-byte boundary (contract §2). */
async function combine(parts, outFile) {
  const chunks = [];
  for (const part of parts) {
    const data = await readFile(part);
    chunks.push(data);
    const pad = (4 - (data.length % 4)) % 4;
    if (pad) chunks.push(Buffer.alloc(pad));
  }
  await writeFile(outFile, Buffer.concat(chunks));
}

export async function run_(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const installerYaml = [
    `dest-device: ${byId(SYSTEM_SERIAL)}`,
    'ignition-file: /etc/nestos/dest.ign',
    'offline: true',
    'console:',
    '  - ttyS0,115200n8',
    '',
  ].join('\n');

  // The payload, made on the build machine with GNU cpio.
  const payloadDir = path.join(ctx.runDir, 'payload');
  await mkdir(payloadDir, { recursive: true });
  await writeFile(path.join(payloadDir, 'config.ign'), liveConfig({ installerYaml, destination }));
  await chmod(path.join(payloadDir, 'config.ign'), 0o600);
  await mkdir(ctx.scratch, { recursive: true });
  await gzipCpio(payloadDir, path.join(ctx.runDir, 'payload.cpio.gz'));
  await combine(
    [release.artifacts.initramfs.file, release.artifacts.rootfs.file, path.join(ctx.runDir, 'payload.cpio.gz')],
    path.join(ctx.scratch, 'combined.img'),
  );
  ctx.server.mount(ctx.scratchUrlPath, ctx.scratch);

  const guest = await ctx.boot({ image: 'debian12', memMiB: 1024 });
  const had = await guest.ssh('command -v kexec');
  assert.notEqual(had.code, 0, 'the debian12 image must not ship kexec-tools');

  let started = Date.now();
  await guest.sshOk('apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q kexec-tools', { timeoutMs: 600_000 });
  ctx.time('apt-install-kexec-tools', (Date.now() - started) / 1000);

  started = Date.now();
  await guest.sshOk(
    `mkdir -p /var/lib/manual && cd /var/lib/manual && curl -fsS -o kernel ${release.artifacts.kernel.url} && ` +
      `curl -fsS -o combined.img ${GUEST_BASE_URL}${ctx.scratchUrlPath}/combined.img`,
    { timeoutMs: 600_000 },
  );
  ctx.time('fetch-artifacts', (Date.now() - started) / 1000);

  // The console the host uses, as x2nestos takes it from /proc/cmdline.
  const cmdline = (await guest.sshOk('cat /proc/cmdline')).stdout;
  const consoleArg = /console=(\S+)/.exec(cmdline)?.[0] ?? 'console=ttyS0,115200';
  started = Date.now();
  await guest.sshOk(
    `kexec -l /var/lib/manual/kernel --initrd=/var/lib/manual/combined.img --command-line='ignition.firstboot ignition.platform.id=metal ${consoleArg}'`,
    { timeoutMs: 300_000 },
  );
  ctx.time('kexec-load', (Date.now() - started) / 1000);
  assert.equal((await guest.sshOk('cat /sys/kernel/kexec_loaded')).stdout.trim(), '1', 'kexec -l did not load the kernel');

  const since = Date.now();
  await guest.ssh('systemctl --no-block kexec', { timeoutMs: 30_000 });
  const inspection = await ctx.waitForConversion(guest, { since });
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  assert.equal(inspection.installer.rootfs, 'appended', 'rootfs mode recorded by the live system');
  assert.equal(inspection.ignitionMode, '600', 'mode of the installed Ignition config');
}

export { run_ as run };
