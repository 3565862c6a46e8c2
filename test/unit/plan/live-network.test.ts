// The live system's network when it fetches the rootfs itself: the interface that reaches the
// rootfs server (as the kernel routes it now), not always the default route's.
import { describe, expect, it } from 'vitest';
import { gatherNetwork } from '../../../src/network/gather.js';
import type { SourceRoute } from '../../../src/network/route-to.js';
import { validateOptions } from '../../../src/options/load.js';
import { planConversion } from '../../../src/plan/plan.js';
import { fixtureHost } from '../network/fixture-host.js';
import { HOST_KEXEC, hostFacts, release } from './host.js';

// Management NIC enp0s3 on DHCP (default route); bond0 → bond0.100 → br100 with 192.168.200.10/24
// and a route to 172.16.0.0/16 (test/fixtures/network/bond-vlan-bridge-kernel, a real kernel's).
async function livePlan(sourceRoute: SourceRoute | undefined, rootfsMode: 'url' | 'append' = 'url') {
  const network = await gatherNetwork(fixtureHost('bond-vlan-bridge-kernel'));
  const { plan } = planConversion({
    facts: hostFacts({ network }),
    options: validateOptions({ rootfsMode }),
    release: release(),
    ignition: undefined,
    destIgnition: undefined,
    userKeyfiles: [],
    kexecTool: HOST_KEXEC,
    kexecToolBlockers: [],
    workDir: '/var/lib/x2nestos',
    toolVersion: '0',
    purpose: 'plan',
    sourceRoute,
  });
  return plan.network;
}

describe('the live network follows the route to the rootfs server', () => {
  it('brings up the bridge stack the mirror is reached through, and says why', async () => {
    const net = await livePlan({ host: 'mirror.internal', address: '172.16.4.4', dev: 'br100' });
    expect(net.liveKargs).toEqual([
      'rd.neednet=1',
      'ifname=enp0s4:52:54:00:12:34:57',
      'ifname=enp0s5:52:54:00:12:34:58',
      'bond=bond0:enp0s4,enp0s5:mode=active-backup,miimon=100,primary=enp0s4',
      'vlan=bond0.100:bond0',
      'bridge=br100:bond0.100',
      'ip=192.168.200.10:::255.255.255.0::br100:none',
      'rd.route=172.16.0.0/16:192.168.200.1:br100',
      'nameserver=10.0.2.3',
    ]);
    expect(net.notes).toContain(
      'the live system brings up br100: this host reaches mirror.internal through it, not through the default route',
    );
  });

  it('goes from a port to its controller', async () => {
    const net = await livePlan({ host: '192.168.100.1', address: '192.168.100.1', dev: 'enp0s4' });
    expect(net.liveKargs).toContain('bond=bond0:enp0s4,enp0s5:mode=active-backup,miimon=100,primary=enp0s4');
    expect(net.liveKargs).toContain('ip=192.168.100.10:::255.255.255.0::bond0:none');
    expect(net.notes.join('\n')).toMatch(/brings up bond0/);
  });

  it('uses the default route when the route is unknown or leaves through something not carried', async () => {
    for (const route of [undefined, { host: '127.0.0.1', address: '127.0.0.1', dev: 'lo' }]) {
      const net = await livePlan(route);
      expect(net.liveKargs).toEqual(['rd.neednet=1', 'ifname=enp0s3:52:54:00:12:34:56', 'ip=enp0s3:dhcp,auto6']);
      expect(net.notes.join('\n')).not.toMatch(/brings up/);
    }
  });

  it('gives the live system no network at all when the rootfs is appended', async () => {
    const net = await livePlan({ host: 'mirror.internal', address: '172.16.4.4', dev: 'br100' }, 'append');
    expect(net.liveKargs).toEqual([]);
    expect(net.notes.join('\n')).not.toMatch(/brings up/);
  });
});
