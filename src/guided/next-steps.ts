/**
 * Step 7's last screen, shown while the live installer is loaded and before the switch: what
 * happens next, how long it takes, how to reach NestOS afterwards, and where the log is.
 */
import type { NetworkModel } from '../network/model.js';
import type { Plan } from '../plan/types.js';
import type { Translator } from '../i18n/translate.js';
import { reachableAddresses } from './network.js';

export interface NextStepsInput {
  plan: Plan;
  network: NetworkModel;
  passwordSet: boolean;
  logPath: string | undefined;
}

export function renderNextSteps({ plan, network, passwordSet, logPath }: NextStepsInput, { t }: Translator): string {
  const target = plan.target?.installerName ?? '?';
  const consoles = plan.live.kernelArgs.filter((a) => a.startsWith('console=')).map((a) => a.slice('console='.length));
  const lines = [
    t('What happens next'),
    `  1. ${t('This machine switches to the NestOS live installer; SSH sessions to it end.')}`,
    `  2. ${t('The installer writes NestOS {release} to {disk} and reboots into it.', { release: plan.release.release ?? '', disk: target })}`,
    `  3. ${t('NestOS starts for the first time and applies the Ignition config.')}`,
    `  ${t('This usually takes 5 to 15 minutes, most of it writing the image.')}`,
    ...(consoles.length
      ? [`  ${t("The installer's progress shows on the console ({consoles}).", { consoles: consoles.join(', ') })}`]
      : []),
    '',
    t('How to reach NestOS'),
  ];
  const addresses = reachableAddresses(network);
  if (plan.network.mode === 'keep' && addresses.length > 0) {
    for (const a of addresses) lines.push(`  ssh nest@${a}`);
    lines.push(`  ${t("(the same addresses as now: this host's network configuration is carried)")}`);
  } else if (plan.network.mode === 'dhcp') {
    lines.push(`  ssh nest@${t('<the address DHCP gives it>')}`);
    if (addresses.length)
      lines.push(
        `  ${t('(by DHCP: today this host has {addresses}; NestOS may get another address)', { addresses: addresses.join(', ') })}`,
      );
  } else {
    lines.push(`  ${t('find its address on the console or in your DHCP server, then: ssh nest@ADDRESS')}`);
  }
  if (passwordSet) lines.push(`  ${t('on the console: log in as nest with the password you chose')}`);
  lines.push('', t('Log of this run'), `  ${logPath ?? t('(no log file)')}`);
  if (plan.target?.isRootDisk && logPath) lines.push(`  ${t('(it is on the disk NestOS replaces: copy it elsewhere now to keep it)')}`);
  return lines.join('\n');
}
