import { describe, expect, it } from 'vitest';
import { routeToward } from '../../../src/network/route-to.js';
import { fakeRunner } from '../distro/fake-runner.js';

const routeGet = (address: string, dev: string): [string[], { stdout: string }] => [
  ['ip', 'route', 'get', address],
  // As iproute2 prints it (3.10 and 6.x alike, 6.x adds `uid 0`).
  { stdout: `${address} via 10.20.0.1 dev ${dev} src 10.20.0.5 uid 0 \n    cache \n` },
];
const noResolve = () => Promise.reject(new Error('no DNS in this test'));

describe('routeToward', () => {
  it('asks the kernel about an address literal, IPv4 or bracketed IPv6', async () => {
    const runner = fakeRunner([routeGet('10.20.30.40', 'eth1'), routeGet('2001:db8::5', 'bond0')]);
    expect(await routeToward('http://10.20.30.40:8080/nestos/rootfs.img', runner, noResolve)).toEqual({
      host: '10.20.30.40',
      address: '10.20.30.40',
      dev: 'eth1',
    });
    expect(await routeToward('https://[2001:db8::5]/rootfs.img', runner, noResolve)).toEqual({
      host: '2001:db8::5',
      address: '2001:db8::5',
      dev: 'bond0',
    });
    expect(runner.commands('probe')).toEqual(['ip route get 10.20.30.40', 'ip route get 2001:db8::5']);
    expect(runner.commands('change')).toEqual([]);
  });

  it('resolves a name first', async () => {
    const runner = fakeRunner([routeGet('192.0.2.80', 'eth2')]);
    const resolve = (host: string) => (host === 'mirror.internal' ? Promise.resolve('192.0.2.80') : Promise.reject(new Error(host)));
    expect(await routeToward('https://mirror.internal/nestos/rootfs.img', runner, resolve)).toEqual({
      host: 'mirror.internal',
      address: '192.0.2.80',
      dev: 'eth2',
    });
  });

  it('knows nothing, rather than failing, when the name, the route or the output is missing', async () => {
    expect(await routeToward('https://nowhere.invalid/r.img', fakeRunner(), noResolve)).toBeUndefined();
    expect(
      await routeToward(
        'http://10.9.9.9/r.img',
        fakeRunner([[['ip', 'route', 'get', '10.9.9.9'], { exitCode: 2, stderr: 'RTNETLINK answers: Network is unreachable' }]]),
        noResolve,
      ),
    ).toBeUndefined();
    expect(
      await routeToward(
        'http://10.9.9.9/r.img',
        fakeRunner([[['ip', 'route', 'get', '10.9.9.9'], { stdout: 'RTNETLINK answers: garbage' }]]),
        noResolve,
      ),
    ).toBeUndefined();
    expect(await routeToward('/srv/nestos/rootfs.img', fakeRunner(), noResolve)).toBeUndefined();
  });
});
