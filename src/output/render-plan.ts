/**
 * The plan in plain words, for people (stderr), in their language. --json carries the same data
 * for machines, in English. Texts the planner composed (steps, notes, warnings, blockers) are
 * translated whole; the labels and line shapes are this module's own.
 */
import type { Plan } from '../plan/types.js';
import { formatBytes } from '../plan/memory.js';
import { activeTranslator } from '../i18n/active.js';
import type { Translator } from '../i18n/translate.js';
import { padColumns } from '../i18n/width.js';

const LABEL_COLUMNS = 12;

export function renderPlan(plan: Plan, tr: Translator = activeTranslator()): string {
  const { t, msg } = tr;
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(padColumns(label, LABEL_COLUMNS) + text);
  const sub = (label: string, text: string) => lines.push('  ' + padColumns(label, LABEL_COLUMNS - 2) + text);
  const continued = (text: string) => lines.push(' '.repeat(LABEL_COLUMNS + 2) + text);

  const h = plan.host;
  row(
    t('Host'),
    t('{hostname}: {os} ({family}), {arch}, {bootMode}, kernel {kernel}{virtualization}', {
      hostname: h.hostname,
      os: h.os,
      family: h.family ?? t('unsupported'),
      arch: h.arch,
      bootMode: h.bootMode.toUpperCase(),
      kernel: h.kernelRelease,
      virtualization: h.virtualization ? t(', ') + h.virtualization : '',
    }),
  );
  const r = plan.release;
  row(
    t('Release'),
    t('{release} ({source}: {origin})', { release: r.release ?? t('unknown build'), source: sourceName(r.source, tr), origin: r.origin }),
  );
  for (const role of ['kernel', 'initramfs', 'rootfs'] as const) {
    const a = r.artifacts[role];
    sub(roleName(role, tr), `${a.location}${a.sizeBytes !== undefined ? ` (${formatBytes(a.sizeBytes)})` : ''}`);
    continued(
      a.sha256 ? t('sha256 {sha256} ({source})', { sha256: a.sha256, source: hashSourceName(a.sha256Source, tr) }) : t('no sha256 known'),
    );
    if (a.verifiedBy !== undefined) continued(trustName(a.verifiedBy, tr));
  }
  if (plan.target) {
    const tg = plan.target;
    const facts = [
      formatBytes(tg.sizeBytes),
      ...(tg.model ? [tg.model] : []),
      ...(tg.serial ? [t('serial {serial}', { serial: tg.serial })] : []),
    ];
    row(
      t('Target'),
      t('{device} = {name} ({facts}){root}', {
        device: tg.device,
        name: tg.installerName,
        facts: facts.join(t(', ')),
        root: tg.isRootDisk ? t(', the disk behind /') : '',
      }),
    );
    const kept = tg.kept.map((k) => `${k.number}${k.label ? ` (${k.label})` : ''}`).join(', ');
    row('', kept ? t('EVERYTHING ON IT WILL BE ERASED except partitions {kept}', { kept }) : t('EVERYTHING ON IT WILL BE ERASED'));
  }
  const fw = plan.firmware;
  if (fw.bootMode === 'uefi') {
    const sb = fw.secureBoot === undefined ? t('unknown') : fw.secureBoot ? t('on') : t('off');
    row(
      t('Firmware'),
      t('UEFI, Secure Boot {sb}, lockdown {lockdown}; BootCurrent {current}, BootOrder {order}', {
        sb,
        lockdown: h.lockdown ?? t('unknown'),
        current: fw.bootCurrent ?? '?',
        order: fw.bootOrder.join(',') || '?',
      }),
    );
    for (const e of fw.entries) {
      sub(
        `Boot${e.number}`,
        `${e.label} ${e.devicePath}${e.active ? '' : t(' (inactive)')}${e.onTarget ? t(' (on the target disk)') : ''}`,
      );
    }
  }
  if (plan.ignition) {
    const i = plan.ignition;
    row(
      t('Ignition'),
      t('{source} (spec {version}, sha256 {sha256}...)', {
        source: i.source,
        version: i.specVersion ?? '?',
        sha256: i.sha256.slice(0, 16),
      }),
    );
    for (const k of i.sshKeys) {
      const origin = k.origin === 'inherited' ? t('inherited') : t('config');
      sub(
        t('ssh key'),
        t('{user}: {type} {fingerprint}{comment} ({origin})', {
          user: k.user,
          type: k.type,
          fingerprint: k.fingerprint,
          comment: k.comment ? ` ${k.comment}` : '',
          origin,
        }),
      );
    }
    for (const a of i.additions) sub(t('added'), msg(a));
    for (const n of i.identityNotes) sub(t('note'), msg(n));
    for (const w of i.warnings) sub(t('Warning'), msg(w));
  }
  row(
    t('Network'),
    t('{mode}: {keyfiles}', {
      mode: networkMode(plan.network.mode, tr),
      keyfiles: plan.network.keyfiles.map((k) => k.name).join(', ') || t('no keyfiles'),
    }),
  );
  for (const n of plan.network.notes) sub(t('note'), msg(n));
  const m = plan.memory;
  row(
    t('Memory'),
    t('{total} installed, {available} available; rootfs {mode} ({reason})', {
      total: formatBytes(m.totalBytes),
      available: formatBytes(m.availableBytes),
      mode: m.rootfsMode === 'append' ? t('appended') : t('fetched by URL'),
      reason: msg(m.reason),
    }),
  );
  row(t('Live kernel'), plan.live.kernelArgs.join(' '));
  const fs = plan.live.failsafe;
  if (fs) {
    row(
      t('Failsafe'),
      t(
        'if the installer fails or runs {minutes} min: reboot into this system when {disk} was not written, else retry once and stay up for SSH as nest',
        {
          minutes: String(Math.round(fs.timeoutSeconds / 60)),
          disk: plan.target?.installerName ?? t('the target disk'),
        },
      ),
    );
  }
  row(
    t('Installer'),
    Object.entries(plan.installer.config)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
      .join('; '),
  );
  lines.push(t('Steps'));
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${msg(s)}`));
  for (const w of plan.warnings) row(t('Warning'), msg(w));
  for (const b of plan.blockers)
    row(t('BLOCKED'), b.remedy ? t('{problem}: {remedy}', { problem: msg(b.message), remedy: msg(b.remedy) }) : msg(b.message));
  return lines.join('\n');
}

function sourceName(source: Plan['release']['source'], { t }: Translator): string {
  return { stream: t('stream'), iso: t('ISO'), 'release-dir': t('release directory'), urls: t('given files') }[source];
}

function hashSourceName(source: string | undefined, { t }: Translator): string {
  switch (source) {
    case 'stream':
      return t('stream');
    case 'user':
      return t('given');
    case 'release-dir':
      return t('release directory');
    case 'iso':
      return t('ISO');
    case 'checksums':
      return t('checksum file');
    default:
      return source ?? '?';
  }
}

function trustName(verifiedBy: NonNullable<Plan['release']['artifacts']['kernel']['verifiedBy']>, { t }: Translator): string {
  return {
    tls: t('verified: the hash came over https with a checked certificate'),
    'user-hash': t('verified: the hash was given by you'),
    manifest: t('verified: release.json matched --release-manifest-sha256'),
    signature: t('verified: signature checked with --signing-key'),
    local: t('verified: a file on this machine'),
    none: t('NOT VERIFIED: nothing trusted vouches for this file (--allow-unverified-artifacts)'),
  }[verifiedBy];
}

export function roleName(role: 'kernel' | 'initramfs' | 'rootfs', { t }: Translator): string {
  return { kernel: t('kernel'), initramfs: t('initramfs'), rootfs: t('rootfs') }[role];
}

export function networkMode(mode: Plan['network']['mode'], { t }: Translator): string {
  return { keep: t('keep'), dhcp: t('dhcp'), none: t('none') }[mode];
}
