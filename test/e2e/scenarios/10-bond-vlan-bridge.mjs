// Issue 4: a virtualisation-host network stack on a real kernel, read and rendered by the tool. Two
// NICs in an active-backup bond carrying an address, a VLAN on the bond, a bridge on the VLAN with
// its own address and a static route, declared in ifupdown the way Debian hosts write it; the
// management NIC stays on DHCP. The captured fixtures (test/fixtures/network) had to write the bond
// and VLAN attributes by hand; here the kernel's own bonding, 8021q and bridge drivers report them.
//
// Nothing is converted: the plan (`plan --json`) must model every link with its role and render one
// keyfile per link, ports pinned to their permanent MACs (a bond gives its ports its own MAC). A
// second plan takes the rootfs from a server behind the bridge's static route: the live system
// must get the whole bond → VLAN → bridge stack as kernel arguments, as this kernel routes it.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { destinationConfig } from '../ignition.mjs';
import { assert, parseKeyfile } from '../harness.mjs';
import { nicMac } from '../qemu.mjs';

export const id = 'bond-vlan';
export const title = 'bond + VLAN + bridge host on a real kernel: plan models and renders every link';

const DECLARED = `
auto bond0
iface bond0 inet static
    address 192.168.100.10/24
    bond-slaves enp0s4 enp0s5
    bond-mode active-backup
    bond-miimon 100
    bond-primary enp0s4

auto bond0.100
iface bond0.100 inet manual
    vlan-raw-device bond0

auto br100
iface br100 inet static
    address 192.168.200.10/24
    bridge_ports bond0.100
    bridge_stp off
    up ip route add 172.16.0.0/16 via 192.168.200.1
`;

// The same stack, built at run time with ip(8) (the image has no ifenslave or bridge-utils).
const RUNTIME = [
  'modprobe bonding',
  'modprobe 8021q',
  'modprobe bridge',
  'ip link add bond0 type bond mode active-backup miimon 100',
  'ip link set enp0s4 down',
  'ip link set enp0s4 master bond0',
  'ip link set enp0s5 down',
  'ip link set enp0s5 master bond0',
  'ip link set bond0 type bond primary enp0s4',
  'ip link set bond0 up',
  'ip addr add 192.168.100.10/24 dev bond0',
  'ip link add link bond0 name bond0.100 type vlan id 100',
  'ip link add br100 type bridge stp_state 0',
  'ip link set bond0.100 master br100',
  'ip link set bond0.100 up',
  'ip link set br100 up',
  'ip addr add 192.168.200.10/24 dev br100',
  'ip route add 172.16.0.0/16 via 192.168.200.1 dev br100',
].join(' && ');

export async function run(ctx) {
  const release = ctx.releases.r20;
  const guest = await ctx.boot({ image: 'debian12', extraNics: 2 });
  await guest.sshOk(
    `printf '\\nsource /etc/network/interfaces.d/*\\n' >>/etc/network/interfaces && mkdir -p /etc/network/interfaces.d && cat >/etc/network/interfaces.d/stack`,
    { input: DECLARED },
  );
  await guest.sshOk(RUNTIME);
  // What the kernel reports, kept with the run: the raw material of a network fixture.
  const capture = await guest.sshOk('ip -j -d addr show; echo; ip -j -4 route show table main; echo; ip -j -6 route show table main');
  await writeFile(path.join(ctx.runDir, 'ip-capture.json.txt'), capture.stdout);

  await ctx.prepareGuest(guest, destinationConfig(id, ctx.nestKey));
  // The rootfs behind the bridge below is the same file under another name.
  const sums = await ctx.checksums(guest, release, { 'rootfs.img': release.artifacts.rootfs.sha256 });
  const planned = await ctx.x2nestos(guest, ['plan', '--json', '--ignition', '/root/dest.ign', ...ctx.streamArgs(release), ...sums]);
  assert.equal(planned.code, 0, `plan --json exited ${planned.code}: ${planned.stderr.trim()}`);
  const { model, keyfiles } = JSON.parse(planned.stdout).plan.network;
  const link = (name) => {
    const found = model.interfaces.find((i) => i.name === name);
    assert.ok(found, `the plan's network model has no ${name}: ${model.interfaces.map((i) => i.name).join(', ')}`);
    return found;
  };
  const statics = (i) => i.addresses.filter((a) => a.method === 'static').map((a) => `${a.address}/${a.prefix}`);

  const bond = link('bond0');
  assert.equal(bond.kind, 'bond', 'bond0 kind');
  assert.deepEqual(bond.members, ['enp0s4', 'enp0s5'], 'bond0 ports');
  assert.equal(bond.bondMode, 'active-backup', 'bond0 mode');
  assert.equal(bond.bondOptions?.miimon, '100', `bond0 miimon in ${JSON.stringify(bond.bondOptions)}`);
  assert.equal(bond.bondOptions?.primary, 'enp0s4', `bond0 primary in ${JSON.stringify(bond.bondOptions)}`);
  assert.deepEqual(statics(bond), ['192.168.100.10/24'], 'bond0 address');
  [0, 1].forEach((n) => {
    const port = link(`enp0s${4 + n}`);
    assert.equal(port.controller, 'bond0', `enp0s${4 + n} controller`);
    assert.equal(port.mac, nicMac(n + 1), `enp0s${4 + n} must be pinned to its permanent MAC, not the one the bond lent it`);
    assert.deepEqual(port.addresses, [], `enp0s${4 + n} carries no address of its own`);
  });
  const vlan = link('bond0.100');
  assert.deepEqual(
    [vlan.kind, vlan.parent, vlan.vlanId, vlan.controller],
    ['vlan', 'bond0', 100, 'br100'],
    'bond0.100: a VLAN on bond0, port of br100',
  );
  const bridge = link('br100');
  assert.deepEqual([bridge.kind, bridge.members, bridge.stp], ['bridge', ['bond0.100'], false], 'br100: bridge over the VLAN, STP off');
  assert.deepEqual(statics(bridge), ['192.168.200.10/24'], 'br100 address');
  assert.deepEqual(bridge.routes, [{ family: 4, destination: '172.16.0.0/16', gateway: '192.168.200.1' }], 'br100 static route');
  assert.equal(link('enp0s3').ipv4Method, 'auto', 'the management NIC stays on DHCP');
  assert.deepEqual(model.notCarried, [], 'nothing should be left behind');

  // One keyfile per link, each saying its role the way every NetworkManager version reads it.
  const byName = Object.fromEntries(keyfiles.map((k) => [k.name.replace(/\.nmconnection$/, ''), parseKeyfile(k.preview)]));
  assert.deepEqual(Object.keys(byName).sort(), ['bond0', 'bond0.100', 'br100', 'enp0s3', 'enp0s4', 'enp0s5'], 'rendered keyfiles');
  assert.equal(byName.bond0.connection.type, 'bond', 'bond0 keyfile type');
  assert.equal(byName.bond0.bond.mode, 'active-backup', 'bond0 keyfile mode');
  assert.equal(byName.bond0.bond.miimon, '100', 'bond0 keyfile miimon');
  assert.match(byName.bond0.ipv4.address1, /^192\.168\.100\.10\/24/, 'bond0 keyfile address');
  [0, 1].forEach((n) => {
    const port = byName[`enp0s${4 + n}`];
    assert.deepEqual([port.connection.master, port.connection['slave-type']], ['bond0', 'bond'], `enp0s${4 + n} keyfile: bond port`);
    assert.equal(port.ethernet['mac-address'].toLowerCase(), nicMac(n + 1), `enp0s${4 + n} keyfile MAC`);
    assert.equal(port.ipv4, undefined, `enp0s${4 + n} keyfile: a port has no [ipv4]`);
  });
  // The parent by its profile's UUID, which survives a rename under the new kernel.
  assert.deepEqual([byName['bond0.100'].vlan.id, byName['bond0.100'].vlan.parent], ['100', byName.bond0.connection.uuid], 'VLAN keyfile');
  assert.deepEqual(
    [byName['bond0.100'].connection.master, byName['bond0.100'].connection['slave-type']],
    ['br100', 'bridge'],
    'VLAN keyfile: bridge port',
  );
  assert.equal(byName.br100.bridge.stp, 'false', 'bridge keyfile: STP off');
  assert.match(byName.br100.ipv4.address1, /^192\.168\.200\.10\/24/, 'bridge keyfile address');
  assert.equal(byName.br100.ipv4.route1, '172.16.0.0/16,192.168.200.1', 'bridge keyfile route');
  assert.equal(byName.enp0s3.ipv4.method, 'auto', 'management NIC keyfile: DHCP');

  // The same release, its rootfs on a server only the bridge's route reaches (172.16.0.0/16 via
  // 192.168.200.1). Sizes come from the stream document, so planning never contacts that server.
  const stream = await readFile(path.join(release.dir, 'streams', `${release.stream}.json`), 'utf8');
  const behindBridge = 'http://172.16.0.9/nestos/rootfs.img';
  assert.ok(stream.includes(release.artifacts.rootfs.url), 'the stream document names the rootfs URL');
  const streamUrl = await ctx.publish(`streams/${release.stream}.json`, stream.split(release.artifacts.rootfs.url).join(behindBridge));
  const routed = await ctx.x2nestos(guest, [
    'plan',
    '--json',
    '--ignition',
    '/root/dest.ign',
    '--rootfs-mode',
    'url',
    ...ctx.streamArgs(release, streamUrl.slice(0, streamUrl.lastIndexOf('/') + 1)),
    ...sums,
  ]);
  assert.equal(routed.code, 0, `plan --json (rootfs behind the bridge) exited ${routed.code}: ${routed.stderr.trim()}`);
  const live = JSON.parse(routed.stdout).plan.network;
  assert.deepEqual(
    live.liveKargs,
    [
      'rd.neednet=1',
      `ifname=enp0s4:${nicMac(1)}`,
      `ifname=enp0s5:${nicMac(2)}`,
      'bond=bond0:enp0s4,enp0s5:mode=active-backup,miimon=100,primary=enp0s4',
      'vlan=bond0.100:bond0',
      'bridge=br100:bond0.100',
      'ip=192.168.200.10:::255.255.255.0::br100:none',
      'rd.route=172.16.0.0/16:192.168.200.1:br100',
      'nameserver=10.0.2.3',
    ],
    'live network kargs for a rootfs behind the bridge',
  );
  assert.ok(
    live.notes.some((n) => /brings up br100: this host reaches 172\.16\.0\.9/.test(n)),
    `the plan does not say why br100: ${JSON.stringify(live.notes)}`,
  );
}
