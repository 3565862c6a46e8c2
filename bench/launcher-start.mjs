#!/usr/bin/env node
// Start-up of the release file (issue 12.2): first start (unpacking into an empty cache), later
// starts against the plain Node single executable it carries (`--version`, the baseline "today"),
// and the launcher's peak RSS while unpacking. See bench/README.md. Usage:
//   node bench/launcher-start.mjs [--file dist/x2nestos-linux-x64] [--sea .cache/build/sea-linux-x64] [--runs 15]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGETS = { firstStartS: 3, laterRatio: 1.3, unpackRssMB: 64 };
const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: path.join(ROOT, 'dist/x2nestos-linux-x64') },
    sea: { type: 'string', default: path.join(ROOT, '.cache/build/sea-linux-x64') },
    runs: { type: 'string', default: '15' },
  },
});
for (const f of [args.file, args.sea]) {
  if (!existsSync(f)) {
    console.error(`launcher-start: ${f} is missing: run ./build.sh first`);
    process.exit(2);
  }
}
const runs = Number(args.runs);

/**
 * Runs argv once; returns wall seconds and, while the process still is the launcher (its
 * /proc/<pid>/exe is the release file, before it execs the loader), its VmHWM in MiB.
 */
function timed(argv, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let launcherRss = 0;
    const poll = setInterval(() => {
      try {
        if (readlinkSync(`/proc/${child.pid}/exe`) !== path.resolve(argv[0])) return;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) launcherRss = Math.max(launcherRss, Number(hwm[1]) / 1024);
      } catch {
        // gone, or already exec'ed into the loader
      }
    }, 2);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, launcherRss });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

const firsts = [];
const rss = [];
for (let i = 0; i < 3; i++) {
  const cache = mkdtempSync(path.join(tmpdir(), 'x2nestos-bench-cache-'));
  const r = await timed([args.file, '--version'], { ...env, X2NESTOS_CACHE_DIR: cache });
  firsts.push(r.seconds);
  rss.push(r.launcherRss);
  rmSync(cache, { recursive: true, force: true });
}

const cache = mkdtempSync(path.join(tmpdir(), 'x2nestos-bench-cache-'));
await timed([args.file, '--version'], { ...env, X2NESTOS_CACHE_DIR: cache });
// Alternate the two, so that load from other work on the machine hits both alike.
const later = [];
const plain = [];
for (let i = 0; i < runs; i++) {
  later.push((await timed([args.file, '--version'], { ...env, X2NESTOS_CACHE_DIR: cache })).seconds);
  plain.push((await timed([args.sea, '--version'], env)).seconds);
}
rmSync(cache, { recursive: true, force: true });

const result = {
  firstStartS: median(firsts),
  laterStartMs: median(later) * 1000,
  plainSeaMs: median(plain) * 1000,
  laterRatio: median(later) / median(plain),
  unpackRssMB: Math.max(...rss),
};
console.log(`first start (unpacking, median of 3):  ${result.firstStartS.toFixed(2)} s   (target <= ${TARGETS.firstStartS} s)`);
console.log(
  `later start --version (median of ${runs}): ${result.laterStartMs.toFixed(0)} ms, plain SEA ${result.plainSeaMs.toFixed(0)} ms: ${result.laterRatio.toFixed(2)}x   (target <= ${TARGETS.laterRatio}x)`,
);
console.log(`launcher peak RSS while unpacking:    ${result.unpackRssMB.toFixed(1)} MiB   (target <= ${TARGETS.unpackRssMB} MiB)`);
console.log(JSON.stringify(result));
const ok =
  result.firstStartS <= TARGETS.firstStartS && result.laterRatio <= TARGETS.laterRatio && result.unpackRssMB <= TARGETS.unpackRssMB;
process.exitCode = ok ? 0 : 1;
