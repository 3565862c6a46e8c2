/** `x2nestos plan` / `--dry-run`: everything up to the plan, then stop. Changes nothing. */
import { X2Error } from '../errors.js';
import { renderPlan } from '../output/render-plan.js';
import { prepare } from './prepare.js';
import type { Context } from './context.js';

export async function plan(ctx: Context): Promise<void> {
  const { result } = await prepare(ctx, 'plan');
  ctx.reporter.show(renderPlan(result.plan));
  ctx.doc.result = 'planned';
  throwFirstBlocker(result.plan.blockers);
}

/** The plan lists every blocker; the exit code comes from the first. */
export function throwFirstBlocker(blockers: { kind: X2Error['kind']; message: string; remedy?: string }[]): void {
  const first = blockers[0];
  if (!first) return;
  const more = blockers.length > 1 ? ` (${blockers.length - 1} more problem${blockers.length > 2 ? 's' : ''} listed above)` : '';
  throw new X2Error(first.kind, first.message + more, first.remedy ? { remedy: first.remedy } : {});
}
