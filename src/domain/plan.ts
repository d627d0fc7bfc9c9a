import { mergePeer, peerEntry, removePeer, type PeerChange, type PeerEntry } from './peers.js';
import type { ClusterFacts } from './facts.js';

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

export interface SidePlan {
  cluster: string;
  realm: string;
  mrsVersion: string;
  /** The config version the plan was computed from; the write is refused if it moved. */
  configVersion: string;
  peersBefore: PeerEntry[];
  peersAfter: PeerEntry[];
  change: PeerChange;
  /** Services to restart; empty when nothing changes on this side. */
  restart: string[];
  securityGroupRules: SecurityGroupRulePlan[];
  /** Client hosts to refresh (host names or addresses from clusters.yaml). */
  clientHosts: string[];
}

export interface Plan {
  version: typeof PLAN_VERSION;
  action: 'link' | 'unlink';
  clusters: [string, string];
  sides: [SidePlan, SidePlan];
}

export interface PlanExtras {
  clientHosts?: Record<string, string[]>;
  securityGroupRules?: SecurityGroupRulePlan[];
}

function side(self: ClusterFacts, change: { peers: PeerEntry[]; change: PeerChange }, extras: PlanExtras): SidePlan {
  const writes = change.change.kind !== 'unchanged' && change.change.kind !== 'absent';
  return {
    cluster: self.name,
    realm: self.realm,
    mrsVersion: self.mrsVersion,
    configVersion: self.configVersion,
    peersBefore: self.peers.map((p) => ({ ...p })),
    peersAfter: change.peers,
    change: change.change,
    restart: writes ? [KRB_SERVICE] : [],
    securityGroupRules: (extras.securityGroupRules ?? []).filter((r) => r.cluster === self.name),
    clientHosts: extras.clientHosts?.[self.name] ?? [],
  };
}

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

export function planChangesAnything(plan: Plan): boolean {
  return plan.sides.some((s) => s.restart.length > 0 || s.securityGroupRules.length > 0);
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

/** The human diff of a plan: per side, every row before/after, then restarts, rules and hosts. */
export function renderPlan(plan: Plan): string[] {
  const lines: string[] = [`Plan: ${plan.action} ${plan.clusters[0]} ↔ ${plan.clusters[1]}`];
  for (const s of plan.sides) {
    lines.push('', `${s.cluster} (${s.realm}, MRS ${s.mrsVersion}, config version ${s.configVersion})`);
    lines.push(`  peer_realms: ${describeChange(s.change)}`);
    const others = s.peersAfter.filter((p) => p.realm_name !== s.change.realm);
    for (const p of others) lines.push(`               = keep    ${p.realm_name}  ${p.ip_port}`);
    lines.push(`  restart:     ${s.restart.length > 0 ? s.restart.join(', ') : 'nothing'}`);
    for (const r of s.securityGroupRules) lines.push(`  security group ${r.securityGroupId}: + ingress ANY from ${r.remoteGroupId}`);
    if (s.clientHosts.length > 0) lines.push(`  refresh clients: ${s.clientHosts.join(', ')}`);
  }
  return lines;
}
