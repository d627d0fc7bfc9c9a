import { findPeer, mergePeer, peerEntry, removePeer, undoAgainst, type PeerChange, type PeerEntry, type UndoOutcome } from './peers.js';
import type { ClusterFacts } from './facts.js';
import type { Mrs3Role } from './mrs3/procedure.js';

/** Bumped when the shape changes, so `apply <file>` can refuse a plan it cannot read. */
export const PLAN_VERSION = 1;

/** The services whose restart makes a new `peer_realms` take effect (MRS: "restart the affected services"). */
export const KRB_SERVICE = 'KrbServer';

export interface SecurityGroupRulePlan {
  cluster: string;
  securityGroupId: string;
  remoteGroupId: string;
  description: string;
}

/** What a plan says of one cluster, for `link` (SidePlan) and `mesh` (MeshSide) alike. */
export interface ClusterPlanBase {
  cluster: string;
  realm: string;
  mrsVersion: string;
  /** The config version the plan was computed from; the write is refused if it moved. */
  configVersion: string;
  peersBefore: PeerEntry[];
  peersAfter: PeerEntry[];
  /** Services to restart; empty when nothing changes on this cluster. */
  restart: string[];
  /** Client hosts to refresh (host names or addresses from clusters.yaml). */
  clientHosts: string[];
}

export interface SidePlan extends ClusterPlanBase {
  change: PeerChange;
  securityGroupRules: SecurityGroupRulePlan[];
  /** The restart is owed by an earlier run that saved but did not finish restarting. */
  restartPendingBefore?: boolean;
  /** Rollback only: ids of the security-group rules `precheck --fix` added, to remove. */
  securityGroupRulesToRemove?: string[];
  /** Rollback only: the journaled change being undone and how it met the row found now. */
  rollback?: { undoing: PeerChange; outcome: UndoOutcome };
  /** MRS 3.x: set through the console checklist and restart-RealmConfig.sh, not a Manager save (docs/mrs3.md). */
  mrs3?: { role: Mrs3Role };
}

export type PlanAction = 'link' | 'unlink' | 'rollback';

export interface Plan {
  version: typeof PLAN_VERSION;
  action: PlanAction;
  clusters: [string, string];
  sides: [SidePlan, SidePlan];
}

export interface PlanExtras {
  clientHosts?: Record<string, string[]>;
  securityGroupRules?: SecurityGroupRulePlan[];
  /** Clusters an earlier run saved but did not finish restarting: their restart is part of this plan. */
  restartPending?: string[];
  /** Rollback: rule ids to remove, per cluster. */
  removeRules?: Record<string, string[]>;
  /** MRS 3.x sides and their role (two-way, or the local/accessed side of a one-way link). */
  mrs3Roles?: Record<string, Mrs3Role>;
}

function side(self: ClusterFacts, change: { peers: PeerEntry[]; change: PeerChange }, extras: PlanExtras): SidePlan {
  const writes = change.change.kind !== 'unchanged' && change.change.kind !== 'absent';
  const pending = extras.restartPending?.includes(self.name) ?? false;
  return {
    cluster: self.name,
    realm: self.realm,
    mrsVersion: self.mrsVersion,
    configVersion: self.configVersion,
    peersBefore: self.peers.map((p) => ({ ...p })),
    peersAfter: change.peers,
    change: change.change,
    restart: writes || pending ? [KRB_SERVICE] : [],
    securityGroupRules: (extras.securityGroupRules ?? []).filter((r) => r.cluster === self.name),
    clientHosts: extras.clientHosts?.[self.name] ?? [],
    ...(pending && !writes ? { restartPendingBefore: true } : {}),
    ...(extras.removeRules?.[self.name]?.length ? { securityGroupRulesToRemove: [...(extras.removeRules[self.name] as string[])] } : {}),
    ...mrs3Of(self.name, extras),
  };
}

const mrs3Of = (name: string, extras: PlanExtras): Pick<SidePlan, 'mrs3'> => (extras.mrs3Roles?.[name] ? { mrs3: { role: extras.mrs3Roles[name] as Mrs3Role } } : {});

/** The link plan: each side gets (or keeps) one row naming the other side's realm and KDCs. */
export function buildLinkPlan(a: ClusterFacts, b: ClusterFacts, extras: PlanExtras = {}): Plan {
  const sideA = side(a, mergePeer(a.peers, peerEntry(b.realm, b.kdcs)), extras);
  const sideB = side(b, mergePeer(b.peers, peerEntry(a.realm, a.kdcs)), extras);
  return { version: PLAN_VERSION, action: 'link', clusters: [a.name, b.name], sides: [sideA, sideB] };
}

/** The unlink plan: each side loses only the row naming the other side's realm. */
export function buildUnlinkPlan(a: ClusterFacts, b: ClusterFacts, extras: PlanExtras = {}): Plan {
  const sideA = side(a, removePeer(a.peers, b.realm), extras);
  const sideB = side(b, removePeer(b.peers, a.realm), extras);
  return { version: PLAN_VERSION, action: 'unlink', clusters: [a.name, b.name], sides: [sideA, sideB] };
}

/**
 * The rollback plan: per side, the journaled net change undone against the rows found now
 * (read-check-write: a row someone else changed since is kept). `owed` maps a cluster to the
 * change to undo; a side with none owed changes nothing.
 */
export function buildRollbackPlan(a: ClusterFacts, b: ClusterFacts, owed: Record<string, PeerChange | undefined>, extras: PlanExtras = {}): Plan {
  const one = (self: ClusterFacts, peer: ClusterFacts): SidePlan => {
    const undoing = owed[self.name];
    if (!undoing) return side(self, untouched(self.peers, peer.realm), extras);
    const edit = undoAgainst(self.peers, undoing);
    return { ...side(self, edit, extras), rollback: { undoing, outcome: edit.outcome } };
  };
  return { version: PLAN_VERSION, action: 'rollback', clusters: [a.name, b.name], sides: [one(a, b), one(b, a)] };
}

/** Nothing to do for `realm`: every row stays as it is. */
function untouched(peers: readonly PeerEntry[], realm: string): { peers: PeerEntry[]; change: PeerChange } {
  const entry = findPeer(peers, realm);
  return { peers: peers.map((p) => ({ ...p })), change: entry ? { kind: 'unchanged', realm, entry } : { kind: 'absent', realm } };
}

export function planChangesAnything(plan: Plan): boolean {
  return plan.sides.some((s) => s.restart.length > 0 || s.securityGroupRules.length > 0 || (s.securityGroupRulesToRemove?.length ?? 0) > 0);
}

function describeChange(change: PeerChange): string {
  switch (change.kind) {
    case 'added':
      return `+ add     ${change.realm}  ${change.after.ip_port}`;
    case 'updated':
      return `~ update  ${change.realm}  ${change.before.ip_port} → ${change.after.ip_port}`;
    case 'removed':
      return `- remove  ${change.realm}  ${change.before.ip_port}`;
    case 'unchanged':
      return `= keep    ${change.realm}  ${change.entry.ip_port} (already present)`;
    case 'absent':
      return `= nothing ${change.realm} is not listed (already absent)`;
  }
}

function describeUndo(r: NonNullable<SidePlan['rollback']>): string {
  if (r.outcome === 'already') return `${r.undoing.realm} is already as before the journaled run`;
  if (r.outcome === 'kept') return `${r.undoing.realm} was changed by someone else since the journaled run: kept as it is`;
  return `undo the journaled ${r.undoing.kind} of ${r.undoing.realm}`;
}

const MRS3_APPLY: Record<Mrs3Role, string> = {
  'two-way': 'MRS 3.x: you stop all clusters and add the row in the console (checklist); mrs-trust runs restart-RealmConfig.sh; you start the clusters',
  'one-way-local': 'MRS 3.x one-way (accessing side): you add the row in the console; mrs-trust runs restart-RealmConfig.sh; you restart the configuration-expired instances',
  'one-way-peer': 'MRS 3.x one-way (accessed side): you add the row in the console; no script, no restart',
};

/** The human diff of a plan: per side, every row before/after, then restarts, rules and hosts. */
export function renderPlan(plan: Plan): string[] {
  const lines: string[] = [`Plan: ${plan.action} ${plan.clusters[0]} ↔ ${plan.clusters[1]}`];
  for (const s of plan.sides) {
    // A 3.x side has no configuration version to compare (the console is the writer).
    lines.push('', `${s.cluster} (${s.realm}, MRS ${s.mrsVersion}${s.configVersion ? `, config version ${s.configVersion}` : ''})`);
    lines.push(`  peer_realms: ${describeChange(s.change)}`);
    const others = s.peersAfter.filter((p) => p.realm_name !== s.change.realm);
    for (const p of others) lines.push(`               = keep    ${p.realm_name}  ${p.ip_port}`);
    if (s.rollback) lines.push(`  rollback:    ${describeUndo(s.rollback)}`);
    const pending = s.restartPendingBefore ? ' (left pending by an earlier run)' : '';
    if (s.mrs3) lines.push(`  apply:       ${MRS3_APPLY[s.mrs3.role]}`);
    else lines.push(`  restart:     ${s.restart.length > 0 ? `${s.restart.join(', ')}${pending}` : 'nothing'}`);
    for (const r of s.securityGroupRules) lines.push(`  security group ${r.securityGroupId}: + ingress ANY from ${r.remoteGroupId}`);
    for (const id of s.securityGroupRulesToRemove ?? []) lines.push(`  security-group rule ${id}: - remove (added by precheck --fix)`);
    if (s.clientHosts.length > 0) lines.push(`  refresh clients: ${s.clientHosts.join(', ')}`);
  }
  return lines;
}
