import { describe, expect, it } from 'vitest';
import { X2Error } from '../../../src/errors.js';
import { gatherNetwork } from '../../../src/network/gather.js';
import { renderKeyfiles } from '../../../src/network/keyfiles.js';
import { EMPTY_NETWORK } from '../../../src/network/model.js';
import { checkUserKeyfile, loadUserKeyfiles, networkPayload } from '../../../src/network/override.js';
import { fixtureHost } from './fixture-host.js';
import { nmJudge } from './nm-oracle.js';

const USER = `[connection]
id=uplink
uuid=0d7a4a4e-2a6b-4f0e-9a3c-111111111111
type=ethernet

[ethernet]
mac-address=52:54:00:12:34:56

[ipv4]
method=manual
address1=192.0.2.99/24,192.0.2.1
`;

const usageError = (fn: () => unknown, message: RegExp) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(X2Error);
    expect((e as X2Error).kind).toBe('usage');
    expect((e as X2Error).oneLine()).toMatch(message);
    return;
  }
  throw new Error('expected a usage error');
};

describe('networkPayload', () => {
  it('keep: the rendered keyfiles and every thing not carried, with its reason', async () => {
    const model = await gatherNetwork(fixtureHost('multi-runtime'));
    const p = networkPayload(model, { mode: 'keep', userKeyfiles: [] });
    expect(p.keyfiles).toEqual(renderKeyfiles(model, 'keep'));
    expect(p.notes).toContain(
      'not carried: interface wg0 (10.99.0.2/24) — WireGuard keys and peers are not read; recreate the tunnel on NestOS with --network-keyfile or an Ignition config',
    );
    expect(p.notes.filter((n) => n.startsWith('not carried:'))).toHaveLength(model.notCarried.length);
  });

  it('dhcp: the primary only, and says so', async () => {
    const model = await gatherNetwork(fixtureHost('static-ipv4-ifcfg'));
    const p = networkPayload(model, { mode: 'dhcp', userKeyfiles: [] });
    expect(p.keyfiles.map((k) => k.name)).toEqual(['eth0.nmconnection']);
    expect(p.notes).toEqual(['--network dhcp: DHCP on eth0 only (pinned by MAC); addresses, routes and DNS of this host are not kept']);
  });

  it('none: nothing embedded', async () => {
    const model = await gatherNetwork(fixtureHost('static-ipv4-ifcfg'));
    expect(networkPayload(model, { mode: 'none', userKeyfiles: [] })).toEqual({
      keyfiles: [],
      notes: ['--network none: no network configuration is carried; NestOS starts with NetworkManager defaults (DHCP on every NIC)'],
    });
    usageError(
      () => networkPayload(model, { mode: 'none', userKeyfiles: [{ name: 'a', contents: USER }] }),
      /contradict.*drop --network none/,
    );
  });

  it('user keyfiles replace the rendered ones, named *.nmconnection, sorted', async () => {
    const model = await gatherNetwork(fixtureHost('bond-lacp-ifcfg'));
    const p = networkPayload(model, {
      mode: 'keep',
      userKeyfiles: [
        { name: '/root/net/uplink', contents: USER },
        { name: 'b/aux.nmconnection', contents: USER.replace('id=uplink', 'id=aux') },
      ],
    });
    expect(p.keyfiles.map((k) => k.name)).toEqual(['aux.nmconnection', 'uplink.nmconnection']);
    expect(p.keyfiles[1]!.contents).toBe(USER);
    expect(p.notes).toEqual(['2 keyfile(s) from --network-keyfile replace the configuration measured on this host']);
    usageError(
      () =>
        networkPayload(model, {
          mode: 'keep',
          userKeyfiles: [
            { name: 'x/uplink', contents: USER },
            { name: 'y/uplink.nmconnection', contents: USER },
          ],
        }),
      /two files named uplink\.nmconnection: rename one/,
    );
  });

  it('an empty model says NestOS falls back to DHCP', () => {
    expect(networkPayload(EMPTY_NETWORK, { mode: 'keep', userKeyfiles: [] }).notes).toEqual([
      'no interface to carry: NestOS starts with NetworkManager defaults (DHCP on every NIC)',
    ]);
  });
});

describe('user keyfiles are checked before they are embedded', () => {
  it('the sample user keyfile is one NetworkManager accepts', () => {
    expect(nmJudge(USER).problems).toEqual([]);
  });

  it.each([
    ['no [connection] section', '[ipv4]\nmethod=auto\n', /no \[connection\] section/],
    ['no type', '[connection]\nid=x\n[ipv4]\nmethod=auto\n', /names no type=/],
    ['a stray line', `${USER}oops\n`, /line "oops" is not key=value/],
    ['a YAML file', 'network:\n  version: 2\n', /no \[connection\] section/],
  ])('%s', (_what, contents, message) => {
    usageError(() => checkUserKeyfile({ name: 'my.nmconnection', contents }), message);
  });

  it('unreadable files name the flag', async () => {
    const files: Record<string, string> = { '/ok.nmconnection': USER };
    await expect(loadUserKeyfiles(['/ok.nmconnection'], async (p) => files[p])).resolves.toEqual([
      { name: '/ok.nmconnection', contents: USER },
    ]);
    await expect(loadUserKeyfiles(['/missing'], async (p) => files[p])).rejects.toThrow(/--network-keyfile \/missing cannot be read/);
  });
});
