import { KRB_SERVICE } from '../../../domain/plan.js';
import type { ClusterFacts } from '../../../domain/facts.js';
import type { Manager } from '../../../ports/manager.js';
import type { Step } from '../../engine.js';
import { pendingRestartEvidence } from '../../restart-krb.js';
import type { RunJournal } from '../../run-journal.js';
import { sides, type LinkState } from '../context.js';

/** What the check needs; `link` and `mesh` states both have it. */
export interface PendingRestartContext {
  journal: RunJournal;
  managers: Record<string, Manager>;
  facts: Record<string, ClusterFacts>;
  restartPending: Set<string>;
  deps: { signal: AbortSignal };
}

/**
 * A restart left pending by an earlier run that evidently happened since (its journaled command
 * COMPLETE, KrbServer GOOD: restart-krb.ts `pendingRestartEvidence`) is cleared before planning,
 * so the run neither asks for it nor restarts again. Read-only towards the cluster.
 */
export const pendingRestartOne: Omit<Step<PendingRestartContext>, 'scopes'> = {
  id: 'check-pending-restart',
  // Reads the Manager; what it clears is the journal's own record, written (and awaited) by itself.
  readOnly: true,
  title: 'Check whether a restart left pending has happened since',
  skip: (s, scope) => (s.restartPending.has(scope as string) ? undefined : 'no restart pending'),
  async run(s, scope) {
    const name = scope as string;
    const manager = s.managers[name];
    if (!manager) throw new Error(`no cluster ${name} in the run`);
    const health = s.facts[name]?.services.find((x) => x.name === KRB_SERVICE)?.health;
    const evidence = await pendingRestartEvidence({ manager, journal: s.journal, signal: s.deps.signal }, name, health);
    if (evidence.done) s.restartPending.delete(name);
    return { message: evidence.message };
  },
};

/** link, unlink, rollback, resume, apply: both sides. */
export const checkPendingRestart: Step<LinkState> = { ...pendingRestartOne, scopes: sides };
