import type { PeerChange } from '../../domain/peers.js';
import type { Plan } from '../../domain/plan.js';
import { UsageError, isMrsTrustError } from '../../errors/index.js';
import type { Manager } from '../../ports/manager.js';
import { recordingManager, type RecordedWrite } from '../dry-run.js';
import { runSteps, type StepReport } from '../engine.js';
import { RunJournal } from '../run-journal.js';
import type { LinkDeps, LinkRequest, LinkState } from './context.js';
import type { LinkResult } from './result.js';
import { linkSteps } from './steps.js';

function changeEntries(change: PeerChange) {
  switch (change.kind) {
    case 'added':
      return { after: change.after };
    case 'updated':
      return { before: change.before, after: change.after };
    case 'removed':
      return { before: change.before };
    case 'unchanged':
      return { before: change.entry, after: change.entry };
    default:
      return {};
  }
}

function buildResult(s: LinkState, steps: StepReport[]): LinkResult {
  const plan = s.plan;
  const sidesOut = (plan?.sides ?? []).map((side) => ({
    cluster: side.cluster,
    realm: side.realm,
    change: side.change.kind,
    peer: side.change.realm,
    ...changeEntries(side.change),
    peersAfter: side.peersAfter,
    // A dry run's recorded restart is not a restart.
    restarted: !s.request.dryRun && s.restarted.has(side.cluster),
    configVersion: { before: side.configVersion, ...(s.configVersionAfter[side.cluster] ? { after: s.configVersionAfter[side.cluster] } : {}) },
  }));
  return {
    ok: true,
    action: s.request.action,
    clusters: [s.request.a, s.request.b],
    dryRun: s.request.dryRun,
    changed: sidesOut.some((x) => x.change === 'added' || x.change === 'updated' || x.change === 'removed'),
    sides: sidesOut,
    steps: steps.map(({ id, scope, status, message }) => ({ id, ...(scope ? { scope } : {}), status, ...(message ? { message } : {}) })),
    ...(s.request.dryRun ? { plannedWrites: s.writes } : {}),
    ...(s.precheck ? { precheck: s.precheck } : {}),
    ...(s.clients ? { clients: s.clients } : {}),
    ...(s.tickets ? { tickets: s.tickets } : {}),
  };
}

function validate(deps: LinkDeps, request: LinkRequest): void {
  if (request.a === request.b) throw new UsageError('SAME_CLUSTER', `cannot ${request.action} ${request.a} with itself`, { hint: 'name two different clusters' });
  for (const name of [request.a, request.b]) {
    if (!deps.clusters[name] || !deps.managers[name]) throw new UsageError('UNKNOWN_CLUSTER', `no cluster "${name}"`);
  }
}

/**
 * Runs `link` or `unlink` for one pair: lock both clusters (sorted), journal every step, run the
 * steps, and always log out and unlock. A dry run takes no locks and writes no journal.
 */
export async function runLink(deps: LinkDeps, request: LinkRequest): Promise<{ result: LinkResult; plan?: Plan }> {
  validate(deps, request);
  const names = [request.a, request.b];
  const lock = request.dryRun ? undefined : await deps.locks.acquire(names, { command: `${request.action} ${names.join(' ')}` });
  const writes: RecordedWrite[] = [];
  const managers: Record<string, Manager> = Object.fromEntries(
    names.map((n) => [n, request.dryRun ? recordingManager(deps.managers[n] as Manager, writes) : (deps.managers[n] as Manager)]),
  );
  try {
    const { journal } = await RunJournal.start(deps.journal, deps.clock, { action: request.action, clusters: names, dryRun: request.dryRun, runId: deps.newRunId() });
    const state: LinkState = {
      request,
      deps,
      journal,
      managers,
      writes,
      facts: {},
      restartPending: new Set(journal.snapshot.restartPending.filter((c) => names.includes(c))),
      restarted: new Set(),
      configVersionAfter: {},
      // Principals missing on a side are what link creates; only a real mismatch blocks it.
      parityAllowMissing: true,
    };
    try {
      const steps = await runSteps(linkSteps, state, { events: deps.events, journal, signal: deps.signal });
      await journal.update((doc) => {
        doc.status = 'done';
      });
      return { result: buildResult(state, steps), ...(state.plan ? { plan: state.plan } : {}) };
    } catch (error) {
      const interrupted = isMrsTrustError(error) && error.code === 'INTERRUPTED';
      await journal.update((doc) => {
        doc.status = interrupted ? 'interrupted' : 'failed';
      });
      throw error;
    }
  } finally {
    await Promise.allSettled(names.map((n) => (deps.managers[n] as Manager).logout()));
    await lock?.release();
  }
}
