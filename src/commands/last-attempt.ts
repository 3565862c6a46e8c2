/**
 * The part of `x2nestos status` that explains a failed attempt: what the live system's failsafe
 * left in the work directory before it rebooted back into this system (`status.lastAttempt`).
 */
import { describeLastAttempt, readLastAttempt } from '../stage/outcome.js';
import type { Context } from './context.js';

export async function lastAttemptStatus(ctx: Context): Promise<void> {
  const result = await readLastAttempt(ctx.workDir);
  const status = ctx.doc.status;
  if (status) status.lastAttempt = !result.found ? null : 'attempt' in result ? result.attempt : { unreadable: result.unreadable };
  if (!result.found) return;
  ctx.reporter.show(
    'attempt' in result
      ? `Attempt     ${describeLastAttempt(result.attempt)}`
      : `Attempt     the live system left an outcome that cannot be read (${result.unreadable})`,
  );
}
