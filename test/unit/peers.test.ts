import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinctPeerCount, mergePeer, removePeer, samePeerList, netChange, undoAgainst, type PeerEntry } from '../../src/domain/peers.js';

const A: PeerEntry = { realm_name: 'A.MRS', ip_port: '10.0.0.1:21732,10.0.0.2:21732' };
const X: PeerEntry = { realm_name: 'X.MRS', ip_port: '10.9.0.1:21732' };
const GARBLED: PeerEntry = { realm_name: 'old realm', ip_port: 'not an address' };

describe('peer_realms merge', () => {
  it('adds a new peer at the end and keeps the others exactly', () => {
    const edit = mergePeer([X, GARBLED], A);
    expect(edit.peers).toEqual([X, GARBLED, A]);
    expect(edit.change).toEqual({ kind: 'added', realm: 'A.MRS', after: A });
  });
  it('is unchanged when the same peer is present (also with different spacing of IPv6 case)', () => {
    expect(mergePeer([A], A).change.kind).toBe('unchanged');
    const v6 = { realm_name: 'V.MRS', ip_port: '[FD00::1]:88' };
    expect(mergePeer([v6], { realm_name: 'V.MRS', ip_port: '[fd00::1]:88' }).change.kind).toBe('unchanged');
  });
  it('updates in place when the KDCs changed', () => {
    const moved = { realm_name: 'A.MRS', ip_port: '10.0.0.3:21732' };
    const edit = mergePeer([X, A, GARBLED], moved);
    expect(edit.peers).toEqual([X, moved, GARBLED]);
    expect(edit.change).toEqual({ kind: 'updated', realm: 'A.MRS', before: A, after: moved });
  });
  it('updates only the first row of a realm listed twice, keeping the second', () => {
    const dup = { realm_name: 'A.MRS', ip_port: '10.0.0.9:1' };
    const edit = mergePeer([A, dup], { realm_name: 'A.MRS', ip_port: '10.0.0.5:1' });
    expect(edit.peers).toEqual([{ realm_name: 'A.MRS', ip_port: '10.0.0.5:1' }, dup]);
  });
  it('removes only the named realm', () => {
    expect(removePeer([X, A, GARBLED], 'A.MRS')).toEqual({ peers: [X, GARBLED], change: { kind: 'removed', realm: 'A.MRS', before: A } });
    expect(removePeer([X], 'A.MRS').change.kind).toBe('absent');
  });
  it('undo touches only what the change wrote, keeping peers added since', () => {
    const added = mergePeer([X], A);
    const later = [...added.peers, GARBLED];
    expect(undoAgainst(later, added.change)).toMatchObject({ peers: [X, GARBLED], outcome: 'undo' });
    const moved = { realm_name: 'A.MRS', ip_port: '10.0.0.3:21732' };
    const updated = mergePeer([A, X], moved);
    expect(undoAgainst([...updated.peers, GARBLED], updated.change).peers).toEqual([A, X, GARBLED]);
    const removed = removePeer([A, X], 'A.MRS');
    expect(undoAgainst(removed.peers, removed.change).peers).toEqual([X, A]);
  });
  it('undo keeps a row someone else changed since, and knows a row already as before', () => {
    const added = mergePeer([X], A);
    const theirs = { realm_name: 'A.MRS', ip_port: '10.0.0.77:88' };
    expect(undoAgainst([X, theirs], added.change)).toMatchObject({ peers: [X, theirs], outcome: 'kept', change: { kind: 'unchanged' } });
    expect(undoAgainst([X], added.change)).toMatchObject({ peers: [X], outcome: 'already', change: { kind: 'absent' } });
    const removed = removePeer([A, X], 'A.MRS');
    expect(undoAgainst([A, X], removed.change).outcome).toBe('already');
  });
  it('composes the changes of one operation into a net change', () => {
    const moved = { realm_name: 'A.MRS', ip_port: '10.0.0.3:21732' };
    const added = mergePeer([X], A).change;
    const updated = mergePeer([A], moved).change;
    const removed = removePeer([moved], 'A.MRS').change;
    expect(netChange([added, updated])).toEqual({ kind: 'added', realm: 'A.MRS', after: moved });
    expect(netChange([added, updated, removed])).toBeUndefined();
    expect(netChange([updated, removed])).toEqual({ kind: 'removed', realm: 'A.MRS', before: A });
    expect(netChange([{ kind: 'unchanged', realm: 'A.MRS', entry: A }])).toBeUndefined();
  });
  it('counts distinct realms', () => {
    expect(distinctPeerCount([A, X, A])).toBe(2);
    expect(samePeerList([A, X], [A, X])).toBe(true);
    expect(samePeerList([A, X], [X, A])).toBe(false);
  });

  const realm = fc.stringMatching(/^[A-Z][A-Z0-9._]{0,8}$/);
  const entry = fc.record({ realm_name: realm, ip_port: fc.string({ maxLength: 30 }) });

  it('never drops or alters an existing peer of another realm (property)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), entry, (peers, added) => {
        const merged = mergePeer(peers, added).peers;
        for (const p of peers.filter((q) => q.realm_name !== added.realm_name)) expect(merged).toContainEqual(p);
        expect(merged.length).toBeGreaterThanOrEqual(peers.length);
        expect(merged.filter((p) => p.realm_name !== added.realm_name)).toEqual(peers.filter((p) => p.realm_name !== added.realm_name));
        const removed = removePeer(merged, added.realm_name).peers;
        expect(removed.filter((p) => p.realm_name !== added.realm_name)).toEqual(peers.filter((p) => p.realm_name !== added.realm_name));
      }),
    );
  });

  it('merge is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), entry, (peers, added) => {
        const once = mergePeer(peers, added).peers;
        const twice = mergePeer(once, added);
        expect(twice.peers).toEqual(once);
        expect(twice.change.kind).toBe('unchanged');
      }),
    );
  });
});
