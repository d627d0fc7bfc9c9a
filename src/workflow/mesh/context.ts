import type { ClusterFacts } from '../../domain/facts.js';
import type { MeshPlan } from '../../domain/mesh-plan.js';
import type { PeerChange } from '../../domain/peers.js';
import type { Pair } from '../../domain/topology.js';
import type { Manager } from '../../ports/manager.js';
import type { RecordedWrite } from '../dry-run.js';
import type { LinkDeps } from '../link/context.js';
import type { RunJournal } from '../run-journal.js';

export type MeshAction = 'apply' | 'resume' | 'rollback';

export interface MeshRequest {
  action: MeshAction;
  clusters: string[];
  pairs: Pair[];
  prune: boolean;
  dryRun: boolean;
  restartTimeoutMs: number;
  /** Clusters read, written and restarted at once. */
  parallel: number;
  /** rollback: per cluster, the changes the last apply made (from its journal), undone in reverse. */
  undo?: Record<string, PeerChange[]>;
}

/** One changed cluster whose client hosts are refreshed, with the realms their krb5.conf must (not) name. */
export interface MeshClientSide {
  cluster: string;
  realm: string;
  mrsVersion: string;
  /** Every partner realm of the topology (apply, resume) or the rows a rollback restored. */
  named: string[];
  /** Realms the run removed (rollback, `--prune`). */
  absent: string[];
}

/** Refreshes the client hosts of the clusters that changed (each with its own configuration). */
export interface MeshClientRefresher {
  refresh(clusters: MeshClientSide[], signal: AbortSignal): Promise<{ summary: string; details?: unknown }>;
}

/** Link's collaborators, with a mesh confirmation and client refresher. */
export interface MeshDeps extends Omit<LinkDeps, 'confirm' | 'precheck' | 'clients'> {
  confirm(plan: MeshPlan): Promise<boolean>;
  clients?: MeshClientRefresher;
}

export interface MeshState {
  request: MeshRequest;
  deps: MeshDeps;
  journal: RunJournal;
  managers: Record<string, Manager>;
  writes: RecordedWrite[];
  facts: Record<string, ClusterFacts>;
  plan?: MeshPlan;
  restartPending: Set<string>;
  restarted: Set<string>;
  configVersionAfter: Record<string, string>;
  /** Clusters whose write or restart failed: left out of every later step (exit 5 at the end). */
  failed: Map<string, { code: string; message: string; step: string }>;
  /** Bounds the per-cluster work of a scoped step to `--parallel`. */
  limit<T>(fn: () => Promise<T>): Promise<T>;
  clients?: { summary: string; details?: unknown };
  tickets?: Record<string, { service: string; kvno: number; host: string }>;
}

/** The clusters still in the run (not failed), in sorted order. */
export const live = (s: Pick<MeshState, 'failed'> & { request: Pick<MeshRequest, 'clusters'> }): string[] => s.request.clusters.filter((c) => !s.failed.has(c));

export function sideOf(s: MeshState, name: string) {
  const side = s.plan?.sides.find((x) => x.cluster === name);
  if (!side) throw new Error(`no mesh plan for ${name}`);
  return side;
}
