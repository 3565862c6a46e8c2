// Issue 3, scenario 2, and issue 4's proof: a yum-family host (openEuler 22.03 identity, dnf, no
// apt/dpkg) with static IPv4 and IPv6 addresses, its own DNS servers and search domain, and no DHCP
// client converts with a local Ignition file; the installed system's first-boot network files must
// carry exactly those settings, root's SSH keys must be there for `nest`, the hostname kept.
//
// "No DHCP" here: the image has no DHCP client, its address 10.0.2.50 lies outside the range QEMU's
// slirp DHCP server leases from (10.0.2.15-.30), and it ignores slirp's IPv6 router advertisements
// (accept_ra 0). slirp itself always answers DHCP and advertises fd00:e2e::/64, so anything that fell
// back to DHCP or SLAAC would come up with another address and fail the assertions below.
import { destinationConfig } from '../ignition.mjs';
import { assert, ignitionFiles, parseKeyfile } from '../harness.mjs';
import { nicMac } from '../qemu.mjs';

export const id = 'yum-static';
export const title = 'yum-family host, static address, no DHCP, local Ignition file → converted, network carried';
export const weight = 2;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);

  const guest = await ctx.boot({ image: 'openeuler2203' });
  const facts = await guest.sshOk(
    'command -v apt-get dpkg dhclient udhcpc dhcpcd; ip -o addr show scope global; ip -6 route show default; true',
  );
  assert.doesNotMatch(facts.stdout, /apt-get|dpkg|dhclient|udhcpc|dhcpcd/, 'the yum-family host must have no apt, dpkg or DHCP client');
  assert.match(facts.stdout, /inet 10\.0\.2\.50\/24/, 'static IPv4 address');
  const inet6 = facts.stdout.split('\n').filter((l) => /\sinet6\s/.test(l));
  assert.equal(inet6.length, 1, `exactly one global IPv6 address on the host (no SLAAC):\n${facts.stdout}`);
  assert.match(inet6[0], /inet6 fd00:e2e::50\/64 /, 'static IPv6 address');
  assert.match(facts.stdout, /^default via fd00:e2e::2 dev enp0s3/m, 'static IPv6 default route');
  assert.doesNotMatch(facts.stdout, /proto ra/, 'the host took a route from a router advertisement');
  await guest.sshOk('install -m 0600 /dev/stdin /root/dest.ign', { input: destination });
  const rootKeys = (await guest.sshOk('cat /root/.ssh/authorized_keys')).stdout.split('\n').filter((l) => /^ssh-/.test(l));
  assert.ok(rootKeys.length > 0, 'the image authorizes a key for root');
  await ctx.installBinary(guest);

  const args = [
    ...(await ctx.releaseArgs(guest, release)),
    '--kexec-from-packages',
    // Issue 4: root's keys, found the way this host's sshd finds them, are added for `nest`.
    '--inherit-ssh-keys',
    // The live system fetches the rootfs itself, so it needs this host's static network (there is
    // no DHCP to fall back on): the plan must hand it over as kernel arguments.
    '--rootfs-mode',
    'url',
  ];

  // The JSON plan documents the network model it measured: both static addresses, as static.
  const planned = await ctx.x2nestos(guest, ['plan', '--json', ...args]);
  assert.equal(planned.code, 0, `plan --json exited ${planned.code}: ${planned.stderr.trim()}`);
  const network = JSON.parse(planned.stdout).plan.network;
  const nic = network.model.interfaces.find((i) => i.name === 'enp0s3');
  assert.ok(nic, `the plan's network model has no enp0s3: ${JSON.stringify(network.model)}`);
  assert.deepEqual(
    nic.addresses.map((a) => `${a.address}/${a.prefix} ${a.method}`).sort(),
    ['10.0.2.50/24 static', 'fd00:e2e::50/64 static'],
    `the plan's addresses for enp0s3: ${JSON.stringify(nic)}`,
  );
  assert.deepEqual([nic.ipv4Method, nic.ipv6Method], ['manual', 'manual'], "the plan's methods for enp0s3");
  assert.ok(network.keyfiles.length > 0, 'the plan lists no rendered keyfiles');

  const { inspection } = await ctx.convert(guest, args);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  // The hostname is carried by default (--keep-hostname), wrapped around the given config.
  assert.equal(ignitionFiles(inspection.ignition)['/etc/hostname']?.trim(), 'openeuler2203', 'hostname carried to NestOS');
  const nestKeys = (JSON.parse(inspection.ignition).passwd?.users ?? [])
    .filter((u) => u.name === 'nest')
    .flatMap((u) => u.sshAuthorizedKeys ?? []);
  const blob = (line) => line.split(/\s+/).slice(0, 2).join(' ');
  for (const key of rootKeys)
    assert.ok(
      nestKeys.map(blob).includes(blob(key)),
      `root's key ${blob(key).slice(0, 40)}... was not inherited by nest: ${JSON.stringify(nestKeys)}`,
    );
  assert.ok(ctx.server.requests(/^\/rpms\/kexec-tools-.*\.rpm$/).length > 0, 'kexec-tools was not installed from the yum repository');

  const files = Object.entries(inspection.firstbootNetwork ?? {});
  assert.ok(
    files.length > 0,
    `no NetworkManager keyfiles reached /boot/nestos-firstboot-network (installer: ${JSON.stringify(inspection.installer)})`,
  );
  const keyfiles = files.map(([name, text]) => ({ name, keyfile: parseKeyfile(text) }));
  const carriers = keyfiles.filter(({ keyfile }) => addresses(keyfile.ipv4).length + addresses(keyfile.ipv6).length > 0);
  assert.equal(carriers.length, 1, `exactly one keyfile must carry addresses: ${JSON.stringify(files)}`);
  const { name, keyfile } = carriers[0];
  assert.equal(keyfile.ethernet?.['mac-address']?.toLowerCase(), nicMac(0), `${name}: pinned to the NIC's MAC`);

  // Exactly the host's settings, family by family: the address with its gateway, the DNS servers
  // in the host's order, the search domain on one of the two.
  const expected = {
    ipv4: { address: '10.0.2.50/24', gateway: '10.0.2.2', dns: ['10.0.2.3', '10.0.2.53'] },
    ipv6: { address: 'fd00:e2e::50/64', gateway: 'fd00:e2e::2', dns: ['fd00:e2e::3'] },
  };
  for (const [family, want] of Object.entries(expected)) {
    const section = keyfile[family] ?? {};
    assert.equal(section.method, 'manual', `${name}: ${family}.method in ${JSON.stringify(section)}`);
    // The gateway rides on address1: the one default-route form every NetworkManager version reads.
    assert.deepEqual(addresses(section), [`${want.address},${want.gateway}`], `${name}: ${family} addresses in ${JSON.stringify(section)}`);
    assert.deepEqual(list(section.dns), want.dns, `${name}: ${family}.dns`);
    assert.ok(
      !Object.keys(section).some((k) => /^route\d+$/.test(k)),
      `${name}: ${family} carries routes the host does not have: ${JSON.stringify(section)}`,
    );
  }
  const search = [...list(keyfile.ipv4['dns-search']), ...list(keyfile.ipv6['dns-search'])];
  assert.deepEqual(search, ['e2e.test'], `${name}: dns-search`);

  // The live system came up on the static addresses, not by DHCP, and fetched the rootfs with them.
  const liveNetwork = [
    'rd.neednet=1',
    `ifname=enp0s3:${nicMac(0)}`,
    'ip=10.0.2.50::10.0.2.2:255.255.255.0::enp0s3:none',
    'ip=[fd00:e2e::50]::[fd00:e2e::2]:64::enp0s3:none',
    'nameserver=10.0.2.3',
    'nameserver=10.0.2.53',
    'nameserver=fd00:e2e::3',
  ];
  const liveWords = inspection.installer.liveCmdline.split(/\s+/);
  assert.deepEqual(
    liveWords.filter((w) => /^(rd\.neednet|ifname|ip|nameserver|rd\.route|bond|vlan|bridge)=/.test(w)),
    liveNetwork,
    `live network kargs in: ${inspection.installer.liveCmdline}`,
  );
  assert.equal(inspection.installer.rootfs, 'url', 'the rootfs must come by URL');
  assert.match(
    inspection.liveLog ?? '',
    /network: static 10\.0\.2\.50\/255\.255\.255\.0 gw 10\.0\.2\.2 on enp0s3/,
    'the live system did not bring up the static IPv4 address',
  );
  assert.match(
    inspection.liveLog ?? '',
    /network: static fd00:e2e::50\/64 gw fd00:e2e::2 on enp0s3/,
    'the live system did not bring up the static IPv6 address',
  );
  assert.doesNotMatch(inspection.liveLog ?? '', /network: DHCP/, 'the live system fell back to DHCP');
  assert.ok(ctx.server.requests(new URL(release.artifacts.rootfs.url).pathname).length > 0, 'the live system did not fetch the rootfs');
  // The installer forwards the live network arguments to the installed system's first boot.
  assert.deepEqual(
    (inspection.firstbootKargs ?? '').split(/\s+/).filter((w) => /^(ifname|ip|nameserver)=/.test(w)),
    liveNetwork.slice(1),
    'first-boot network kargs',
  );
}

/** The addressN values of a keyfile's [ipv4] or [ipv6] section, in order. */
function addresses(section = {}) {
  return Object.entries(section)
    .filter(([k]) => /^address\d+$/.test(k))
    .sort(([a], [b]) => Number(a.slice(7)) - Number(b.slice(7)))
    .map(([, v]) => v);
}

/** A keyfile list value (`a;b;`) as an array. */
function list(value) {
  return (value ?? '')
    .split(/[;,]/)
    .map((v) => v.trim())
    .filter(Boolean);
}
