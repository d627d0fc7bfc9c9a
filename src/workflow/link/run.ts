import type { PeerChange } from '../../domain/peers.js';
import type { Plan } from '../../domain/plan.js';
import { InterruptedError, UsageError, isMrsTrustError } from '../../errors/index.js';
import type { Manager } from '../../ports/manager.js';
import { runManagers, type RecordedWrite } from '../dry-run.js';
import { DONE_IN_RESUMED_RUN, runSteps, type EngineIo, type Step, type StepReport } from '../engine.js';
import { link3Steps } from '../link3/steps.js';
import { usesMrs3 } from '../link3/roles.js';
import { rollbackSteps } from '../rollback/steps.js';
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
    ...(side.rollback ? { rollback: side.rollback.outcome } : {}),
    ...(side.mrs3 ? { mrs3: side.mrs3.role } : {}),
  }));
  const manual = Object.entries(s.journal.snapshot.manualSteps ?? {}).map(([id, r]) => ({ id, cluster: r.cluster, phase: r.phase, confirmed: Boolean(r.confirmedAt), ...(r.confirmedBy ? { confirmedBy: r.confirmedBy } : {}), lines: r.lines }));
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
    ...(s.removedRules ? { securityGroupRulesRemoved: s.removedRules } : {}),
    ...(s.request.resume ? { resumedRun: s.request.resume.runId } : {}),
    ...(s.request.oneWay ? { oneWay: true } : {}),
    ...(manual.length > 0 ? { manualSteps: manual } : {}),
  };
}

function validate(deps: LinkDeps, request: LinkRequest): void {
  if (request.a === request.b) throw new UsageError('SAME_CLUSTER', `cannot ${request.action} ${request.a} with itself`, { hint: 'name two different clusters' });
  for (const name of [request.a, request.b]) {
    if (!deps.clusters[name] || !deps.managers[name]) throw new UsageError('UNKNOWN_CLUSTER', `no cluster "${name}"`);
  }
}

/** The step list of a run: rollback's, link's, or — when a side is MRS 3.x in clusters.yaml — the assisted 3.x procedure's. */
export function stepsFor(deps: Pick<LinkDeps, 'clusters'>, request: LinkRequest): readonly Step<LinkState>[] {
  if (request.action === 'rollback') return rollbackSteps;
  return usesMrs3(deps, request) ? link3Steps : linkSteps;
}

/** The hint of an interrupted run that may have written: how to go on or go back. */
function interruptedHint(error: unknown, request: LinkRequest, wrote: boolean): unknown {
  if (!wrote || !isMrsTrustError(error) || error.code !== 'INTERRUPTED') return error;
  const pair = `${request.a} ${request.b}`;
  return new InterruptedError(error.message, { cause: error, hint: `the journal is written: \`mrs-trust resume ${pair}\` continues, \`mrs-trust rollback ${pair}\` undoes what was written` });
}

function startJournal(deps: LinkDeps, request: LinkRequest, names: string[]): Promise<RunJournal> {
  if (request.resume) return RunJournal.continue(deps.journal, deps.clock, request.resume);
  return RunJournal.start(deps.journal, deps.clock, { action: request.action, clusters: names, dryRun: request.dryRun, runId: deps.newRunId() }).then((r) => r.journal);
}

function engineIo(deps: LinkDeps, request: LinkRequest, journal: RunJournal, lost: { error?: Error }): EngineIo {
  // A run resumed more than once (a 3.x run stops at each console checklist): a step skipped as
  // done in an earlier resume is still done.
  const finished = new Set((request.resume?.steps ?? []).filter((st) => st.status === 'done' || (st.status === 'skipped' && st.message === DONE_IN_RESUMED_RUN)).map((st) => `${st.id}|${st.scope ?? ''}`));
  return {
    events: deps.events,
    journal,
    signal: deps.signal,
    dryRun: request.dryRun,
    doneBefore: (id, scope) => finished.has(`${id}|${scope ?? ''}`),
    guard: () => {
      if (lost.error) throw lost.error;
    },
  };
}

/** Logs out of every Manager once, however often it is asked (the end of the steps, then `finally`). */
function logoutOnce(managers: Manager[]): () => Promise<unknown> {
  let out: Promise<unknown> | undefined;
  return () => (out ??= Promise.allSettled(managers.map((m) => m.logout())));
}

/** Unlocks while the logouts finish (neither waits for the other); a failed unlock is reported, as before. */
async function closeRun(lock: { release(): Promise<void> } | undefined, logout: () => Promise<unknown>): Promise<void> {
  const [released] = await Promise.allSettled([lock?.release(), logout()]);
  if (released?.status === 'rejected') throw released.reason;
}

/**
 * Runs `link`, `unlink` or `rollback` for one pair (also for `apply` and `resume`, with a given
 * plan): lock both clusters (sorted), journal every step, run the steps, and always log out and
 * unlock. A dry run takes no locks and writes no journal.
 */
export async function runLink(deps: LinkDeps, request: LinkRequest): Promise<{ result: LinkResult; plan?: Plan }> {
  validate(deps, request);
  const names = [request.a, request.b];
  const lost: { error?: Error } = {};
  let lock: Awaited<ReturnType<LinkDeps['locks']['acquire']>> | undefined;
  const writes: RecordedWrite[] = [];
  const managers = runManagers(deps.managers, names, { signal: deps.signal, dryRun: request.dryRun, writes });
  const logout = logoutOnce(names.map((n) => deps.managers[n] as Manager));
  try {
    // Inside the try: a busy lock still logs out of a session the CLI opened early.
    lock = request.dryRun ? undefined : await deps.locks.acquire(names, { command: `${request.action} ${names.join(' ')}` }, { onCompromised: (error) => (lost.error = error) });
    const journal = await startJournal(deps, request, names);
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
      // Once the last step has run, no Manager is called any more and the run is done: the
      // logouts start, and the final status joins the journal writes still on their way (one
      // write less at the end). A write that fails after all is the run's error (catch below).
      let done: Promise<void> = Promise.resolve();
      const stepsDone = () => {
        void logout();
        done = journal.update((doc) => {
          doc.status = 'done';
        });
        done.catch(() => undefined);
      };
      const steps = await runSteps(stepsFor(deps, request), state, { ...engineIo(deps, request, journal, lost), stepsDone });
      await done;
      return { result: buildResult(state, steps), ...(state.plan ? { plan: state.plan } : {}) };
    } catch (error) {
      const interrupted = isMrsTrustError(error) && error.code === 'INTERRUPTED';
      // The run's own error is the one to report, even when the journal cannot take this last write.
      await journal
        .update((doc) => {
          doc.status = interrupted ? 'interrupted' : 'failed';
        })
        .catch(() => undefined);
      const wrote = journal.snapshot.steps.some((st) => st.undo?.kind === 'peer-change') || journal.snapshot.restartPending.length > 0;
      throw interruptedHint(error, request, wrote && !request.dryRun);
    }
  } finally {
    await closeRun(lock, logout);
  }
}
