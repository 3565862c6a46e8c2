/**
 * Step 1: what was detected on this host, problems first, each with how to fix it. Pure: the facts
 * and the preflight verdict in, text out.
 */
import type { HostFacts } from '../facts/types.js';
import type { Translator } from '../i18n/translate.js';
import { padColumns } from '../i18n/width.js';
import { formatBytes } from '../plan/memory.js';
import type { Preflight } from './preflight.js';
import type { KexecTool } from '../plan/types.js';
import { describeNetwork } from './network.js';

const LABEL_COLUMNS = 10;

export function kexecMethodText(method: Preflight['kexecMethod'], { t }: Translator): string {
  return {
    file: t('kexec_file_load (kexec -s)'),
    syscall: t('kexec_load (kexec -l)'),
    'file-then-syscall': t('kexec_file_load, falling back to kexec_load'),
  }[method];
}

function kexecToolText(tool: KexecTool, facts: HostFacts, { t }: Translator): string {
  switch (tool.source) {
    case 'host':
      return t('kexec-tools installed');
    case 'packages':
      return t('kexec-tools will be installed with {tool}', { tool: facts.packageTool ?? t('the package manager') });
    case 'carried':
      return t('using the kexec carried in x2nestos (no package install)');
    case 'user':
      return t('using {path}', { path: tool.path ?? '' });
  }
}

export function renderSummary(facts: HostFacts, pre: Preflight, kexecTool: KexecTool | undefined, tr: Translator): string {
  const { t, msg } = tr;
  const lines: string[] = [];
  if (pre.blockers.length > 0) {
    lines.push(t('This host cannot be converted until these are fixed:'));
    for (const b of pre.blockers) {
      lines.push(`  ✗ ${msg(b.message)}`);
      if (b.remedy) lines.push(`    → ${msg(b.remedy)}`);
    }
    lines.push('');
  }
  for (const w of pre.warnings) lines.push(`  ! ${msg(w)}`);
  if (pre.warnings.length > 0) lines.push('');

  const row = (label: string, text: string) => lines.push('  ' + padColumns(label, LABEL_COLUMNS) + text);
  lines.push(t('Detected on this host'));
  row(
    t('System'),
    t('{os} ({family}), {arch}, {bootMode}, kernel {kernel}{virtualization}', {
      os: facts.os.prettyName || `${facts.os.id} ${facts.os.versionId}`,
      family: facts.family ?? t('unsupported'),
      arch: facts.arch,
      bootMode: facts.bootMode.toUpperCase(),
      kernel: facts.kernelRelease,
      virtualization: facts.virtualization ? t(', ') + facts.virtualization : '',
    }),
  );
  row(
    t('Memory'),
    t('{total}, {available} available', {
      total: formatBytes(facts.memory.totalBytes),
      available: formatBytes(facts.memory.availableBytes),
    }),
  );
  const rootDisk = facts.rootDisk.ok ? facts.rootDisk.disk : undefined;
  const disks = facts.disks.map((d) => `${d.path} ${formatBytes(d.sizeBytes)}${d.path === rootDisk ? t(' (the disk behind /)') : ''}`);
  row(t('Disks'), disks.join(t('; ')) || msg(facts.unknown?.disks ?? t('none found')));
  row(t('Network'), describeNetwork(facts.network, tr));
  const kexecBlocked = pre.blockers.some((b) => b.kind === 'kexec');
  const k = facts.kexec;
  const kexec = [
    kexecBlocked ? t('blocked (see above)') : t('ready: {method}', { method: kexecMethodText(pre.kexecMethod, tr) }),
    ...(kexecTool ? [kexecToolText(kexecTool, facts, tr)] : []),
    ...(k.secureBoot ? [t('Secure Boot on')] : []),
    ...(k.lockdown && k.lockdown !== 'none' ? [t('kernel lockdown {mode}', { mode: k.lockdown })] : []),
    ...(k.loaded ? [t('a kexec kernel is already loaded')] : []),
  ];
  row(t('kexec'), kexec.join(t('; ')));
  return lines.join('\n');
}
