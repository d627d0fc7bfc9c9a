import { netChange, type PeerChange } from './peers.js';
import type { MeshPlan } from './mesh-plan.js';
import type { Plan } from './plan.js';

/**
 * The record of one run, written atomically after every step event, so that a run that dies
 * (Ctrl-C, crash, failed restart) leaves enough to converge (`link` again), resume or roll back.
 * Lives in `.mrs-trust/journal/<cluster names sorted, joined by "+">.json`, mode 0600.
 */
export const JOURNAL_VERSION = 1;

export type StepStatus = 'started' | 'done' | 'skipped' | 'failed';

export interface JournalStep {
  id: string;
  scope?: string;
  status: StepStatus;
  startedAt: string;
  endedAt?: string;
  message?: string;
  error?: { code: string; message: string };
  /** What `rollback` needs to undo this step: e.g. the peer change written, rule ids added. */
  undo?: JournalUndo;
}

export type JournalUndo =
  | { kind: 'peer-change'; cluster: string; change: PeerChange; configVersionAfter?: string }
  | { kind: 'security-group-rules'; cluster: string; ruleIds: string[] }
  /** rotate: a cross-realm principal whose key was changed (kvno before; the password is never journaled). */
  | { kind: 'principal-key'; cluster: string; principal: string; kvnoBefore: number }
  /** `mesh`: every row one save on this cluster changed (undone in reverse order, read-check-write). */
  | { kind: 'peer-changes'; cluster: string; changes: PeerChange[]; configVersionAfter?: string };

export interface RestartCommand {
  id: string;
  via: 'save' | 'stop' | 'start';
}

export interface ManualStepRecord {
  cluster: string;
  phase: 'console' | 'start';
  lines: string[];
  shownAt: string;
  confirmedAt?: string;
  confirmedBy?: 'terminal' | 'resume';
}

export type PeerChangeUndo = Extract<JournalUndo, { kind: 'peer-change' }>;

export interface JournalDoc {
  version: typeof JOURNAL_VERSION;
  runId: string;
  action: string;
  clusters: string[];
  pid: number;
  startedAt: string;
  updatedAt: string;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  dryRun: boolean;
  plan?: Plan;
  /** `mesh apply`: the plan of the whole topology (each cluster's target peer_realms). */
  meshPlan?: MeshPlan;
  /** `mesh rollback`: what it undoes (from the apply's journal), kept so an interrupted rollback can be run again. */
  meshUndo?: Record<string, PeerChange[]>;
  /** Clusters whose `peer_realms` was saved but whose restart has not completed (carried across runs). */
  restartPending: string[];
  /**
   * Per cluster, the Manager command that applies a pending restart: the save's own restart
   * (`save`), or the documented stop / start of KrbServer. Written as soon as the Manager
   * returns the id, so a run that dies while waiting lets the next one poll the same command.
   */
  restartCommands?: Record<string, RestartCommand>;
  /**
   * Undo still owed from earlier runs: security-group rules added by `precheck --fix`, and the
   * net `peer_realms` change of the last operation that wrote (one entry per cluster and realm).
   * `rollback` undoes these; a finished rollback clears them.
   */
  carried?: JournalStep[];
  /**
   * The carried peer changes belong to an operation that has not finished yet (a run died or
   * failed after writing): the next run's writes are part of the same operation and compose with
   * them. When false, the next run that writes starts a new operation and replaces them.
   */
  owedOpen?: boolean;
  /** Set by `resume`: how many times this document was continued. */
  resumed?: number;
  /**
   * MRS 3.x: each console checklist shown (its lines, as printed; never a secret) and whether
   * the person said it was done — on the terminal, or by running `resume`. A check that finds it
   * was not done clears `confirmedAt` so it is asked again.
   */
  manualSteps?: Record<string, ManualStepRecord>;
  steps: JournalStep[];
}

/** Actions whose peer writes are an operation `rollback` can undo (a rollback's own writes are not). */
const UNDOABLE = new Set(['link', 'unlink']);

const peerUndos = (steps: readonly JournalStep[]): PeerChangeUndo[] =>
  steps.flatMap((s) => (s.undo?.kind === 'peer-change' ? [s.undo] : []));

/** Composes peer changes per (cluster, realm) into one net change each; changes that cancel out vanish. */
export function composeUndos(undos: readonly PeerChangeUndo[]): PeerChangeUndo[] {
  const groups = new Map<string, PeerChangeUndo[]>();
  for (const u of undos) {
    const key = `${u.cluster}\u0000${u.change.realm}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  const out: PeerChangeUndo[] = [];
  for (const list of groups.values()) {
    const change = netChange(list.map((u) => u.change));
    const first = list[0] as PeerChangeUndo;
    if (change) out.push({ kind: 'peer-change', cluster: first.cluster, change });
  }
  return out;
}

/**
 * The `peer_realms` changes a rollback of this journal must undo, net per cluster and realm: the
 * last operation's writes (composed with what an unfinished earlier run of it wrote).
 */
export function owedPeerChanges(doc: JournalDoc): PeerChangeUndo[] {
  const carried = peerUndos(doc.carried ?? []);
  if (doc.action === 'rollback') return doc.status === 'done' ? [] : carried;
  const own = UNDOABLE.has(doc.action) ? peerUndos(doc.steps) : [];
  if (own.length === 0) return carried;
  return composeUndos(doc.owedOpen ? [...carried, ...own] : own);
}

/** Security-group rule steps still owed (a finished rollback removed them all). */
function owedRuleSteps(doc: JournalDoc): JournalStep[] {
  if (doc.action === 'rollback' && doc.status === 'done') return [];
  return [...(doc.carried ?? []), ...doc.steps].filter((s) => s.undo?.kind === 'security-group-rules');
}

/**
 * What a new run keeps from the previous document of the same clusters: security-group rules
 * added by `precheck --fix`, the net peer change a `rollback` still owes, and the rows `mesh apply`
 * wrote (so `mesh rollback` undoes every apply since the last finished mesh rollback, also when a
 * later apply changed nothing).
 */
export function carriedSteps(previous: JournalDoc | undefined): JournalStep[] {
  if (!previous) return [];
  const peer = owedPeerChanges(previous).map((undo): JournalStep => ({ id: 'write-peer-realms', scope: undo.cluster, status: 'done', startedAt: previous.startedAt, undo }));
  const meshRolledBack = previous.action === 'mesh-rollback' && previous.status === 'done';
  const mesh = meshRolledBack ? [] : [...(previous.carried ?? []), ...previous.steps].filter((s) => s.undo?.kind === 'peer-changes');
  return [...owedRuleSteps(previous), ...peer, ...mesh];
}

/** Whether the peer changes carried into a new run still belong to an unfinished operation. */
export function carriedOpen(previous: JournalDoc | undefined): boolean {
  if (!previous) return false;
  if (!UNDOABLE.has(previous.action)) return previous.action === 'rollback' ? false : Boolean(previous.owedOpen);
  const wrote = peerUndos(previous.steps).length > 0;
  if (previous.status === 'done') return false;
  return wrote || Boolean(previous.owedOpen);
}

export function journalKey(clusters: readonly string[]): string {
  return [...clusters].sort().join('+');
}
