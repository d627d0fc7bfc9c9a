import { hasPhase } from '../../../domain/mrs3/checklist.js';
import { CheckError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { sides, type LinkState } from '../../link/context.js';
import { checklistOf, unconfirm } from '../checklists.js';
import { notOnThisSide, resumeCommand, roleOf } from '../roles.js';

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
    const none = notOnThisSide(s, scope as string);
    if (none) return none;
    if (!hasPhase(roleOf(s, scope as string), 'start')) return 'the accessed side of a one-way trust was not restarted';
    return s.request.dryRun ? 'dry run: nothing was stopped' : undefined;
  },
  async run(s, scope) {
    const name = scope as string;
    const bound = s.deps.mrs3?.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = s.deps.clock.now().getTime() + bound;
    let delay = 500;
    for (;;) {
      const found = await notStarted(s, name);
      if (found.ok) return { message: found.message };
      if (s.deps.clock.now().getTime() >= deadline) {
        const checklist = checklistOf(s, name, 'start');
        await unconfirm(s, checklist.id);
        const how = roleOf(s, name) === 'one-way-local' ? 'More > Restart Configuration-Expired Instances' : 'home page > each cluster > Start';
        throw new CheckError('CLUSTERS_NOT_STARTED', `${name}: ${found.message} after ${Math.round(bound / 1000)} s — missing step: ${checklist.title} (${how})`, {
          hint: `finish that step in ${name}'s FusionInsight Manager, then run \`${resumeCommand(s)}\``,
          details: { cluster: name, step: checklist.id },
        });
      }
      s.deps.events.emit({ type: 'step-progress', step: 'wait-healthy', scope: name, message: `waiting: ${found.message}` });
      await s.deps.clock.sleep(Math.min(delay, Math.max(0, deadline - s.deps.clock.now().getTime())), s.deps.signal);
      delay = Math.min(4000, Math.round(delay * 1.5));
    }
  },
};

/**
 * Is the side started again? Where the Manager lists services, every one must be GOOD. A 3.x
 * Manager lists none (no public call): then its KDCs must answer the Kerberos probe of the
 * network pre-check (KrbServer runs only in a started cluster); without the pre-check the
 * ticket test is what proves it, and the message says so.
 */
async function notStarted(s: LinkState, name: string): Promise<{ ok: boolean; message: string }> {
  const services = await (s.managers[name] as NonNullable<LinkState['managers'][string]>).readHealth();
  if (services.length > 0) {
    const bad = services.filter((x) => x.health !== 'GOOD');
    return bad.length === 0 ? { ok: true, message: `${services.length} services GOOD` } : { ok: false, message: `services not healthy: ${bad.map((x) => `${x.name} (${x.health})`).join(', ')}` };
  }
  const a = s.facts[s.request.a];
  const b = s.facts[s.request.b];
  if (!s.deps.precheck || s.request.skipPrecheck || !a || !b) return { ok: true, message: 'service health is not readable on MRS 3.x and the network pre-check is off: the ticket test proves the KDCs answer' };
  const problems = (await s.deps.precheck.run(a, b)).problems.filter((p) => p.cluster === name && /kdc/i.test(`${p.code} ${p.message}`));
  return problems.length === 0 ? { ok: true, message: 'every KDC answers the Kerberos probe (service health is not readable on MRS 3.x)' } : { ok: false, message: `KDCs do not answer: ${problems.map((p) => p.message).join('; ')}` };
}
