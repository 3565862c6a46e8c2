/**
 * The outcome the live system's failsafe left in the work directory after a failed attempt
 * (src/payload/failsafe-script.ts writes it when the disk was untouched and it rebooted back here).
 * `x2nestos status` shows it as `lastAttempt`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OUTCOME_FILE } from '../payload/failsafe.js';

export interface LastAttempt {
  /** When the live system gave up (its clock, UTC). */
  at: string;
  /** installer-failed | timeout */
  reason: string;
  /** missing | untouched | touched | unknown */
  disk: string;
  /** rebooted | retried | stayed-up */
  action: string;
  destDevice: string;
  /** The failsafe's one-line summary, as shown on the live system's consoles. */
  message: string;
  /** The installer's last error line, when the live journal had one. */
  installerSaid?: string;
}

export type LastAttemptResult = { found: false } | { found: true; attempt: LastAttempt } | { found: true; unreadable: string };

export async function readLastAttempt(workDir: string): Promise<LastAttemptResult> {
  let text: string;
  try {
    text = await readFile(path.join(workDir, OUTCOME_FILE), 'utf8');
  } catch {
    return { found: false };
  }
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    const field = (k: string) => (typeof doc[k] === 'string' ? doc[k] : '');
    if (doc.version !== 1 || !field('message'))
      return { found: true, unreadable: `${OUTCOME_FILE} is not a failsafe outcome this version reads` };
    const said = field('installerSaid');
    return {
      found: true,
      attempt: {
        at: field('at'),
        reason: field('reason'),
        disk: field('disk'),
        action: field('action'),
        destDevice: field('destDevice'),
        message: field('message'),
        ...(said ? { installerSaid: said } : {}),
      },
    };
  } catch {
    return { found: true, unreadable: `${OUTCOME_FILE} is not valid JSON` };
  }
}

/** One line for people: what failed and what became of this system. */
export function describeLastAttempt(a: LastAttempt): string {
  const then =
    a.action === 'rebooted'
      ? 'your system was rebooted unchanged'
      : a.action === 'retried'
        ? 'the install was retried'
        : 'the live system stayed up for SSH as nest';
  const said = a.installerSaid ? ` (installer: ${a.installerSaid})` : '';
  return `${a.at || 'at an unknown time'}: ${a.message}${said}; ${then}`;
}
