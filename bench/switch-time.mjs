// Time to switch, x2nestos against a plain shell converter, measured in the same e2e run on two fresh
// boots of the same Debian 12 guest image (DHCP, kexec-tools not installed, the stand-in release on
// the loopback mirror). "Time to switch" runs from the moment the command starts in the guest to the
// live kernel's first line on the serial console ("Linux version", the second one the console log
// shows). Both runs are stopped there: what happens after the switch is the e2e scenarios' business.
//
// The baseline is what a careful admin would script by hand: download the three artifacts, install
// kexec-tools with apt, concatenate initramfs and rootfs with 4-byte padding, `kexec -l` with the
// installer kargs, `systemctl kexec`. It verifies nothing, validates nothing and carries no network.
//
// Run: sudo node test/e2e/run.mjs --only bench-switch (the e2e suite runs it too, as an exclusive
// scenario: its two guests, one vCPU each, run side by side on the suite's two cores and no other
// guest competes with them, so both runs see the same load). Figures go to the scenario's timings and to
// bench-switch.json in its run directory; the ratio is reported, not asserted (a benchmark, not a
// timed test). What is asserted: both runs reached the live kernel, and x2nestos's events, where
// they reached us before the switch, are well formed and ordered per stage.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { destinationConfig } from '../test/e2e/ignition.mjs';
import { assert, byId, SYSTEM_SERIAL } from '../test/e2e/harness.mjs';
import { shellQuote } from '../test/e2e/qemu.mjs';

export const id = 'bench-switch';
export const title = 'benchmark: time to switch, x2nestos vs a plain shell converter (same image, same run)';
export const exclusive = true;

const LIVE_KERNEL_LINE = /Linux version /g;

/** Resolves with the host time (ms) at which the console shows its second "Linux version" line. */
async function liveKernelSeen(guest, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (((await guest.console()).match(LIVE_KERNEL_LINE) ?? []).length >= 2) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${guest.name}: the live kernel did not start within ${timeoutMs / 1000} s\n${await guest.consoleTail(30)}`);
}

/** Starts COMMAND over SSH, and returns the seconds from its start to the live kernel's first line. */
async function timeToSwitch(guest, command) {
  const started = Date.now();
  const session = guest.ssh(command, { timeoutMs: 15 * 60_000 });
  const seen = await Promise.race([
    liveKernelSeen(guest, 15 * 60_000),
    session.then((r) => {
      // The switch cuts the session (255) or leaves it to end with 0; anything else failed.
      if (r.code !== 0 && r.code !== 255)
        throw new Error(`${guest.name}: exited ${r.code} before switching:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
      return liveKernelSeen(guest, 120_000);
    }),
  ]);
  const output = await Promise.race([session, new Promise((resolve) => setTimeout(() => resolve(undefined), 30_000))]);
  return { seconds: (seen - started) / 1000, output };
}

/** Per-stage durations from x2nestos's --events stream (the part written before the switch). */
export function phasesFromEvents(jsonl) {
  const phases = [];
  const open = new Map();
  for (const line of jsonl.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line);
    assert.equal(event.schemaVersion, 1, 'events schema version');
    if (event.type === 'stage-start') open.set(event.step, { stage: event.stage, start: Date.parse(event.time) });
    if (event.type === 'stage-done' || event.type === 'stage-failed') {
      const began = open.get(event.step);
      assert.ok(began, `stage ${event.step} (${event.stage}) ended without a start`);
      assert.equal(began.stage, event.stage, `stage ${event.step} changed its title`);
      phases.push({ stage: event.stage, startedAt: began.start, seconds: event.seconds ?? (Date.parse(event.time) - began.start) / 1000 });
      open.delete(event.step);
    }
  }
  return phases;
}

/**
 * The events as JSON lines, from whichever copy holds more of them: the SSH session's stdout, or
 * the serial console (where kernel messages may split a line: such a line is left out).
 */
export function fullerEvents(sessionStdout, consoleText) {
  const events = (text) =>
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => {
        if (!line.startsWith('{"schemaVersion"')) return false;
        try {
          JSON.parse(line);
          return true;
        } catch {
          return false;
        }
      });
  const [a, b] = [events(sessionStdout), events(consoleText)];
  return (b.length > a.length ? b : a).map((line) => `${line}\n`).join('');
}

function baselineScript({ kernel, initramfs, rootfs, ignitionUrl }) {
  const kargs = `nestos.inst.install_dev=${byId(SYSTEM_SERIAL)} nestos.inst.ignition_url=${ignitionUrl} ignition.firstboot ignition.platform.id=metal`;
  return [
    'set -eu',
    'd=/var/lib/baseline; mkdir -p "$d"; cd "$d"',
    `curl -fsS -o kernel ${shellQuote(kernel)}`,
    `curl -fsS -o initramfs ${shellQuote(initramfs)}`,
    `curl -fsS -o rootfs ${shellQuote(rootfs)}`,
    'apt-get update -q >/dev/null',
    'DEBIAN_FRONTEND=noninteractive apt-get install -y -q kexec-tools >/dev/null',
    // Each archive must start on a 4-byte boundary.
    'pad() { n=$(( (4 - $(stat -c %s "$1") % 4) % 4 )); head -c "$n" /dev/zero; }',
    '{ cat initramfs; pad initramfs; cat rootfs; } > initrd',
    `console=$(grep -o 'console=[^ ]*' /proc/cmdline | tail -n1 || true)`,
    `kexec -l kernel --initrd=initrd --command-line="${kargs} $console"`,
    'systemctl kexec',
  ].join('\n');
}

export async function run(ctx) {
  const release = ctx.releases.r20;
  const a = release.artifacts;
  const ignitionUrl = await ctx.publish('dest.ign', destinationConfig(id, ctx.nestKey));
  const figures = {};

  // Two fresh boots of the same image, side by side: the baseline's and x2nestos's.
  const [plain, guest] = await Promise.all([
    ctx.boot({ image: 'debian12', label: 'baseline' }),
    ctx.boot({ image: 'debian12', label: 'x2nestos' }),
  ]);
  await ctx.installBinary(guest);

  // 1. The baseline script.
  const script = baselineScript({ kernel: a.kernel.url, initramfs: a.initramfs.url, rootfs: a.rootfs.url, ignitionUrl });
  // 2. x2nestos, with every check it always does.
  const args = [
    '--ignition',
    ignitionUrl,
    '--allow-http-ignition',
    '--yes',
    '--events',
    'jsonl',
    '--kernel',
    a.kernel.url,
    '--kernel-sha256',
    a.kernel.sha256,
    '--initramfs',
    a.initramfs.url,
    '--initramfs-sha256',
    a.initramfs.sha256,
    '--rootfs',
    a.rootfs.url,
    '--rootfs-sha256',
    a.rootfs.sha256,
  ];
  // The switch cuts the SSH session, usually before the last events arrive over it: tee copies
  // them to the serial console too, which the harness records up to the live kernel's first line.
  // pipefail keeps x2nestos's own exit code for a run that stops before switching.
  const command = `set -o pipefail; ${['/usr/local/bin/x2nestos', ...args].map(shellQuote).join(' ')} | tee /dev/ttyS0`;
  // Both start at once, so both see the same load (each guest has a core of its own).
  const [baseline, ours] = await Promise.all([
    timeToSwitch(plain, `bash -c ${shellQuote(script)}`),
    timeToSwitch(guest, `bash -c ${shellQuote(command)}`),
  ]);
  figures.baselineSeconds = baseline.seconds;
  ctx.time('baseline-to-live-kernel', baseline.seconds);
  await plain.kill();
  figures.x2nestosSeconds = ours.seconds;
  ctx.time('x2nestos-to-live-kernel', ours.seconds);
  const events = fullerEvents(ours.output?.stdout ?? '', await guest.console());
  await writeFile(path.join(ctx.runDir, 'events.jsonl'), events);
  // Phases missing from both copies are reported as missing, not failed (the times to switch above
  // come from the console, not from the events).
  figures.phases = phasesFromEvents(events).map((p) => ({ stage: p.stage, seconds: p.seconds }));
  if (figures.phases.length === 0) ctx.log('bench-switch: no --events output reached us before the switch cut the session');
  await guest.kill();

  figures.ratio = Math.round((figures.x2nestosSeconds / figures.baselineSeconds) * 100) / 100;
  ctx.time('ratio(x2nestos/baseline)', figures.ratio);
  for (const p of figures.phases) ctx.log(`bench-switch: ${p.stage}: ${p.seconds.toFixed(1)} s`);
  ctx.log(
    `bench-switch: baseline ${figures.baselineSeconds.toFixed(1)} s, x2nestos ${figures.x2nestosSeconds.toFixed(1)} s, ratio ${figures.ratio}`,
  );
  await writeFile(path.join(ctx.runDir, 'bench-switch.json'), JSON.stringify(figures, null, 2) + '\n');
}
