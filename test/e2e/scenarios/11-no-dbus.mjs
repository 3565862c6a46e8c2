// Issue 19: a Debian 12 host without D-Bus (as a minimal install is): `systemctl kexec` cannot ask
// logind and complains about the bus, yet the manager takes the kexec over its private socket.
// The switch must complete and x2nestos must say so and exit 0: no "internal error", no stack.
//
// The switch takes the SSH session down with the host, so x2nestos's exit code and output are
// written to the serial console (console.log on this side) by a wrapper that ignores SIGHUP and
// SIGTERM: it reports whatever x2nestos did, even while systemd stops everything.
import { destinationConfig } from '../ignition.mjs';
import { assert, convertArgs } from '../harness.mjs';
import { shellQuote } from '../qemu.mjs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const id = 'no-dbus';
export const title = 'debian12 with D-Bus masked: `systemctl kexec` cannot use the bus → switched, exit 0, the switching message';
export const weight = 2;

const MARK = 'X2N-NODBUS';
const SUMMARY = `import json, sys
d = json.load(open(sys.argv[1]))
s = d.get("switch") or {}
print(json.dumps({"result": d.get("result"), "planned": d["plan"]["kexec"]["switch"]["method"], "method": s.get("method"), "evidence": s.get("evidence")}))`;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.prepareGuest(guest, destination);

  // Take D-Bus away: no bus daemon, no socket to activate it, and logind (which needs the bus) gone.
  await guest.sshOk(
    'systemctl mask --now dbus.socket dbus.service && systemctl stop systemd-logind.service && systemctl mask systemd-logind.service',
  );
  // The socket file may stay behind (measured: "Connection refused"); what counts is that nobody answers on it.
  const bus = await guest.ssh('busctl --system --no-pager list 2>&1; echo "busctl=$?"');
  assert.match(bus.stdout, /busctl=[1-9]/, `busctl still reaches a system bus:\n${bus.stdout}`);
  assert.match(bus.stdout, /Failed to connect to bus/, `busctl failed for another reason:\n${bus.stdout}`);
  // What x2nestos is left with: the manager, reachable by root over /run/systemd/private only.
  const manager = await guest.sshOk('systemctl is-system-running || true');
  ctx.log(`${guest.name}: without D-Bus, is-system-running says ${manager.stdout.trim()}`);

  // --kexec-from-packages: the host's own kexec, so that systemd (not x2nestos) executes the kernel;
  // with the carried kexec the switch is the direct one (scenario carried-kexec).
  const args = convertArgs([...(await ctx.releaseArgs(guest, release)), '--kexec-from-packages', '--json']);
  const command = ['/usr/local/bin/x2nestos', ...args].map(shellQuote).join(' ');
  const wrapper = [
    "trap '' HUP TERM",
    // Only a few fields, on one short line: systemd's shutdown messages share the console.
    `SUMMARY=${shellQuote(SUMMARY)}`,
    `${command} >/run/x2n.stdout 2>/run/x2n.stderr`,
    'code=$?',
    `{ echo "${MARK} exit $code"; sed 's/^/${MARK} err /' /run/x2n.stderr; python3 -c "$SUMMARY" /run/x2n.stdout | sed 's/^/${MARK} json /'; echo "${MARK} end"; } >/dev/ttyS0`,
    'echo "exit $code"',
  ].join('\n');
  const since = Date.now();
  const session = await guest.ssh(`bash -c ${shellQuote(wrapper)}`, { timeoutMs: 15 * 60_000 });
  assert.ok(
    session.code === 0 || (session.code === 255 && !session.timedOut),
    `the wrapper's SSH session ended with ${session.code}:\n${session.stderr}`,
  );
  const inspection = await ctx.waitForConversion(guest, { since });

  const lines = (await guest.console())
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.startsWith(`${MARK} `))
    .map((l) => l.slice(MARK.length + 1));
  await writeFile(path.join(ctx.runDir, 'x2nestos-console.txt'), lines.join('\n') + '\n');
  assert.ok(lines.includes('end'), `x2nestos's report never reached the console (killed before it ended?):\n${lines.join('\n')}`);
  const stderr = lines
    .filter((l) => l.startsWith('err '))
    .map((l) => l.slice(4))
    .join('\n');
  assert.ok(lines.includes('exit 0'), `x2nestos did not exit 0:\n${lines.join('\n')}`);
  assert.doesNotMatch(stderr, /internal error|This is a bug|^\s+at /m, `x2nestos reported a failure while switching:\n${stderr}`);
  assert.match(stderr, /switching to the NestOS live installer/, `no switching message:\n${stderr}`);
  assert.match(stderr, /systemd is shutting this host down/, `no line saying what happens next:\n${stderr}`);
  const json = JSON.parse(lines.find((l) => l.startsWith('json '))?.slice(5) ?? 'null');
  assert.equal(json?.result, 'switching', `--json: ${JSON.stringify(json)}`);
  assert.equal(json.planned, 'systemd', 'planned switch');
  assert.equal(json.method, 'systemd', `the switch went ${JSON.stringify(json)}`);
  ctx.log(`${guest.name}: switch evidence ${json.evidence}`);

  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
}
