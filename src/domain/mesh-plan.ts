import type { ClusterFacts } from './facts.js';
import { distinctPeerCount, findPeer, mergePeer, peerEntry, removePeer, sameEntry, undoAgainst, type PeerChange, type PeerEntry } from './peers.js';
import { KRB_SERVICE, type ClusterPlanBase } from './plan.js';
import type { Problem } from './preflight.js';
import { partnersOf, type Pair } from './topology.js';

/** Bumped when the shape changes (journal and `--json` readers refuse what they cannot read). */
export const MESH_PLAN_VERSION = 1;

/** One cluster's whole target `peer_realms`: every change made in one save and one restart. */
export interface MeshSide extends ClusterPlanBase {
  /** Every row added, updated or removed (`--prune`), in order; unchanged rows are not listed. */
  changes: PeerChange[];
  /** KrbServer when anything changes on this cluster, else empty: at most one restart per cluster. */
  restart: string[];
  peerLimit: number;
}

export interface MeshPlan {
  version: typeof MESH_PLAN_VERSION;
  action: 'mesh';
  clusters: string[];
  pairs: Pair[];
  prune: boolean;
  sides: MeshSide[];
}

/** One cluster's side of a mesh plan: its rows now, its target rows and the changes between them. */
function sideOf(self: ClusterFacts, peersAfter: PeerEntry[], changes: PeerChange[], clientHosts: string[]): MeshSide {
  return {
    cluster: self.name,
    realm: self.realm,
    mrsVersion: self.mrsVersion,
    configVersion: self.configVersion,
    peersBefore: self.peers.map((p) => ({ ...p })),
    peersAfter,
    changes,
    restart: changes.length > 0 ? [KRB_SERVICE] : [],
    peerLimit: self.peerLimit,
    clientHosts,
  };
}

const writes = (c: PeerChange) => c.kind === 'added' || c.kind === 'updated' || c.kind === 'removed';

/**
 * Each cluster's target `peer_realms`: a merge of a row for every partner of the topology into
 * what the cluster has now. Rows of realms outside the topology are kept exactly, unless `prune`
 * (then every row that no partner accounts for is removed).
 */
export function buildMeshPlan(facts: Record<string, ClusterFacts>, pairs: readonly Pair[], options: { prune?: boolean; clientHosts?: Record<string, string[]> } = {}): MeshPlan {
  const partners = partnersOf(pairs);
  const names = [...partners.keys()].sort();
  const sides = names.map((name): MeshSide => {
    const self = facts[name] as ClusterFacts;
    let peers = self.peers.map((p) => ({ ...p }));
    const changes: PeerChange[] = [];
    const wanted = new Set<string>();
    for (const partner of partners.get(name) ?? []) {
      const other = facts[partner] as ClusterFacts;
      wanted.add(other.realm);
      const edit = mergePeer(peers, peerEntry(other.realm, other.kdcs));
      peers = edit.peers;
      if (writes(edit.change)) changes.push(edit.change);
    }
    if (options.prune) {
      // Every row, also a realm listed twice (someone else's doing): prune asks for exactly the topology.
      for (let row = peers.find((p) => !wanted.has(p.realm_name)); row; row = peers.find((p) => !wanted.has(p.realm_name))) {
        const edit = removePeer(peers, row.realm_name);
        peers = edit.peers;
        changes.push(edit.change);
      }
    }
    return sideOf(self, peers, changes, options.clientHosts?.[name] ?? []);
  });
  return { version: MESH_PLAN_VERSION, action: 'mesh', clusters: names, pairs: [...pairs], prune: Boolean(options.prune), sides };
}

/** Every cluster over its limit after the merge, named with its count: checked before any write. */
export function meshLimitProblems(plan: MeshPlan): Problem[] {
  return plan.sides.flatMap((s) => {
    const count = distinctPeerCount(s.peersAfter);
    return count > s.peerLimit
      ? [{ code: 'PEER_LIMIT', cluster: s.cluster, message: `${s.cluster}: ${count} peer realms after the mesh; the limit is ${s.peerLimit}` }]
      : [];
  });
}

export const meshChangesAnything = (plan: MeshPlan): boolean => plan.sides.some((s) => s.changes.length > 0);

/** How one cluster sees another: lists it with its current KDCs, lists stale KDCs, or not at all. */
export type Direction = 'ok' | 'stale' | 'none';
/** A pair: trusted both ways, one way only, not at all, or listed with stale KDCs. */
export type PairState = 'both' | 'one-way' | 'none' | 'stale';

export function direction(from: ClusterFacts, to: ClusterFacts): Direction {
  const row = findPeer(from.peers, to.realm);
  if (!row) return 'none';
  return sameEntry(row, peerEntry(to.realm, to.kdcs)) ? 'ok' : 'stale';
}

export function pairState(a: ClusterFacts, b: ClusterFacts): PairState {
  const ab = direction(a, b);
  const ba = direction(b, a);
  if (ab === 'stale' || ba === 'stale') return 'stale';
  if (ab === 'ok' && ba === 'ok') return 'both';
  return ab === 'ok' || ba === 'ok' ? 'one-way' : 'none';
}

/** The N×N matrix of `mesh status`: `matrix[from][to]` (the diagonal is omitted). */
export function trustMatrix(all: readonly ClusterFacts[]): Record<string, Record<string, Direction>> {
  return Object.fromEntries(all.map((from) => [from.name, Object.fromEntries(all.filter((to) => to !== from).map((to) => [to.name, direction(from, to)]))]));
}

/**
 * The rollback plan: per cluster, the changes the last apply made, undone in reverse order against
 * the rows found *now* (read-check-write: rows others added or changed since are kept).
 */
export function buildMeshUndoPlan(facts: Record<string, ClusterFacts>, undo: Record<string, PeerChange[]>, pairs: readonly Pair[]): MeshPlan {
  // Every cluster of the run gets a side (most with nothing to undo), so every later step finds one.
  const names = Object.keys(facts).sort();
  const sides = names.map((name): MeshSide => {
    const self = facts[name] as ClusterFacts;
    let peers = self.peers.map((p) => ({ ...p }));
    const changes: PeerChange[] = [];
    for (const change of [...(undo[name] ?? [])].reverse()) {
      const edit = undoAgainst(peers, change);
      peers = edit.peers;
      if (writes(edit.change)) changes.push(edit.change);
    }
    return sideOf(self, peers, changes, []);
  });
  return { version: MESH_PLAN_VERSION, action: 'mesh', clusters: names, pairs: [...pairs], prune: false, sides };
}

/** What `verify` expects after the run, per realm the plan governs: the row, or no row. */
export function expectedRows(plan: MeshPlan, side: MeshSide, facts: Record<string, ClusterFacts>, rollback: boolean): { realm: string; entry?: PeerEntry }[] {
  if (rollback) return side.changes.map((c) => (c.kind === 'removed' ? { realm: c.realm } : { realm: c.realm, entry: findPeer(side.peersAfter, c.realm) as PeerEntry }));
  const partners = partnersOf(plan.pairs).get(side.cluster) ?? [];
  const rows = partners.map((p) => facts[p] as ClusterFacts).map((f) => ({ realm: f.realm, entry: peerEntry(f.realm, f.kdcs) }));
  const pruned = side.changes.filter((c) => c.kind === 'removed').map((c) => ({ realm: c.realm }));
  return [...rows, ...pruned];
}

/** Problems with one expectation against the rows read now; empty when it holds. */
export function unmetRows(now: readonly PeerEntry[], expected: { realm: string; entry?: PeerEntry }[]): string[] {
  return expected.flatMap((e) => {
    const row = findPeer(now, e.realm);
    if (!e.entry) return row ? [`still lists ${e.realm}`] : [];
    if (!row) return [`does not list ${e.realm}`];
    return sameEntry(row, e.entry) ? [] : [`lists ${e.realm} ${row.ip_port}, expected ${e.entry.ip_port}`];
  });
}
