#!/usr/bin/env node
// The end-to-end suite: converts throwaway QEMU (TCG) guests with the built binary
// dist/x2nestos-linux-x64 and checks the result from outside the VM.
//
//   node test/e2e/run.mjs [--only ID[,ID...]] [--jobs N] [--keep] [--list] [--with-manual]
//
// Needs root, QEMU with TCG and the Debian packages of test/e2e/setup-host.sh. Under CI (CI set)
// anything missing is a failure; on a developer machine it is a visible SKIPPED notice, exit 0.
// The last line is `N passed, N failed` (CI reads it).
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkFixtures } from './ignition.mjs';
import {
  E2E_DIR,
  WORK_DIR,
  ensureArm64Image,
  ensureImage,
  ensureRelease,
  ensureRepos,
  ensureUefiImage,
  inspectBinary,
} from './prepare.mjs';
import { run, runOk } from './qemu.mjs';
import { startServer } from './server.mjs';
import { ScenarioContext } from './harness.mjs';

const RELEASES = [
  { id: 'r20', build: '24.03.20240625.0', installer: '0.20', stream: '2403-LTS' },
  { id: 'r20b', build: '24.03.20240701.0', installer: '0.20', stream: '2403-LTS' },
  { id: 'r16', build: '22.03.20230331.0', installer: '0.16', stream: 'stable' },
  { id: 'r20pad', build: '24.03.20240626.0', installer: '0.20', stream: '2403-LTS', padMiB: 320 },
  // Built from Debian's arm64 packages (standin/build-release.sh --arch aarch64); a build id of its own.
  { id: 'r20arm', build: '24.03.20240627.0', installer: '0.20', stream: '2403-LTS', arch: 'aarch64' },
];

const TOOLS = [
  'qemu-system-x86_64',
  'qemu-system-aarch64',
  'qemu-img',
  'socat',
  'ssh',
  'ssh-keygen',
  'debootstrap',
  'sgdisk',
  'sfdisk',
  'mkfs.ext4',
  'debugfs',
  'rpmbuild',
  'createrepo_c',
  'dpkg-scanpackages',
  'jq',
  'busybox',
  'cpio',
  'xorriso',
  'mksquashfs',
  'mkfs.vfat',
  'mcopy',
  'ignition-validate',
  'gzip',
  'xz',
  'efibootmgr',
  'grub-mkstandalone',
];

function parseArgs(argv) {
  const args = { only: null, jobs: 2, keep: false, list: false, withManual: false };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--only') args.only = argv[++i].split(',').map((s) => s.trim());
    else if (a === '--jobs') args.jobs = Math.max(1, Math.min(2, Number(argv[++i])));
    else if (a === '--keep') args.keep = true;
    else if (a === '--list') args.list = true;
    else if (a === '--with-manual') args.withManual = true;
    else {
      console.error(
        `run.mjs: unknown argument ${a}\nusage: node test/e2e/run.mjs [--only ID,...] [--jobs 1|2] [--keep] [--list] [--with-manual]`,
      );
      process.exit(2);
    }
  }
  return args;
}

const log = (line) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function loadScenarios() {
  const dir = path.join(E2E_DIR, 'scenarios');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.mjs')).sort();
  const scenarios = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    scenarios.push({
      file,
      id: mod.id,
      title: mod.title,
      run: mod.run,
      needsBinary: mod.needsBinary !== false,
      weight: mod.weight ?? 1,
      exclusive: mod.exclusive === true,
      needs: mod.needs ?? null,
    });
  }
  return scenarios;
}

/** What stops the suite from running here; empty when it can run. */
async function missingPrerequisites() {
  const missing = [];
  if (process.getuid?.() !== 0) missing.push('root');
  for (const tool of TOOLS) {
    const found = await run('sh', ['-c', `command -v "$1"`, 'sh', tool]).catch(() => ({ code: 1 }));
    if (found.code !== 0) missing.push(tool);
  }
  if (!missing.includes('qemu-system-x86_64')) {
    const accel = await run('qemu-system-x86_64', ['-accel', 'help']).catch(() => ({ stdout: '' }));
    if (!/\btcg\b/.test(accel.stdout)) missing.push('QEMU TCG accelerator');
  }
  if (!existsSync(path.join(E2E_DIR, 'standin/build-release.sh'))) missing.push('test/e2e/standin/build-release.sh');
  return missing;
}

async function ensureNestKey() {
  const file = path.join(WORK_DIR, 'keys/nest_ed25519');
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'nest@x2nestos-e2e', '-f', file]);
  }
  return (await readFile(`${file}.pub`, 'utf8')).trim();
}

function table(rows) {
  const headers = ['scenario', 'result', 'seconds', 'notes'];
  const cells = rows.map((r) => [r.id, r.result, r.seconds.toFixed(0), r.note]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) =>
    c
      .map((v, i) => String(v).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const isCI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
  let scenarios = await loadScenarios();
  if (args.list) {
    for (const s of scenarios) console.log(`${s.id.padEnd(14)} ${s.title}`);
    return 0;
  }

  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    const tools = missing.filter((m) => !m.startsWith('root'));
    const what = [
      missing.length > tools.length ? 'not running as root (image builds chroot, guests write disk images)' : '',
      tools.length ? `missing: ${tools.join(', ')} (sudo bash test/e2e/setup-host.sh installs them)` : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (isCI) {
      console.error(`\n*** E2E FAILED: the end-to-end suite cannot run on this CI machine — ${what}\n`);
      console.log('0 passed, 1 failed');
      return 1;
    }
    console.log(`\n*** E2E SKIPPED: ${what}. The end-to-end suite needs root, QEMU (TCG) and those tools; CI runs it. ***\n`);
    console.log('0 passed, 0 failed, 1 skipped');
    return 0;
  }

  const binary = await inspectBinary();
  if (args.only) {
    const unknown = args.only.filter((id) => !scenarios.some((s) => s.id === id));
    if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (see --list)`);
    scenarios = scenarios.filter((s) => args.only.includes(s.id));
  } else if (!args.withManual && !binary.placeholder) {
    // The hand-made conversion only proves the harness; with a real binary the scenarios do that.
    scenarios = scenarios.filter((s) => s.needsBinary);
  }
  log(`binary: ${binary.file} (${binary.exists ? binary.version : 'missing'}${binary.placeholder ? ', cannot convert yet' : ''})`);

  const runDir = path.join(WORK_DIR, 'runs', new Date().toISOString().replace(/[:.]/g, '-'));
  await mkdir(runDir, { recursive: true });
  await pruneRuns(path.join(WORK_DIR, 'runs'), 3);

  // Cached inputs, each noted in the summary as built (and how long it took) or cached.
  const prep = {};
  const images = {};
  const noted = (label, input) => {
    prep[label] = input.built ? `built in ${input.seconds.toFixed(0)} s` : 'cached';
    log(`${label}: ${prep[label]}`);
    return input;
  };
  // A scenario may declare the cached inputs it uses (`export const needs = { images, releases }`);
  // a run of only such scenarios prepares only those. Any scenario without it needs everything.
  const declared = scenarios.every((s) => s.needs);
  // Inputs of another architecture are prepared only for a scenario that names them.
  const ownArchOnly = new Set(['debian12-arm64', ...RELEASES.filter((r) => r.arch && r.arch !== 'x86_64').map((r) => r.id)]);
  const wanted = (kind, name) => (!declared && !ownArchOnly.has(name)) || scenarios.some((s) => s.needs?.[kind]?.includes(name));
  // aarch64 (images/build-arm64-image.sh): debootstrap runs Debian's arm64 maintainer scripts under
  // qemu-user-static, about 7 min on one core (11 min beside the rest of the preparation in CI). It
  // starts first and builds while the x86 images and the releases do, and on into the first scenarios:
  // the entry is a promise, which ctx.boot() awaits, so a scenario that needs it before it is done
  // waits for it.
  if (wanted('images', 'debian12-arm64')) {
    const building = ensureArm64Image().then((image) => noted('image debian12-arm64', image));
    // A failed build fails the scenario that awaits it, never the runner (no unhandled rejection).
    building.catch(() => {});
    images['debian12-arm64'] = building;
  }
  // debian12 and openeuler2203 start from one shared debootstrap (build-image.sh --name base), built
  // once by whichever asks first; after it, each adds its own packages, side by side.
  const x86 = ['debian12', 'openeuler2203', 'datadisk'].filter(
    (n) => wanted('images', n) || (n === 'debian12' && wanted('images', 'debian12-uefi')),
  );
  await Promise.all(
    x86.map(async (name) => {
      images[name] = noted(`image ${name}`, await ensureImage(name));
    }),
  );
  // Derived from debian12 (images/build-uefi-image.sh): an ESP with Debian's signed boot chain.
  if (wanted('images', 'debian12-uefi')) {
    images['debian12-uefi'] = noted('image debian12-uefi', await ensureUefiImage(images.debian12));
  }
  const repos = noted('repos', await ensureRepos());
  const releases = {};
  for (const spec of RELEASES.filter((r) => wanted('releases', r.id))) {
    releases[spec.id] = await ensureRelease(spec);
    log(`release ${spec.id} (${spec.build}, installer ${spec.installer}, ${spec.stream}): ${releases[spec.id].seconds.toFixed(0)} s`);
  }
  const nestKey = await ensureNestKey();
  await checkFixtures(runDir, nestKey);

  const server = await startServer();
  server.mount('/debian', repos.debian);
  server.mount('/rpms', repos.rpms);
  for (const release of Object.values(releases)) server.mount(release.urlPath, release.dir);
  log(`test server on ${server.url}`);

  const results = [];
  // Scenarios that boot several guests themselves (exclusive) run alone after the others: with two
  // cores, more TCG guests at once only slow every boot past its timeouts.
  const queue = scenarios.filter((s) => !s.exclusive).sort((a, b) => b.weight - a.weight);
  const shared = { runDir, server, images, repos, releases, binary, nestKey, keep: args.keep };
  const worker = async () => {
    for (let scenario = queue.shift(); scenario; scenario = queue.shift()) results.push(await runScenario(scenario, shared));
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: Math.min(args.jobs, queue.length) }, worker));
  for (const scenario of scenarios.filter((s) => s.exclusive)) results.push(await runScenario(scenario, shared));
  await server.close();

  results.sort((a, b) => scenarios.findIndex((s) => s.id === a.id) - scenarios.findIndex((s) => s.id === b.id));
  await writeFile(path.join(runDir, 'results.json'), JSON.stringify({ prep, results }, null, 2));
  console.log(
    `\nprepare: ${Object.entries(prep)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
  );
  for (const r of results)
    if (Object.keys(r.timings).length)
      console.log(
        `timings ${r.id}: ${Object.entries(r.timings)
          .map(([k, v]) => `${k}=${v}s`)
          .join(' ')}`,
      );
  console.log(`\n${table(results)}\n`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s for the scenarios; logs in ${runDir}`);
  const failed = results.filter((r) => r.result !== 'passed').length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

async function runScenario(scenario, shared) {
  const started = Date.now();
  const runDir = path.join(shared.runDir, scenario.id);
  await mkdir(runDir, { recursive: true });
  const ctx = new ScenarioContext({ ...shared, id: scenario.id, runDir, log: (line) => log(`${scenario.id}: ${line}`) });
  let result = 'passed';
  let note = '';
  log(`${scenario.id}: start — ${scenario.title}`);
  try {
    if (scenario.needsBinary && shared.binary.placeholder) {
      throw new Error(
        `${shared.binary.file} ${shared.binary.exists ? 'cannot convert yet (its `convert --help` has no --ignition)' : 'is missing: run ./build.sh'}`,
      );
    }
    await scenario.run(ctx);
  } catch (error) {
    result = 'failed';
    note = String(error?.message ?? error)
      .replace(/\s+/g, ' ')
      .slice(0, 200);
    await writeFile(path.join(runDir, 'failure.txt'), String(error?.stack ?? error));
    log(`${scenario.id}: FAILED: ${error?.stack ?? error}`);
  } finally {
    await ctx.cleanup().catch((error) => log(`${scenario.id}: cleanup: ${error}`));
  }
  const seconds = (Date.now() - started) / 1000;
  log(`${scenario.id}: ${result} in ${seconds.toFixed(0)} s`);
  return { id: scenario.id, title: scenario.title, result, seconds, note: note || ctx.note || '', timings: ctx.timings };
}

/** Drops old run directories: all but the KEEP newest, and never one touched in the last 3 hours (another run may be using it). */
async function pruneRuns(dir, keep) {
  const entries = (await readdir(dir).catch(() => [])).sort();
  for (const entry of entries.slice(0, Math.max(0, entries.length - keep))) {
    const info = await stat(path.join(dir, entry)).catch(() => null);
    if (info && Date.now() - info.mtimeMs > 3 * 3600_000) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`\n*** E2E FAILED before the scenarios ran: ${error?.stack ?? error}\n`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
