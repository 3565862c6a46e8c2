/** Step 5: the network of the installed system, this host's own (default) or DHCP. */
import type { Interface, NetworkModel } from '../network/model.js';
import type { Translator } from '../i18n/translate.js';
import type { Prompter } from './prompter.js';

export type NetworkAnswer = 'keep' | 'dhcp';

const usable = (a: Interface['addresses'][number]) =>
  a.method !== 'link-local' && !a.address.startsWith('fe80:') && !a.address.startsWith('127.') && a.address !== '::1';

/** Interfaces that carry addresses, the one with the default route first. */
function carried(model: NetworkModel): Interface[] {
  const withAddresses = model.interfaces.filter((i) => i.addresses.some(usable));
  return [...withAddresses.filter((i) => i.name === model.primary), ...withAddresses.filter((i) => i.name !== model.primary)];
}

/** Addresses people can reach the host at, best first (primary interface, IPv4 before IPv6). */
export function reachableAddresses(model: NetworkModel): string[] {
  return carried(model).flatMap((i) =>
    i.addresses
      .filter(usable)
      .sort((a, b) => a.family - b.family)
      .map((a) => a.address),
  );
}

export function describeInterface(i: Interface, { t }: Translator): string {
  const methods = { static: t('static'), dhcp: t('DHCP'), auto: t('SLAAC'), 'link-local': t('link-local'), unknown: '?' };
  const addresses = i.addresses.filter(usable).map((a) => `${a.address}/${a.prefix} ${methods[a.method]}`);
  const gateways = i.routes.filter((r) => r.destination === 'default' && r.gateway).map((r) => r.gateway!);
  const parts = [
    `${i.name} ${addresses.join(t(', '))}`,
    ...(gateways.length ? [t('gateway {gateways}', { gateways: gateways.join(', ') })] : []),
  ];
  return parts.join(t(', '));
}

export function describeNetwork(model: NetworkModel, tr: Translator): string {
  const interfaces = carried(model).map((i) => describeInterface(i, tr));
  const dns = model.dns.servers.length ? [tr.t('DNS {servers}', { servers: model.dns.servers.join(', ') })] : [];
  return [...interfaces, ...dns].join(tr.t('; ')) || tr.t('no configured address');
}

export async function askNetwork(ask: Prompter, tr: Translator, model: NetworkModel): Promise<NetworkAnswer> {
  const { t } = tr;
  const primary = model.primary ?? model.interfaces[0]?.name ?? 'eth0';
  // Nothing to keep when no interface carries an address: the choice says so and DHCP is the default.
  const nothingToKeep = carried(model).length === 0;
  return ask.select<NetworkAnswer>({
    message: t('Network of the installed system'),
    default: nothingToKeep ? 'dhcp' : 'keep',
    choices: [
      nothingToKeep
        ? { value: 'keep', name: t("Keep this host's configuration"), disabled: t('no interface here has an address to carry') }
        : {
            value: 'keep',
            name: t("Keep this host's configuration: {network}", { network: describeNetwork(model, tr) }),
            description: t('addresses, routes and DNS stay as they are: you reach NestOS where you reach this host now'),
            short: t("this host's configuration"),
          },
      {
        value: 'dhcp',
        name: t('DHCP on {interface}', { interface: primary }),
        description: t('only if a DHCP server on this network answers: the address may change'),
        short: t('DHCP'),
      },
    ],
  });
}
