/**
 * The post-install hook that fixes the firmware's boot menu (issue 14.1). It runs in the live
 * system, not on this host: only there does the new ESP exist, and only after the installer wrote
 * it. Neither nestos-installer nor the installed system touches NVRAM (contract §10), so without
 * it BootOrder still names the old system's loader on a disk that no longer holds it.
 */
import type { LiveFile, LiveUnit } from '../ignition/live-config.js';
import type { BootEntriesPlan } from '../model/payload.js';
import {
  BOOT_ENTRIES_ENV_PATH,
  BOOT_ENTRIES_SCRIPT,
  BOOT_ENTRIES_SCRIPT_PATH,
  BOOT_ENTRIES_UNIT,
  BOOT_ENTRIES_UNIT_TEXT,
} from './boot-entries-script.js';

export { BOOT_ENTRIES_ENV_PATH, BOOT_ENTRIES_SCRIPT_PATH, BOOT_ENTRIES_UNIT };

/** Single-quoted for sh; the values are device names, GUIDs and fixed words, but never trust that. */
function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function bootEntriesEnv(plan: BootEntriesPlan, destDevice: string): string {
  const vars: [string, string][] = [
    ['DEST', destDevice],
    ['ARCH_SUFFIX', plan.archSuffix],
    ['FALLBACK', plan.fallbackLoader],
    ['OLD_GUIDS', plan.oldPartitionGuids.join(' ')],
    ['MODE', plan.action === 'demote' ? 'demote' : 'replace'],
    ['LABEL', plan.label],
  ];
  return vars.map(([k, v]) => `${k}=${shellWord(v)}\n`).join('');
}

export function bootEntriesLive(plan: BootEntriesPlan, destDevice: string): { files: LiveFile[]; units: LiveUnit[] } {
  if (plan.action === 'none') return { files: [], units: [] };
  return {
    files: [
      { path: BOOT_ENTRIES_SCRIPT_PATH, mode: 0o700, contents: BOOT_ENTRIES_SCRIPT },
      { path: BOOT_ENTRIES_ENV_PATH, mode: 0o600, contents: bootEntriesEnv(plan, destDevice) },
    ],
    units: [{ name: BOOT_ENTRIES_UNIT, enabled: true, contents: BOOT_ENTRIES_UNIT_TEXT }],
  };
}
