import { buildLinkPlan, buildUnlinkPlan, planChangesAnything } from '../../../domain/plan.js';
import { InterruptedError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import type { LinkState } from '../context.js';

/** Computes the one plan for both sides and asks for confirmation when it changes anything. */
export const plan: Step<LinkState> = {
  id: 'plan',
  title: 'Compute the plan for both clusters',
  async run(s) {
    const a = s.facts[s.request.a];
    const b = s.facts[s.request.b];
    if (!a || !b) throw new Error('plan before discover');
    const clientHosts = Object.fromEntries(Object.values(s.deps.clusters).map((c) => [c.name, c.clientHosts]));
    const build = s.request.action === 'link' ? buildLinkPlan : buildUnlinkPlan;
    const computed = build(a, b, { clientHosts });
    s.plan = computed;
    for (const side of computed.sides) if (side.restart.length > 0) s.restartPending.add(side.cluster);
    await s.journal.update((doc) => {
      doc.plan = computed;
    });
    const changes = planChangesAnything(computed);
    if (!changes) return { message: 'nothing to change: both sides are already as planned' };
    if (s.request.dryRun) return { message: 'dry run: not asking for confirmation' };
    const yes = await s.deps.confirm(computed);
    if (!yes) throw new InterruptedError('cancelled at the confirmation; nothing was written');
    return { message: 'confirmed' };
  },
};
