/**
 * The failsafe of the live system (issue 13): after the switch, a failed or stuck install must not
 * leave a remote server at an emergency shell nobody can reach (contract §9). Through the live
 * Ignition config the live system gets:
 *
 * - a drop-in on the installer's service that replaces its `OnFailure=emergency.target` with the
 *   failsafe, and pulls in a deadline timer (default 30 min);
 * - the failsafe unit, which runs one script: if the destination disk was never written (the bytes
 *   outside its partitions still hash as the host recorded them, or the disk is not there at all),
 *   it records the outcome on the old system's filesystem and reboots, so the firmware boots the
 *   old system unchanged; if the disk was written, it retries the install once, then stays up,
 *   reachable over SSH as `nest` with the destination config's keys, and says so on every console.
 */
import type { DiskFingerprint } from '../facts/disk-fingerprint.js';
import type { OutcomeFilesystem } from '../facts/outcome-fs.js';
import { decodeDataUrl } from '../ignition/data-url.js';
import type { LiveFile, LiveUnit } from '../ignition/live-config.js';
import { failsafeScript } from './failsafe-script.js';

/**
 * Unit names of the live system, in one place. Contract §9: nestos-installer 0.20 and nestos-config
 * 24.03 ship `nestos-installer.service` (Fedora CoreOS: coreos-installer.service), and the generator
 * links default.target to `nestos-installer-post.target`, whose start runs the installer and then
 * its reboot unit again. sshd and NetworkManager are in the live image but not started during an
 * automated install (multi-user.target is never reached), so the failsafe starts them itself.
 */
export const LIVE_UNIT_NAMES = {
  installer: 'nestos-installer.service',
  installerChain: 'nestos-installer-post.target',
  sshd: 'sshd.service',
  network: 'NetworkManager.service',
  failsafe: 'x2nestos-failsafe@.service',
  timer: 'x2nestos-failsafe.timer',
} as const;

export const FAILSAFE_DROPIN = '50-x2nestos-failsafe.conf';
export const FAILSAFE_SCRIPT_PATH = '/etc/x2nestos/failsafe';
export const FAILSAFE_KEYS_PATH = '/etc/x2nestos/nest-authorized-keys';
/** The file the failsafe leaves in the work directory of the old system; `x2nestos status` reads it. */
export const OUTCOME_FILE = 'x2nestos-outcome.json';
/** In the live system's failsafe state dir: every outcome, one JSON line each (read by the install record). */
export const OUTCOME_HISTORY = 'outcomes.jsonl';

/** The failsafe unit's instance names: why it was started. */
export const FAILSAFE_REASONS = { failed: 'installer-failed', timeout: 'timeout' } as const;

export interface FailsafeInputs {
  /** The installer's stable name of the destination disk (as in `dest-device`). */
  destDevice: string;
  /** What the host read outside the disk's partitions; undefined when it could not. */
  fingerprint: DiskFingerprint | undefined;
  /** Where the outcome goes on the old system; undefined when the live system could not reach it. */
  outcomeFs: OutcomeFilesystem | undefined;
  timeoutSeconds: number;
  /** Public keys of `nest` in the destination config, for SSH into the live system. */
  nestKeys: string[];
  toolVersion: string;
}

export function failsafeInstance(reason: string): string {
  return LIVE_UNIT_NAMES.failsafe.replace('@.', `@${reason}.`);
}

export function failsafeUnits(timeoutSeconds: number): LiveUnit[] {
  const names = LIVE_UNIT_NAMES;
  return [
    {
      name: names.installer,
      dropins: [
        {
          name: FAILSAFE_DROPIN,
          contents: [
            "# Written by x2nestos: the installer's own OnFailure=emergency.target would leave a remote",
            '# server at a console nobody reaches. The empty assignment resets that list first.',
            '[Unit]',
            'OnFailure=',
            `OnFailure=${failsafeInstance(FAILSAFE_REASONS.failed)}`,
            `Wants=${names.timer}`,
            '',
          ].join('\n'),
        },
      ],
    },
    {
      name: names.failsafe,
      contents: [
        '# Written by x2nestos: decides what happens after a failed or stuck install.',
        '[Unit]',
        'Description=x2nestos failsafe (%i): reboot into the untouched old system, or stay reachable',
        '',
        '[Service]',
        'Type=oneshot',
        `ExecStart=/bin/sh ${FAILSAFE_SCRIPT_PATH} %i`,
        // The script itself only waits for dd over a few MiB and for a mount; never forever.
        'TimeoutStartSec=10min',
        'StandardOutput=journal+console',
        'StandardError=journal+console',
        'SyslogIdentifier=x2nestos-failsafe',
        '',
      ].join('\n'),
    },
    {
      name: names.timer,
      contents: [
        '# Written by x2nestos: the installer gets this long from boot before the failsafe looks.',
        '[Unit]',
        `Description=x2nestos failsafe deadline (${timeoutSeconds}s after boot)`,
        '',
        '[Timer]',
        `OnBootSec=${timeoutSeconds}s`,
        'AccuracySec=1s',
        `Unit=${failsafeInstance(FAILSAFE_REASONS.timeout)}`,
        '',
      ].join('\n'),
    },
  ];
}

export function failsafeFiles(input: FailsafeInputs): LiveFile[] {
  const files: LiveFile[] = [{ path: FAILSAFE_SCRIPT_PATH, mode: 0o700, contents: failsafeScript(input) }];
  if (input.nestKeys.length > 0) files.push({ path: FAILSAFE_KEYS_PATH, mode: 0o600, contents: input.nestKeys.join('\n') + '\n' });
  return files;
}

/**
 * The `nest` user's SSH keys in a destination config (spec 3.x), including configs it merges or
 * replaces through data: URLs (x2nestos's own additions wrap the user's config that way). Keys in
 * configs fetched from elsewhere are not known here.
 */
export function nestKeysOf(destIgnition: Uint8Array, depth = 0): string[] {
  type Config = {
    ignition?: { config?: { merge?: { source?: unknown }[]; replace?: { source?: unknown } } };
    passwd?: { users?: { name?: unknown; sshAuthorizedKeys?: unknown }[] };
  };
  let config: Config;
  try {
    config = JSON.parse(Buffer.from(destIgnition).toString('utf8')) as Config;
  } catch {
    return [];
  }
  const own = (config.passwd?.users ?? [])
    .filter((u) => u.name === 'nest')
    .flatMap((u) => (Array.isArray(u.sshAuthorizedKeys) ? (u.sshAuthorizedKeys as unknown[]) : []));
  const children = depth < 3 ? [...(config.ignition?.config?.merge ?? []), config.ignition?.config?.replace].map((r) => r?.source) : [];
  const inner = children.flatMap((source) => {
    if (typeof source !== 'string' || !source.startsWith('data:')) return [];
    try {
      return nestKeysOf(decodeDataUrl(source).data, depth + 1);
    } catch {
      return [];
    }
  });
  // One key a line: a key with a line break would smuggle a second line into authorized_keys.
  const keys = [...own, ...inner]
    .filter((k): k is string => typeof k === 'string' && k.trim() !== '' && !/[\r\n]/.test(k))
    .map((k) => k.trim());
  return [...new Set(keys)];
}
