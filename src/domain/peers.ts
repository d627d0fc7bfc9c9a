import { formatIpPort, parseIpPort, type KdcAddress } from './ip-port.js';

/**
 * One row of KrbServer `peer_realms`, exactly as the Manager holds it. Rows of other peers are
 * kept as raw text and never re-encoded: a row we do not understand must survive untouched.
 */
export interface PeerEntry {
  realm_name: string;
  ip_port: string;
}

export type PeerChange =
  | { kind: 'added'; realm: string; after: PeerEntry }
  | { kind: 'updated'; realm: string; before: PeerEntry; after: PeerEntry }
  | { kind: 'unchanged'; realm: string; entry: PeerEntry }
  | { kind: 'removed'; realm: string; before: PeerEntry }
  | { kind: 'absent'; realm: string };

export interface PeerEdit {
  peers: PeerEntry[];
  change: PeerChange;
}

export function peerEntry(realm: string, kdcs: readonly KdcAddress[]): PeerEntry {
  return { realm_name: realm, ip_port: formatIpPort(kdcs) };
}

/** Canonical text of an ip_port for comparison; unparseable text compares as itself. */
function canonical(ipPort: string): string {
  const parsed = parseIpPort(ipPort);
  return parsed.ok ? formatIpPort(parsed.value) : ipPort;
}

export function sameEntry(a: PeerEntry, b: PeerEntry): boolean {
  return a.realm_name === b.realm_name && canonical(a.ip_port) === canonical(b.ip_port);
}

/**
 * Adds `entry` or updates the row of its realm in place. Every other row is kept exactly, in
 * its position; if the realm appears more than once (someone else's doing), only the first row
 * is updated and the rest are kept — we never delete what we did not write.
 */
export function mergePeer(peers: readonly PeerEntry[], entry: PeerEntry): PeerEdit {
  const index = peers.findIndex((p) => p.realm_name === entry.realm_name);
  if (index < 0) return { peers: [...peers, { ...entry }], change: { kind: 'added', realm: entry.realm_name, after: entry } };
  const before = peers[index] as PeerEntry;
  if (sameEntry(before, entry)) {
    return { peers: peers.map((p) => ({ ...p })), change: { kind: 'unchanged', realm: entry.realm_name, entry: before } };
  }
  const next = peers.map((p, i) => (i === index ? { ...entry } : { ...p }));
  return { peers: next, change: { kind: 'updated', realm: entry.realm_name, before, after: entry } };
}

/** Removes the row of `realm` (the first, as mergePeer updates the first); keeps all others. */
export function removePeer(peers: readonly PeerEntry[], realm: string): PeerEdit {
  const index = peers.findIndex((p) => p.realm_name === realm);
  if (index < 0) return { peers: peers.map((p) => ({ ...p })), change: { kind: 'absent', realm } };
  const before = peers[index] as PeerEntry;
  return { peers: peers.filter((_, i) => i !== index).map((p) => ({ ...p })), change: { kind: 'removed', realm, before } };
}

export function distinctPeerCount(peers: readonly PeerEntry[]): number {
  return new Set(peers.map((p) => p.realm_name)).size;
}

export function samePeerList(a: readonly PeerEntry[], b: readonly PeerEntry[]): boolean {
  return a.length === b.length && a.every((p, i) => sameEntry(p, b[i] as PeerEntry));
}

export function findPeer(peers: readonly PeerEntry[], realm: string): PeerEntry | undefined {
  return peers.find((p) => p.realm_name === realm);
}

/** The row a change found before it wrote (undefined = the realm was not listed). */
export function rowBefore(change: PeerChange): PeerEntry | undefined {
  switch (change.kind) {
    case 'updated':
    case 'removed':
      return change.before;
    case 'unchanged':
      return change.entry;
    default:
      return undefined;
  }
}

/** The row a change left behind (undefined = the realm is not listed). */
export function rowAfter(change: PeerChange): PeerEntry | undefined {
  switch (change.kind) {
    case 'added':
    case 'updated':
      return change.after;
    case 'unchanged':
      return change.entry;
    default:
      return undefined;
  }
}

const sameRow = (a: PeerEntry | undefined, b: PeerEntry | undefined): boolean => (a === undefined || b === undefined ? a === b : sameEntry(a, b));

/** The change from one row state to another, for one realm; undefined when they are the same. */
export function changeBetween(realm: string, before: PeerEntry | undefined, after: PeerEntry | undefined): PeerChange | undefined {
  if (sameRow(before, after)) return undefined;
  if (!before) return { kind: 'added', realm, after: after as PeerEntry };
  if (!after) return { kind: 'removed', realm, before };
  return { kind: 'updated', realm, before, after };
}

/**
 * The net effect of several changes of one realm's row, in order (one operation written over
 * several runs): from the row before the first write to the row after the last. Changes that
 * wrote nothing are ignored; undefined when the writes cancel out.
 */
export function netChange(changes: readonly PeerChange[]): PeerChange | undefined {
  const writes = changes.filter((c) => c.kind === 'added' || c.kind === 'updated' || c.kind === 'removed');
  const first = writes[0];
  const last = writes[writes.length - 1];
  if (!first || !last) return undefined;
  return changeBetween(first.realm, rowBefore(first), rowAfter(last));
}

/** How an undo meets the row found now. */
export type UndoOutcome = 'undo' | 'already' | 'kept';

/**
 * Read-check-write undo of one net change against the value found now: when the row is still
 * what the change wrote, put back the row from before (other rows untouched); when it is already
 * the row from before, nothing to do; when someone else changed it since, keep their row.
 */
export function undoAgainst(current: readonly PeerEntry[], change: PeerChange): PeerEdit & { outcome: UndoOutcome } {
  const now = findPeer(current, change.realm);
  const keep = (outcome: UndoOutcome) => ({ ...(now ? { peers: current.map((p) => ({ ...p })), change: { kind: 'unchanged' as const, realm: change.realm, entry: now } } : { peers: current.map((p) => ({ ...p })), change: { kind: 'absent' as const, realm: change.realm } }), outcome });
  const target = rowBefore(change);
  if (sameRow(now, target)) return keep('already');
  if (!sameRow(now, rowAfter(change))) return keep('kept');
  const edit = target ? mergePeer(current, target) : removePeer(current, change.realm);
  return { ...edit, outcome: 'undo' };
}
