/**
 * The live system's failsafe as planned: which units and files go into the live config, what the
 * failsafe will be able to tell, and what the plan must warn about when it cannot (issue 13).
 */
import type { FailsafeFacts } from '../facts/failsafe.js';
import type { LiveFile, LiveUnit } from '../ignition/live-config.js';
import { failsafeFiles, failsafeUnits, LIVE_UNIT_NAMES, nestKeysOf, OUTCOME_FILE } from '../payload/failsafe.js';
import { installRecordLive } from '../payload/install-record.js';
import type { LiveFailsafe, TargetDisk } from './types.js';

export interface FailsafeInputs {
  facts: FailsafeFacts | undefined;
  target: TargetDisk | undefined;
  destIgnition: Uint8Array | undefined;
  timeoutSeconds: number;
  workDir: string;
  toolVersion: string;
  /** The converted host as the install record names it: "web01 (CentOS Linux 7)". */
  sourceHost: string;
}

export interface PlannedFailsafe {
  summary: LiveFailsafe;
  files: LiveFile[];
  units: LiveUnit[];
  warnings: string[];
}

export function planFailsafe(input: FailsafeInputs): PlannedFailsafe {
  const warnings: string[] = [];
  const disk = input.facts?.disk;
  const fingerprint = disk?.ok ? disk.fingerprint : undefined;
  const outcome = input.facts?.outcomeFs;
  const outcomeFs = outcome?.ok ? outcome.fs : undefined;
  const nestKeys = input.destIgnition ? nestKeysOf(input.destIgnition) : [];
  const dest = input.target?.installerName ?? '(none)';

  if (disk && !disk.ok) {
    warnings.push(
      `the failsafe cannot tell later whether the installer wrote to ${dest} (${disk.reason}): if the install fails, the live system stays up instead of rebooting into this system`,
    );
  }
  if (outcome && !outcome.ok) {
    warnings.push(
      `the failsafe cannot leave its outcome where this system reads it (${outcome.reason}): after a failed attempt, \`x2nestos status\` cannot explain it`,
    );
  }
  if (input.destIgnition && nestKeys.length === 0) {
    warnings.push(
      'the Ignition config gives nest no SSH key: if the install fails after writing, nobody can log in to the live system to look',
    );
  }

  const summary: LiveFailsafe = {
    timeoutSeconds: input.timeoutSeconds,
    installerUnit: LIVE_UNIT_NAMES.installer,
    units: [LIVE_UNIT_NAMES.failsafe, LIVE_UNIT_NAMES.timer],
    diskCheck: fingerprint ? { device: fingerprint.device, regions: fingerprint.regions } : null,
    outcomeFile: outcomeFs
      ? { uuid: outcomeFs.uuid, fsType: outcomeFs.fsType, path: `${input.workDir.replace(/\/+$/, '')}/${OUTCOME_FILE}` }
      : null,
    nestKeys: nestKeys.length,
  };
  const files = failsafeFiles({
    destDevice: dest,
    fingerprint,
    outcomeFs,
    timeoutSeconds: input.timeoutSeconds,
    nestKeys,
    toolVersion: input.toolVersion,
  });
  // After a successful install, the story (attempts, the failsafe's verdicts) goes to NestOS's journal.
  const record = installRecordLive({ destDevice: dest, toolVersion: input.toolVersion, sourceHost: input.sourceHost });
  return { summary, files: [...files, ...record.files], units: [...failsafeUnits(input.timeoutSeconds), ...record.units], warnings };
}
