import type { PeerChange } from './peers.js';
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
   * Steps of earlier runs whose undo is still owed across runs: security-group rules added by
   * `precheck --fix` (or a link) stay journaled when a later run starts a new document.
   */
  carried?: JournalStep[];
  steps: JournalStep[];
}

/**
 * What a new run keeps from the previous document of the same clusters: security-group rules
 * added by `precheck --fix`, and the rows `mesh apply` wrote (so `mesh rollback` undoes every
 * apply since the last finished rollback, also when a later apply changed nothing).
 */
export function carriedSteps(previous: JournalDoc | undefined): JournalStep[] {
  if (!previous) return [];
  const rolledBack = previous.action === 'mesh-rollback' && previous.status === 'done';
  const owed = (s: JournalStep) => s.undo?.kind === 'security-group-rules' || (s.undo?.kind === 'peer-changes' && !rolledBack);
  return [...(previous.carried ?? []), ...previous.steps].filter(owed);
}

export function journalKey(clusters: readonly string[]): string {
  return [...clusters].sort().join('+');
}
