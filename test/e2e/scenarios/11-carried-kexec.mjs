// Issue 12.6b and 20.2: a host whose userland could not run today's Node executable nor install
// anything converts with what the release file carries. The debian12 guest loses libstdc++ (so
// neither apt nor a host-linked Node could start) and has no kexec-tools; x2nestos must start on
// its private runtime, choose the carried kexec without any package manager call, load with it
// and switch with it.
//
// REJECT_JSON_FLAGS puts wrappers in front of lsblk, findmnt and ip that refuse their JSON flags
// the way util-linux 2.23 and iproute 3.10 do (CentOS 7): facts must come from the kernel's own
// interfaces and plain `ip -o` output (issue 12.4).
import { destinationConfig } from '../ignition.mjs';
import { assert } from '../harness.mjs';

const REJECT_JSON_FLAGS = true;

export const id = 'carried-kexec';
export const title = "debian12 without libstdc++ or kexec-tools: the release file's own runtime and kexec convert it";
export const weight = 2;

// Each wrapper refuses the first JSON flag it sees with the old tool's words and exit code, and
// otherwise runs the real tool (moved aside to <tool>.real).
const WRAPPERS = {
  '/usr/bin/lsblk': { flags: ['-J', '--json', '-O', '--output-all'], refusal: "lsblk: invalid option -- 'J'" },
  '/usr/bin/findmnt': { flags: ['-J', '--json'], refusal: "findmnt: invalid option -- 'J'" },
  '/usr/sbin/ip': { flags: ['-j', '-json', '--json'], refusal: 'Option "-j" is unknown, try "ip -help".' },
};

function wrapper(real, { flags, refusal }) {
  const cases = flags.map((f) => `    ${f}|${f}=*) echo '${refusal}' >&2; exit 1 ;;`).join('\n');
  return `#!/bin/sh\nfor a in "$@"; do\n  case $a in\n${cases}\n  esac\ndone\nexec ${real} "$@"\n`;
}

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionUrl = await ctx.publish('dest.ign', destination);

  const guest = await ctx.boot({ image: 'debian12' });
  const had = await guest.ssh('command -v kexec');
  assert.notEqual(had.code, 0, 'the debian12 image must not ship kexec-tools');
  await guest.sshOk('rm -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6*');
  const apt = await guest.ssh('apt-get --version');
  assert.notEqual(apt.code, 0, 'apt-get still runs: libstdc++ was not removed');
  if (REJECT_JSON_FLAGS) {
    for (const [tool, spec] of Object.entries(WRAPPERS)) {
      await guest.sshOk(`mv ${tool} ${tool}.real`);
      await guest.sshOk(`install -m 0755 /dev/stdin ${tool}`, { input: Buffer.from(wrapper(`${tool}.real`, spec)) });
    }
  }
  await ctx.installBinary(guest);

  const args = [
    '--ignition',
    ignitionUrl,
    '--allow-http-ignition',
    '--no-keep-hostname',
    ...ctx.streamArgs(release),
    ...(await ctx.checksums(guest, release)),
  ];
  const planned = await ctx.x2nestos(guest, ['plan', '--json', ...args]);
  assert.equal(planned.code, 0, `plan failed:\n${planned.stderr}`);
  const kexec = JSON.parse(planned.stdout).plan.kexec;
  assert.equal(kexec.source, 'carried', 'the plan uses the carried kexec');
  assert.match(kexec.path, /^\/var\/cache\/x2nestos\/[0-9a-f]{64}\/bin\/kexec$/, 'carried kexec path');
  assert.match(kexec.version, /^kexec-tools 1:2\.0\.25/, 'carried kexec version');
  assert.deepEqual(kexec.installArgv, [], 'no package install planned');
  // Every component of the cache is root's and closed to others.
  await guest.sshOk(
    'for d in /var /var/cache /var/cache/x2nestos; do [ "$(stat -c %u "$d")" = 0 ] && [ $(( 0$(stat -c %a "$d") & 022 )) = 0 ] || exit 1; done',
  );

  const { result, inspection } = await ctx.convert(guest, args);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20', exact: true });
  assert.equal(inspection.installer.build, release.build, 'live system build');
  // The test server is shared with scenarios that do install kexec-tools (--kexec-from-packages):
  // what this guest did is in its own transcript, which names every step it ran.
  assert.doesNotMatch(result.stderr, /Installing kexec-tools/, 'x2nestos ran the package manager');
  assert.match(result.stderr, /switch with `kexec -e`|executing the NestOS live kernel now/, 'the switch went through the carried kexec');
}
