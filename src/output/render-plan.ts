/** The plan in plain words, for people (stderr). --json carries the same data for machines. */
import type { Plan } from '../plan/types.js';
import { formatBytes } from '../plan/memory.js';

export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  const h = plan.host;
  lines.push(`Host        ${h.hostname}: ${h.os} (${h.family ?? 'unsupported'}), ${h.arch}, ${h.bootMode.toUpperCase()}, kernel ${h.kernelRelease}${h.virtualization ? `, ${h.virtualization}` : ''}`);
  const r = plan.release;
  lines.push(`Release     ${r.release ?? 'unknown build'} (${r.source}: ${r.origin})`);
  for (const role of ['kernel', 'initramfs', 'rootfs'] as const) {
    const a = r.artifacts[role];
    lines.push(`  ${role.padEnd(10)}${a.location}${a.sizeBytes !== undefined ? ` (${formatBytes(a.sizeBytes)})` : ''}${a.sha256 ? `\n              sha256 ${a.sha256} (${a.sha256Source})` : '\n              no sha256 known'}`);
  }
  if (plan.target) {
    const t = plan.target;
    lines.push(`Target      ${t.device} = ${t.installerName} (${formatBytes(t.sizeBytes)}${t.model ? `, ${t.model}` : ''}${t.serial ? `, serial ${t.serial}` : ''})${t.isRootDisk ? ', the disk behind /' : ''}`);
    lines.push('            EVERYTHING ON IT WILL BE ERASED' + (t.kept.length ? ` except partitions ${t.kept.map((k) => `${k.number}${k.label ? ` (${k.label})` : ''}`).join(', ')}` : ''));
  }
  if (plan.ignition) {
    const i = plan.ignition;
    lines.push(`Ignition    ${i.source} (spec ${i.specVersion ?? '?'}, sha256 ${i.sha256.slice(0, 16)}...)`);
    for (const k of i.sshKeys) lines.push(`  ssh key   ${k.user}: ${k.type} ${k.fingerprint}${k.comment ? ` ${k.comment}` : ''} (${k.origin})`);
    for (const a of i.additions) lines.push(`  added     ${a}`);
    for (const n of i.identityNotes) lines.push(`  note      ${n}`);
  }
  lines.push(`Network     ${plan.network.mode}: ${plan.network.keyfiles.map((k) => k.name).join(', ') || 'no keyfiles'}`);
  for (const n of plan.network.notes) lines.push(`  note      ${n}`);
  const m = plan.memory;
  lines.push(`Memory      ${formatBytes(m.totalBytes)} installed, ${formatBytes(m.availableBytes)} available; rootfs ${m.rootfsMode === 'append' ? 'appended' : 'fetched by URL'} (${m.reason})`);
  lines.push(`Live kernel ${plan.live.kernelArgs.join(' ')}`);
  lines.push(`Installer   ${Object.entries(plan.installer.config).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join('; ')}`);
  lines.push('Steps');
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  for (const w of plan.warnings) lines.push(`Warning     ${w}`);
  for (const b of plan.blockers) lines.push(`BLOCKED     ${b.message}${b.remedy ? `: ${b.remedy}` : ''}`);
  return lines.join('\n');
}
