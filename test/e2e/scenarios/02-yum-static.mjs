// Issue 3, scenario 2: a yum-family host (openEuler 22.03 identity, dnf, no apt/dpkg) with a static
// address and no DHCP client converts with a local Ignition file; the installed system's first
// boot network must carry the same address, gateway and DNS servers.
//
// "No DHCP" here: the image has no DHCP client, its address 10.0.2.50 lies outside the range QEMU's
// slirp DHCP server leases from (10.0.2.15-.30), and slirp's IPv6 router advertisements are off.
// slirp itself always answers DHCP, so anything that fell back to DHCP would come up as 10.0.2.15
// and fail the address assertions below.
import { destinationConfig } from '../ignition.mjs';
import { assert, ignitionFiles, parseKeyfile } from '../harness.mjs';

export const id = 'yum-static';
export const title = 'yum-family host, static address, no DHCP, local Ignition file → converted, network carried';
export const weight = 2;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);

  const guest = await ctx.boot({ image: 'openeuler2203' });
  const facts = await guest.sshOk('command -v apt-get dpkg dhclient udhcpc dhcpcd; ip -4 -o addr show scope global; true');
  assert.doesNotMatch(facts.stdout, /apt-get|dpkg|dhclient|udhcpc|dhcpcd/, 'the yum-family host must have no apt, dpkg or DHCP client');
  assert.match(facts.stdout, /inet 10\.0\.2\.50\/24/, 'static address');
  await guest.sshOk('install -m 0600 /dev/stdin /root/dest.ign', { input: destination });
  const rootKeys = (await guest.sshOk('cat /root/.ssh/authorized_keys')).stdout.split('\n').filter((l) => /^ssh-/.test(l));
  assert.ok(rootKeys.length > 0, 'the image authorizes a key for root');
  await ctx.installBinary(guest);

  const { inspection } = await ctx.convert(guest, [
    '--ignition', '/root/dest.ign',
    '--stream', release.stream, '--stream-base-url', release.streamBaseUrl,
    // Issue 4: root's keys, found the way this host's sshd finds them, are added for `nest`.
    '--inherit-ssh-keys',
  ]);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  // The hostname is carried by default (--keep-hostname), wrapped around the given config.
  assert.equal(ignitionFiles(inspection.ignition)['/etc/hostname']?.trim(), 'openeuler2203', 'hostname carried to NestOS');
  const nestKeys = (JSON.parse(inspection.ignition).passwd?.users ?? []).filter((u) => u.name === 'nest').flatMap((u) => u.sshAuthorizedKeys ?? []);
  const blob = (line) => line.split(/\s+/).slice(0, 2).join(' ');
  for (const key of rootKeys) assert.ok(nestKeys.map(blob).includes(blob(key)), `root's key ${blob(key).slice(0, 40)}... was not inherited by nest: ${JSON.stringify(nestKeys)}`);
  assert.ok(ctx.server.requests(/^\/rpms\/kexec-tools-.*\.rpm$/).length > 0, 'kexec-tools was not installed from the yum repository');

  const files = Object.entries(inspection.firstbootNetwork ?? {});
  assert.ok(files.length > 0, `no NetworkManager keyfiles reached /boot/nestos-firstboot-network (installer: ${JSON.stringify(inspection.installer)})`);
  const ethernet = files.map(([name, text]) => ({ name, keyfile: parseKeyfile(text) })).filter(({ keyfile }) => keyfile.ipv4);
  const withAddress = ethernet.filter(({ keyfile }) => Object.entries(keyfile.ipv4).some(([k, v]) => /^address\d*$/.test(k) && v.startsWith('10.0.2.50/24')));
  assert.equal(withAddress.length, 1, `exactly one keyfile must carry 10.0.2.50/24: ${JSON.stringify(files)}`);
  const { name, keyfile } = withAddress[0];
  const ipv4 = keyfile.ipv4;
  assert.equal(ipv4.method, 'manual', `${name}: ipv4.method`);
  const gateway = ipv4.gateway ?? Object.entries(ipv4).find(([k]) => /^address\d*$/.test(k))?.[1].split(',')[1];
  assert.equal(gateway, '10.0.2.2', `${name}: gateway`);
  const dns = (ipv4.dns ?? '').split(/[;,]/).filter(Boolean);
  assert.deepEqual(dns, ['10.0.2.3', '10.0.2.53'], `${name}: ipv4.dns`);
  if (ipv4['dns-search'] !== undefined) assert.match(ipv4['dns-search'], /e2e\.test/, `${name}: dns-search`);
  assert.ok(!/(^|\s)ip=dhcp(\s|$)/.test(inspection.installer.liveCmdline), 'the live system was told to use DHCP');
}
