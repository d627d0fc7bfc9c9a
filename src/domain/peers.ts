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

/**
 * Undo of one recorded change against the value found *now*: touches only the row the change
 * wrote, so peers added by others since are kept (never a blind restore of the old list).
 */
export function undoChange(current: readonly PeerEntry[], change: PeerChange): PeerEdit {
  switch (change.kind) {
    case 'added':
      return removePeer(current, change.realm);
    case 'updated':
    case 'removed':
      return mergePeer(current, change.before);
    default:
      // Nothing was written (unchanged or absent), so there is nothing to undo.
      return { peers: current.map((p) => ({ ...p })), change };
  }
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
