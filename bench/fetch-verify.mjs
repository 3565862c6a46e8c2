#!/usr/bin/env node
// Download + verify benchmark: our fetch against `curl -s URL | sha256sum`, over loopback.
// See bench/README.md. Usage:
//   node bench/fetch-verify.mjs [--sets 256M,1G] [--impl auto|binary|cjs|module] [--cli PATH] [--runs 2]
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const MiB = 1024 * 1024;
const SETS = {
  '256M': { kernel: 10 * MiB, initramfs: 60 * MiB, rootfs: 186 * MiB },
  '1G': { kernel: 10 * MiB, initramfs: 100 * MiB, rootfs: 914 * MiB },
};
const TARGETS = { ratio: 0.8, rssMB: 150 };
const NAMES = {
  kernel: 'nestos-bench-live-kernel-x86_64',
  initramfs: 'nestos-bench-live-initramfs.x86_64.img',
  rootfs: 'nestos-bench-live-rootfs.x86_64.img',
};

const { values: args } = parseArgs({
  options: {
    sets: { type: 'string', default: '256M,1G' },
    impl: { type: 'string', default: 'auto' },
    runs: { type: 'string', default: '2' },
    cli: { type: 'string' },
  },
});

// --- artifact sets ------------------------------------------------------------------------------

const BUILD = '24.03-LTS.20240625.0';
const SET_FORMAT = 2; // bump when the generated files change shape

/**
 * Files shaped like the live artifacts, so the CLI's build-id check passes: a raw kernel, an
 * initramfs and a rootfs that are newc cpio archives carrying etc/nestos-live-{initramfs,rootfs}
 * (the rootfs's first member is root.squashfs, as in the real image). Contents are random, hence
 * incompressible. Generated once, kept in bench/.work/.
 */
async function artifactSet(name) {
  const dir = path.join(WORK, `data-${name}`);
  const manifestPath = path.join(dir, 'set.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const intact = await Promise.all(
      Object.values(manifest.files).map(async (f) => (await stat(path.join(dir, f.name)).catch(() => undefined))?.size === f.size),
    );
    if (manifest.format === SET_FORMAT && intact.every(Boolean)) return { dir, ...manifest };
  }
  await mkdir(dir, { recursive: true });
  const sizes = SETS[name];
  const layouts = {
    kernel: [{ random: sizes.kernel }],
    initramfs: [
      { cpio: 'etc/nestos-live-initramfs', data: Buffer.from(`${BUILD}\n`) },
      { cpio: 'usr/lib/bench/payload.bin', random: sizes.initramfs },
      { trailer: true },
    ],
    rootfs: [
      { cpio: 'root.squashfs', random: sizes.rootfs },
      { cpio: 'etc/nestos-live-rootfs', data: Buffer.from(`${BUILD}\n`) },
      { trailer: true },
    ],
  };
  const files = {};
  for (const [role, layout] of Object.entries(layouts)) {
    process.stderr.write(`generating ${name} ${role}\n`);
    files[role] = { name: NAMES[role], ...(await writeLayout(path.join(dir, NAMES[role]), layout)) };
  }
  await writeFile(manifestPath, JSON.stringify({ format: SET_FORMAT, files }, null, 2));
  return { dir, format: SET_FORMAT, files };
}

async function writeLayout(file, layout) {
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  let size = 0;
  const put = async (bytes) => {
    hash.update(bytes);
    await handle.write(bytes);
    size += bytes.length;
  };
  const pad = () => put(Buffer.alloc((4 - (size % 4)) % 4));
  const chunk = Buffer.alloc(MiB);
  let ino = 1;
  for (const part of layout) {
    const length = part.random ?? part.data?.length ?? 0;
    if (part.cpio || part.trailer) {
      await put(newcHeader(part.trailer ? 'TRAILER!!!' : part.cpio, length, part.trailer ? 0 : ino++));
      await pad();
    }
    if (part.data) await put(part.data);
    for (let left = part.random ?? 0; left > 0; left -= MiB)
      await put(left >= MiB ? randomFillSync(chunk) : randomFillSync(Buffer.alloc(left)));
    if (part.cpio) await pad();
  }
  await handle.close();
  return { size, sha256: hash.digest('hex') };
}

/** A newc ("070701") header followed by the NUL-terminated name (padding is the caller's). */
function newcHeader(name, fileSize, ino) {
  const hex = (n) => n.toString(16).padStart(8, '0');
  const mode = name === 'TRAILER!!!' ? 0 : 0o100644;
  const fields = [ino, mode, 0, 0, 1, 0, fileSize, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
  return Buffer.concat([Buffer.from('070701' + fields.map(hex).join('')), Buffer.from(name + '\0')]);
}

// --- loopback server ----------------------------------------------------------------------------

async function serve(dir) {
  const server = createServer(async (req, res) => {
    const file = path.join(dir, path.basename(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const st = await stat(file).catch(() => undefined);
    if (!st) return res.writeHead(404).end();
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = st.size - 1;
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), end) : end;
      if (start > end) return res.writeHead(416, { 'content-range': `bytes */${st.size}` }).end();
      res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${st.size}` });
    } else {
      res.writeHead(200, { 'content-length': st.size, 'accept-ranges': 'bytes' });
    }
    createReadStream(file, { start, end, highWaterMark: MiB }).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

// --- measuring a child --------------------------------------------------------------------------

/** Peak resident set (VmHWM) of a running process, in kB; polled because it vanishes at exit. */
function watchPeak(pid) {
  let peak = 0;
  const poll = () => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb);
    } catch {
      // exited between polls
    }
  };
  poll();
  const timer = setInterval(poll, 20);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

function run(argv, { stdin = 'ignore' } = {}) {
  const child = spawn(argv[0], argv.slice(1), { stdio: [stdin, 'pipe', 'pipe'] });
  const stopWatching = watchPeak(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return {
    child,
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, peakKB: stopWatching() }))),
  };
}

/**
 * CPU seconds used by our children that have exited (cutime + cstime of /proc/self/stat). Under a
 * loaded machine wall-clock throughput is noisy; CPU time per byte is not.
 */
function childrenCpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in USER_HZ (100 on Linux)
}

/** `curl -s URL | sha256sum`, the two connected by a pipe (no shell, no copy through us). */
async function baseline(url) {
  const curl = spawn('curl', ['-s', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const curlPeak = watchPeak(curl.pid);
  const sum = run(['sha256sum'], { stdin: curl.stdout });
  curl.stdout.destroy(); // sha256sum holds its own copy of the pipe; ours must neither read nor linger
  const [result] = await Promise.all([sum.done, new Promise((r) => curl.on('exit', r))]);
  return { sha256: result.stdout.split(/\s/)[0], peakKB: Math.max(result.peakKB, curlPeak()) };
}

// --- our implementation -------------------------------------------------------------------------

async function ourCommand(impl) {
  if (args.cli) {
    const cli = path.resolve(args.cli);
    return /\.(c|m)?js$/.test(cli) ? { kind: 'cli-js', cli: [process.execPath, cli] } : { kind: 'cli', cli: [cli] };
  }
  const binary = path.join(ROOT, 'dist', 'x2nestos-linux-x64');
  const cjs = path.join(ROOT, 'dist', 'x2nestos.cjs');
  if (impl === 'binary' || (impl === 'auto' && existsSync(binary))) return { kind: 'binary', cli: [binary] };
  if (impl === 'cjs' || (impl === 'auto' && existsSync(cjs))) return { kind: 'cjs', cli: [process.execPath, cjs] };
  const bundle = path.join(WORK, 'fetch-driver.bundle.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'fetch-driver.mjs')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'warning',
    // undici is CommonJS; its require() calls need a real require inside an ES module.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return { kind: 'module', driver: [process.execPath, bundle] };
}

function ourArgv(command, base, files, out) {
  if (command.driver) {
    return [...command.driver, out, ...Object.entries(files).map(([role, f]) => `${role}=${base}/${f.name}#${f.sha256}`)];
  }
  const flags = Object.entries(files).flatMap(([role, f]) => [`--${role}`, `${base}/${f.name}`, `--${role}-sha256`, f.sha256]);
  // --work-dir keeps the CLI's log and cache inside bench/.work instead of /var/lib/x2nestos.
  return [...command.cli, 'fetch', ...flags, '--to', out, '--json', '--work-dir', path.join(WORK, 'cli-work')];
}

async function sha256Of(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: MiB })) hash.update(chunk);
  return hash.digest('hex');
}

// --- main ---------------------------------------------------------------------------------------

const runs = Math.max(1, Number(args.runs));
const command = await ourCommand(args.impl);
process.stderr.write(`measuring ${command.kind}: ${(command.cli ?? command.driver).join(' ')}\n`);
const report = [];

for (const setName of args.sets.split(',')) {
  if (!SETS[setName]) throw new Error(`unknown set ${setName} (have ${Object.keys(SETS).join(', ')})`);
  const set = await artifactSet(setName);
  const { server, base } = await serve(set.dir);
  const bytes = Object.values(set.files).reduce((n, f) => n + f.size, 0);
  const out = path.join(WORK, `out-${setName}`);
  let best = { baseline: Infinity, ours: Infinity, baselineCpu: Infinity, oursCpu: Infinity, oursPeakKB: 0, baselinePeakKB: 0 };

  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    let cpuBefore = childrenCpuSeconds();
    let baselinePeakKB = 0;
    for (const f of Object.values(set.files)) {
      const got = await baseline(`${base}/${f.name}`);
      if (got.sha256 !== f.sha256) throw new Error(`baseline hash mismatch for ${f.name}`);
      baselinePeakKB = Math.max(baselinePeakKB, got.peakKB);
    }
    const baselineSeconds = (performance.now() - started) / 1000;
    const baselineCpu = childrenCpuSeconds() - cpuBefore;

    await rm(out, { recursive: true, force: true });
    started = performance.now();
    cpuBefore = childrenCpuSeconds();
    const ours = await run(ourArgv(command, base, set.files, out)).done;
    const oursSeconds = (performance.now() - started) / 1000;
    const oursCpu = childrenCpuSeconds() - cpuBefore;
    if (ours.code !== 0) throw new Error(`our fetch exited ${ours.code}: ${ours.stderr.slice(-2000)}`);
    for (const f of Object.values(set.files)) {
      const stored = await sha256Of(path.join(out, f.name));
      if (stored !== f.sha256) throw new Error(`our fetch stored a wrong ${f.name}`);
    }
    process.stderr.write(
      `  ${setName} run ${i + 1}: baseline ${baselineSeconds.toFixed(2)} s (cpu ${baselineCpu.toFixed(2)} s), ` +
        `ours ${oursSeconds.toFixed(2)} s (cpu ${oursCpu.toFixed(2)} s), peak RSS ${(ours.peakKB / 1024).toFixed(1)} MB\n`,
    );
    best = {
      baseline: Math.min(best.baseline, baselineSeconds),
      ours: Math.min(best.ours, oursSeconds),
      baselineCpu: Math.min(best.baselineCpu, baselineCpu),
      oursCpu: Math.min(best.oursCpu, oursCpu),
      oursPeakKB: Math.max(best.oursPeakKB, ours.peakKB),
      baselinePeakKB: Math.max(best.baselinePeakKB, baselinePeakKB),
    };
  }
  server.close();
  await rm(out, { recursive: true, force: true });

  const mbps = (s) => bytes / MiB / s;
  const ratio = mbps(best.ours) / mbps(best.baseline);
  const peakMB = best.oursPeakKB / 1024;
  report.push({
    set: setName,
    bytes,
    implementation: command.kind,
    baselineMiBps: Number(mbps(best.baseline).toFixed(1)),
    oursMiBps: Number(mbps(best.ours).toFixed(1)),
    ratio: Number(ratio.toFixed(3)),
    baselineCpuSeconds: Number(best.baselineCpu.toFixed(2)),
    oursCpuSeconds: Number(best.oursCpu.toFixed(2)),
    peakRssMB: Number(peakMB.toFixed(1)),
    baselinePeakRssMB: Number((best.baselinePeakKB / 1024).toFixed(1)),
    pass: ratio >= TARGETS.ratio && peakMB <= TARGETS.rssMB,
  });
}

for (const r of report) {
  process.stdout.write(
    `${r.set.padEnd(5)} ${r.implementation.padEnd(7)} baseline ${String(r.baselineMiBps).padStart(7)} MiB/s  ours ${String(r.oursMiBps).padStart(7)} MiB/s  ` +
      `ratio ${r.ratio.toFixed(2)} (target >= ${TARGETS.ratio})  cpu ${r.baselineCpuSeconds}/${r.oursCpuSeconds} s  peak RSS ${r.peakRssMB} MB (target <= ${TARGETS.rssMB})  ${r.pass ? 'PASS' : 'FAIL'}\n`,
  );
}
process.stdout.write(JSON.stringify({ targets: TARGETS, results: report }) + '\n');
process.exitCode = report.every((r) => r.pass) ? 0 : 1;
