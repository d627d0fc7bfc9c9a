import { downtimeOf } from '../../../domain/mrs3/procedure.js';
import { planChangesAnything } from '../../../domain/plan.js';
import { InterruptedError, UsageError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import type { LinkState } from '../../link/context.js';
import { mrs3Changing, roleOf } from '../roles.js';

/** What the 3.x console procedure interrupts, per side (shown before the typed confirmation). */
export function downtimeLines(s: LinkState): string[] {
  return mrs3Changing(s).flatMap((name) => {
    const what = downtimeOf(roleOf(s, name));
    return what ? [`${name}: ${what}`] : [];
  });
}

/**
 * The downtime of the 3.x procedure ("all clusters need to be stopped, causing service
 * interruptions") has its own confirmation, separate from the plan's `--yes`: typed on a
 * terminal, or `--allow-downtime` without one. The CLI refuses a missing flag (exit 2) before any
 * call; this step asks on the terminal and is the last guard.
 */
export const confirmDowntime: Step<LinkState> = {
  id: 'confirm-downtime',
  title: 'Confirm the downtime of the MRS 3.x procedure',
  skipIfDoneBefore: true,
  skip(s) {
    if (s.request.dryRun) return 'dry run';
    if (!s.plan || !planChangesAnything(s.plan)) return 'nothing to change';
    if (downtimeLines(s).length === 0) return 'no downtime (the accessed side of a one-way trust)';
    return undefined;
  },
  async run(s) {
    if (s.request.allowDowntime) return { message: `confirmed by --allow-downtime: ${downtimeLines(s).join('; ')}` };
    const ask = s.deps.mrs3?.confirmDowntime;
    if (!ask) throw new UsageError('DOWNTIME_NOT_CONFIRMED', `the MRS 3.x procedure interrupts service (${downtimeLines(s).join('; ')}); without a terminal it needs --allow-downtime`, { hint: 'pass --allow-downtime (separate from --yes), or run on a terminal to confirm it there' });
    if (!(await ask(downtimeLines(s)))) throw new InterruptedError('cancelled at the downtime confirmation; nothing was changed');
    return { message: `confirmed on the terminal: ${downtimeLines(s).join('; ')}` };
  },
};
