import { hasPhase } from '../../../domain/mrs3/checklist.js';
import { CheckError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { sides, type LinkState } from '../../link/context.js';
import { checklistOf, unconfirm } from '../checklists.js';
import { mrs3Sides, resumeCommand, roleOf } from '../roles.js';

const DEFAULT_START_TIMEOUT_MS = 15 * 60_000;

/**
 * After "start all clusters" (or the restart of the configuration-expired instances): every
 * service of the side must report GOOD again, polled up to the bound. Services still not healthy
 * name the step that was not done (or has not finished).
 */
export const waitHealthy: Step<LinkState> = {
  id: 'wait-healthy',
  title: 'Wait for every service of the MRS 3.x side to be healthy again',
  scopes: sides,
  skip(s, scope) {
    if (!mrs3Sides(s).includes(scope as string)) return 'MRS 2.x side: the restart step waited for KrbServer';
    if (!hasPhase(roleOf(s, scope as string), 'start')) return 'the accessed side of a one-way trust was not restarted';
    return s.request.dryRun ? 'dry run: nothing was stopped' : undefined;
  },
  async run(s, scope) {
    const name = scope as string;
    const manager = s.managers[name] as NonNullable<LinkState['managers'][string]>;
    const bound = s.deps.mrs3?.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = s.deps.clock.now().getTime() + bound;
    let delay = 500;
    for (;;) {
      const services = await manager.readHealth();
      const bad = services.filter((x) => x.health !== 'GOOD');
      if (services.length > 0 && bad.length === 0) return { message: `${services.length} services GOOD` };
      if (s.deps.clock.now().getTime() >= deadline) {
        const checklist = checklistOf(s, name, 'start');
        await unconfirm(s, checklist.id);
        const list = bad.map((x) => `${x.name} (${x.health})`).join(', ') || 'no services listed';
        throw new CheckError('CLUSTERS_NOT_STARTED', `${name}: services not healthy after ${Math.round(bound / 1000)} s: ${list} — missing step: ${checklist.title} (${checklist.phase === 'start' && roleOf(s, name) === 'one-way-local' ? 'More > Restart Configuration-Expired Instances' : 'home page > each cluster > Start'})`, {
          hint: `finish that step in ${name}'s FusionInsight Manager until every service is healthy, then run \`${resumeCommand(s)}\``,
          details: { cluster: name, step: checklist.id, unhealthy: bad },
        });
      }
      s.deps.events.emit({ type: 'step-progress', step: 'wait-healthy', scope: name, message: `waiting for ${bad.length} service(s): ${bad.slice(0, 3).map((x) => `${x.name} ${x.health}`).join(', ')}` });
      await s.deps.clock.sleep(Math.min(delay, Math.max(0, deadline - s.deps.clock.now().getTime())), s.deps.signal);
      delay = Math.min(4000, Math.round(delay * 1.5));
    }
  },
};
