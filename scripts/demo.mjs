#!/usr/bin/env node
// The main job, run safely: `x2nestos plan` (a dry run that changes nothing) against
//  1. a captured openEuler 22.03 server (sandbox: test/fixtures/hosts/), which converts cleanly, and
//  2. this machine itself, read-only, which shows what would block a real conversion here.
// Both use a stand-in NestOS release served on 127.0.0.1 (the only network here), shaped like the
// real mirror: a stream document with sha256s, a live kernel, initramfs and rootfs with build ids.
// It is plain HTTP, whose own hashes prove nothing, so the plans check the files against a
// SHA256SUMS file given with --checksums, as an admin brings it from a trusted place.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'dist/x2nestos-linux-x64');
const build = '24.03-LTS.20241110.0';
const work = mkdtempSync(path.join(tmpdir(), 'x2nestos-demo-'));

function cpioOf(files) {
  const dir = path.join(work, 'cpio-src');
  rmSync(dir, { recursive: true, force: true });
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), data);
  }
  const list = Object.keys(files).join('\n') + '\n';
  const r = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: dir, input: list, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`cpio: ${r.stderr}`);
  return r.stdout;
}

const artifacts = {
  [`nestos-${build}-live-kernel-x86_64`]: Buffer.from('stand-in live kernel'),
  [`nestos-${build}-live-initramfs.x86_64.img`]: spawnSync('gzip', ['-c'], { input: cpioOf({ 'etc/nestos-live-initramfs': `${build}\n` }) })
    .stdout,
  [`nestos-${build}-live-rootfs.x86_64.img`]: cpioOf({ 'root.squashfs': Buffer.alloc(1 << 20), 'etc/nestos-live-rootfs': `${build}\n` }),
};

const server = createServer((req, res) => {
  const name = decodeURIComponent((req.url ?? '/').split('/').pop() ?? '');
  const body = name === '2403-LTS.json' ? Buffer.from(stream) : artifacts[name];
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-length': body.length }).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const entry = (name) => ({ location: `${base}/${name}`, sha256: createHash('sha256').update(artifacts[name]).digest('hex') });
const names = Object.keys(artifacts);
const stream = JSON.stringify({
  stream: '2403-LTS',
  metadata: { 'last-modified': new Date(0).toISOString() },
  architectures: {
    x86_64: {
      artifacts: {
        metal: { release: build, formats: { pxe: { kernel: entry(names[0]), initramfs: entry(names[1]), rootfs: entry(names[2]) } } },
      },
    },
  },
});

const sums = path.join(work, 'SHA256SUMS');
writeFileSync(sums, names.map((name) => `${entry(name).sha256}  ${name}\n`).join(''));

const ignition = path.join(work, 'node.ign');
writeFileSync(ignition, readFileSync(path.join(root, 'assets/examples/node.ign')));

// Async: the mirror answers from this same process while the binary runs.
async function plan(title, env, extra = []) {
  process.stderr.write(`\n=== ${title}\n`);
  const child = spawn(
    bin,
    [
      'plan',
      '--stream-base-url',
      `${base}/streams/`,
      '--ignition',
      ignition,
      '--checksums',
      sums,
      '--work-dir',
      path.join(work, 'work'),
      ...extra,
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      // The host guard: even a bug could not change this machine.
      env: { ...process.env, X2NESTOS_FORBID_HOST_CHANGES: '1', ...env },
    },
  );
  const status = await new Promise((resolve) => child.on('close', resolve));
  process.stderr.write(`=== exit code ${status}\n`);
  return status;
}

try {
  const sandbox = path.join(work, 'sandbox');
  cpSync(path.join(root, 'test/fixtures/hosts/openeuler-22.03-lts-sp3'), sandbox, { recursive: true, verbatimSymlinks: true });
  const sandboxed = await plan('plan for a captured openEuler 22.03 server (sandbox)', { X2NESTOS_SANDBOX: sandbox });
  await plan('plan for this machine (read-only; shows what blocks a real conversion here)', {});
  process.exitCode = sandboxed === 0 ? 0 : 1;
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
