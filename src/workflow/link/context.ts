import type { ClusterFacts, ClusterType } from '../../domain/facts.js';
import type { JournalDoc } from '../../domain/journal.js';
import type { Plan, PlanAction } from '../../domain/plan.js';
import type { Problem } from '../../domain/preflight.js';
import type { Clock } from '../../ports/clock.js';
import type { EventSink } from '../../ports/events.js';
import type { KerberosFacts, Manager } from '../../ports/manager.js';
import type { JournalStore, LockManager } from '../../ports/state.js';
import type { TicketTester } from '../../ports/ticket.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { ParityRow } from '../../domain/cross-realm.js';
import type { OmNodes } from '../../ports/om-node.js';
import type { ManualStepHost } from '../../ports/manual-steps.js';
import type { RecordedWrite } from '../dry-run.js';
import type { RunJournal } from '../run-journal.js';
import type { CloudFacts } from '../discovery.js';

/** What the workflow needs to know about a cluster from clusters.yaml (no secrets). */
export interface LinkCluster {
  name: string;
  type: ClusterType;
  /** From clusters.yaml; discovered when absent. */
  mrsVersion?: string;
  peerLimit?: number;
  clientHosts: string[];
  /** `manager.peerRealmsEncoding: confirmed` in clusters.yaml. */
  peerEncodingConfirmed?: boolean;
  /** `manager.url`: named in the 3.x console checklist (where to log in). */
  managerUrl?: string;
}

export interface LinkRequest {
  action: PlanAction;
  a: string;
  b: string;
  dryRun: boolean;
  /** Bound on each restart (both sides restart in parallel). */
  restartTimeoutMs: number;
  skipPrecheck: boolean;
  /** `--peer-encoding-confirmed`: the user vouches for the peer_realms encoding on both clusters. */
  peerEncodingConfirmed?: boolean;
  /** `--skip-clients`: no refresh-clients (and so no verify-ticket); `clients refresh` later. */
  skipClients?: boolean;
  /** `apply` (a saved plan) and `resume` (the interrupted run's plan): carry out this plan instead of computing one. */
  plan?: Plan;
  /** `resume`: the journal of the run to continue (its document is continued, its finished checks not redone). */
  resume?: JournalDoc;
  /** `--one-way` (MRS 3.6.0+): users of `a` may use `b`, not the reverse (docs/mrs3.md). */
  oneWay?: boolean;
  /** `--allow-downtime`: the 3.x console procedure's downtime is confirmed without a terminal. */
  allowDowntime?: boolean;
}

/** Removes security-group rules by id (rollback of `precheck --fix`); returns what it removed. */
export type RuleRemover = (ruleIds: Record<string, string[]>) => Promise<{ cluster: string; ruleId: string }[]>;

/** The network pre-check (security groups, …) plugged in when configured. */
export interface Precheck {
  run(a: ClusterFacts, b: ClusterFacts): Promise<{ problems: Problem[]; summary: string; details?: unknown }>;
}

/** Client refresh plugged in as the `refresh-clients` step. */
export interface ClientRefresher {
  refresh(plan: Plan, signal: AbortSignal): Promise<{ summary: string; details?: unknown }>;
  /**
   * Before any write: can each client configuration the refresh needs be had in its
   * post-trust form? Throws (exit 2 for a bad --tarball, 3 otherwise); returns a summary line.
   */
  preflight?(sides: { cluster: string; realm: string; mrsVersion?: string }[], action: 'link' | 'unlink', signal: AbortSignal): Promise<string>;
}

/** Everything the link steps use, injected (release-it style): tests hand in fakes. */
export interface LinkDeps {
  clusters: Record<string, LinkCluster>;
  managers: Record<string, Manager>;
  /** Realm and KDCs from a node's krb5.conf (`manager.discovery: krb5conf`), by cluster name. */
  kerberosFallback?: Record<string, () => Promise<Pick<KerberosFacts, 'realm' | 'kdcs'> & { source?: string; peers?: KerberosFacts['peers'] }>>;
  /** The documented cloud API (version, host names) of clusters with a `cloud` block; called only when needed. */
  cloudFacts?: Record<string, () => Promise<CloudFacts>>;
  journal: JournalStore;
  locks: LockManager;
  clock: Clock;
  events: EventSink;
  signal: AbortSignal;
  /** Shows the plan and asks; false = the user declined. Not called when nothing would change. */
  confirm(plan: Plan): Promise<boolean>;
  precheck?: Precheck;
  clients?: ClientRefresher;
  ticket?: TicketTester;
  /** Admin access to each cluster's KDC (`kerberos.admin`): krbtgt parity, default password, rotate. */
  kdcAdmin?: Record<string, KdcAdmin>;
  /** Cloud access for rollback's removal of journaled security-group rules. */
  removeRules?: RuleRemover;
  /** The 3.x assisted procedure (a side with `mrsVersion` 3.x): management nodes, checklists, downtime. */
  mrs3?: Mrs3Deps;
  newRunId(): string;
}

/** What `link` needs for a 3.x side (docs/mrs3.md). */
export interface Mrs3Deps {
  /** Per 3.x cluster: its management nodes over SSH (clusters.<name>.nodes). */
  nodes: Record<string, OmNodes & { close(): Promise<void> }>;
  manual: ManualStepHost;
  /** On a terminal: shows what stops and asks for the typed confirmation; false = declined. Absent without one. */
  confirmDowntime?: (lines: string[]) => Promise<boolean>;
  /** The exact command that continues this run after the console steps (with the config path used). */
  resumeCommand: string;
  /** Bound on the wait for a cluster's services to be healthy again after the person starts it. */
  startTimeoutMs?: number;
}

/** Mutable state of one run, filled in by the steps in order. */
export interface LinkState {
  request: LinkRequest;
  deps: LinkDeps;
  journal: RunJournal;
  /** Managers the steps talk to: the real ones, or recording wrappers in a dry run. */
  managers: Record<string, Manager>;
  writes: RecordedWrite[];
  facts: Record<string, ClusterFacts>;
  plan?: Plan;
  /** Clusters whose restart is owed: changed in this run, or left pending by a previous run. */
  restartPending: Set<string>;
  restarted: Set<string>;
  /**
   * verify's re-read of a side, started by the restart step as soon as the restart command ended:
   * it needs nothing the health wait or the client refresh gives, so it runs alongside them.
   */
  reread?: Record<string, Promise<Awaited<ReturnType<Manager['readPeerRealms']>>>>;
  configVersionAfter: Record<string, string>;
  precheck?: { summary: string; details?: unknown; skipped?: string };
  clients?: { summary: string; details?: unknown };
  verified?: boolean;
  /** rollback: the security-group rules removed (or, in a dry run, that would be). */
  removedRules?: { cluster: string; ruleId: string }[];
  tickets?: Record<string, { service: string; kvno: number; host: string }>;
  /** parity: principals missing on a side are no failure (link creates them). */
  parityAllowMissing?: boolean;
  /** parity: the rows read (3.x preflight checks their enctypes). */
  parityRows?: ParityRow[];
}

export type { TicketOutcome, TicketTester } from '../../ports/ticket.js';

export const sides = (s: LinkState): string[] => [s.request.a, s.request.b];
export const peerOf = (s: LinkState, name: string): string => (name === s.request.a ? s.request.b : s.request.a);
