import pLimit from 'p-limit';
import { pairState, trustMatrix, type MeshPlan } from '../../domain/mesh-plan.js';
import { journalKey } from '../../domain/journal.js';
import type { PeerChange } from '../../domain/peers.js';
import { CheckError, isMrsTrustError, PartialError, UsageError } from '../../errors/index.js';
import type { Manager } from '../../ports/manager.js';
import { runManagers, type RecordedWrite } from '../dry-run.js';
import { runSteps, type StepReport } from '../engine.js';
import { RunJournal } from '../run-journal.js';
import type { MeshDeps, MeshRequest, MeshState } from './context.js';
import type { MeshResult } from './result.js';
import { meshSteps } from './steps.js';
import { discover, type DiscoverAll } from './steps/prepare.js';

const written = (c: PeerChange): c is Extract<PeerChange, { kind: 'added' | 'updated' | 'removed' }> => c.kind === 'added' || c.kind === 'updated' || c.kind === 'removed';

function changeOut(c: PeerChange) {
  if (!written(c)) return [];
  return [{ kind: c.kind, realm: c.realm, ...('before' in c ? { before: c.before } : {}), ...('after' in c ? { after: c.after } : {}) }];
}

function buildResult(s: MeshState, steps: StepReport[]): MeshResult {
  const plan = s.plan as MeshPlan | undefined;
  const action = s.request.dryRun && s.request.action === 'apply' ? 'plan' : s.request.action;
  const sides = (plan?.sides ?? []).map((side) => {
    const failure = s.failed.get(side.cluster);
    const outcome = failure ? 'failed' : side.changes.length === 0 ? 'unchanged' : s.request.dryRun ? 'planned' : 'changed';
    return { cluster: side.cluster, realm: side.realm, changes: side.changes.flatMap(changeOut), peersAfter: side.peersAfter, restarted: !s.request.dryRun && s.restarted.has(side.cluster), outcome, ...(failure ? { error: failure } : {}) } as const;
  });
  return {
    ok: s.failed.size === 0,
    action,
    clusters: s.request.clusters,
    pairs: s.request.pairs.map(([a, b]) => [a, b]),
    dryRun: s.request.dryRun,
    changed: sides.some((x) => x.changes.length > 0),
    sides,
    steps: steps.map(({ id, scope, status, message }) => ({ id, ...(scope ? { scope } : {}), status, ...(message ? { message } : {}) })),
    restarts: Object.fromEntries(s.request.clusters.map((c) => [c, !s.request.dryRun && s.restarted.has(c) ? 1 : 0])),
    ...(s.clients ? { clients: s.clients } : {}),
    ...(s.tickets ? { tickets: s.tickets } : {}),
  };
}

function validate(deps: MeshDeps, request: MeshRequest): void {
  for (const name of request.clusters) if (!deps.clusters[name] || !deps.managers[name]) throw new UsageError('UNKNOWN_CLUSTER', `no cluster "${name}"`);
}

function newState(deps: MeshDeps, request: MeshRequest, journal: RunJournal, writes: RecordedWrite[]): MeshState {
  const managers = runManagers(deps.managers, request.clusters, { signal: deps.signal, dryRun: request.dryRun, writes });
  const limit = pLimit(Math.max(1, request.parallel));
  return {
    request,
    deps,
    journal,
    managers,
    writes,
    facts: {},
    restartPending: new Set(journal.snapshot.restartPending.filter((c) => request.clusters.includes(c))),
    restarted: new Set(),
    configVersionAfter: {},
    failed: new Map(),
    limit: (fn) => limit(fn),
  };
}

/**
 * Runs `mesh apply|resume|rollback` (and `plan` as a dry run): locks every cluster in sorted
 * order, journals every step in `.mrs-trust/journal/<clusters>.json`, runs the steps, and always
 * logs out and unlocks. Clusters that failed leave the run; the rest finish; then exit 5.
 */
export async function runMesh(deps: MeshDeps, request: MeshRequest): Promise<MeshResult> {
  validate(deps, request);
  const names = [...request.clusters].sort();
  const lock = request.dryRun ? undefined : await deps.locks.acquire(names, { command: `mesh ${request.action} ${names.join(' ')}` });
  const writes: RecordedWrite[] = [];
  try {
    const { journal } = await RunJournal.start(deps.journal, deps.clock, { action: `mesh-${request.action}`, clusters: names, dryRun: request.dryRun, runId: deps.newRunId() });
    const state = newState(deps, request, journal, writes);
    if (request.undo) await journal.update((doc) => void (doc.meshUndo = request.undo));
    try {
      const steps = await runSteps(meshSteps, state, { events: deps.events, journal, signal: deps.signal });
      const result = buildResult(state, steps);
      await journal.update((doc) => {
        doc.status = state.failed.size > 0 ? 'failed' : 'done';
      });
      if (state.failed.size > 0) {
        const list = [...state.failed].map(([c, f]) => `${c} (${f.step}: ${f.code})`).join(', ');
        throw new PartialError('MESH_PARTIAL', `${state.failed.size} of ${names.length} clusters failed: ${list}; the others are written, restarted and verified`, {
          hint: `fix the named clusters, then \`mrs-trust mesh resume TOPOLOGY\` (or \`mrs-trust mesh rollback TOPOLOGY\`)`,
          details: { result },
        });
      }
      return result;
    } catch (error) {
      // MESH_PARTIAL is thrown after the journal says so; anything else (a step's error) is recorded here.
      if (!(error instanceof PartialError && error.code === 'MESH_PARTIAL')) {
        const interrupted = isMrsTrustError(error) && error.code === 'INTERRUPTED';
        await journal.update((doc) => {
          doc.status = interrupted ? 'interrupted' : 'failed';
        });
      }
      throw error;
    }
  } finally {
    await Promise.allSettled(names.map((n) => (deps.managers[n] as Manager).logout()));
    await lock?.release();
  }
}

/** `mesh status`: every cluster read in parallel (no lock, no journal), then the N×N matrix. */
export async function meshStatus(deps: MeshDeps, request: Pick<MeshRequest, 'clusters' | 'pairs' | 'parallel'>): Promise<MeshResult> {
  validate(deps, { ...request, action: 'apply', prune: false, dryRun: true, restartTimeoutMs: 0 });
  const limit = pLimit(Math.max(1, request.parallel));
  const state: DiscoverAll = { deps, managers: deps.managers, facts: {}, request, failed: new Map(), limit: (fn) => limit(fn) };
  try {
    const steps = await runSteps([discover], state, { events: deps.events, signal: deps.signal });
    const facts = request.clusters.map((c) => state.facts[c]!);
    return {
      ok: true,
      action: 'status',
      clusters: request.clusters,
      pairs: request.pairs.map(([a, b]) => [a, b]),
      dryRun: false,
      changed: false,
      sides: facts.map((f) => ({ cluster: f.name, realm: f.realm, changes: [], peersAfter: f.peers, restarted: false, outcome: 'unchanged' as const })),
      steps: steps.map(({ id, scope, status, message }) => ({ id, ...(scope ? { scope } : {}), status, ...(message ? { message } : {}) })),
      restarts: {},
      matrix: trustMatrix(facts),
      trusts: request.pairs.map(([a, b]) => ({ a, b, state: pairState(state.facts[a]!, state.facts[b]!) })),
    };
  } finally {
    await Promise.allSettled(request.clusters.map((n) => (deps.managers[n] as Manager).logout()));
  }
}

/** The undo a rollback owes: per cluster, the changes the last `mesh apply` journaled for its saves. */
export async function undoOwed(deps: Pick<MeshDeps, 'journal'>, clusters: string[]): Promise<Record<string, PeerChange[]>> {
  const doc = await deps.journal.read(journalKey(clusters));
  if (!doc) throw new CheckError('NOTHING_TO_ROLL_BACK', `no journal for ${clusters.join(', ')}: nothing was applied to these clusters together`, { hint: 'mesh rollback undoes the last `mesh apply` of the same topology' });
  if (!doc.action.startsWith('mesh-')) throw new CheckError('NOTHING_TO_ROLL_BACK', `the last run of ${clusters.join(', ')} was \`${doc.action}\`, not a mesh apply`, { hint: 'use `mrs-trust rollback A B` for a pair' });
  // An interrupted or failed rollback is run again with the same undo (read-check-write: idempotent).
  if (doc.action === 'mesh-rollback') return doc.meshUndo ?? {};
  // Every apply since the last finished rollback, oldest first (carried, then this document's).
  const undo: Record<string, PeerChange[]> = {};
  for (const step of [...(doc.carried ?? []), ...doc.steps]) {
    if (step.undo?.kind === 'peer-changes') undo[step.undo.cluster] = [...(undo[step.undo.cluster] ?? []), ...step.undo.changes];
  }
  return undo;
}
