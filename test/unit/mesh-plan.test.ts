import { describe, expect, it } from 'vitest';
import { buildMeshPlan, direction, meshChangesAnything, meshLimitProblems, pairState, trustMatrix } from '../../src/domain/mesh-plan.js';
import { peerEntry } from '../../src/domain/peers.js';
import { pairsOf, partnersOf, type Topology } from '../../src/domain/topology.js';
import type { ClusterFacts } from '../../src/domain/facts.js';
import { facts } from '../support/facts.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
const topo = (clusters: string[], trusts: Topology['trusts']): Topology => ({ version: 1, clusters, trusts });
const all = (list: string[], over: (name: string) => Partial<ClusterFacts> = () => ({})) =>
  Object.fromEntries(list.map((n, i) => [n, facts(n, i + 1, over(n))]));

describe('topology pairs', () => {
  it('full: n(n-1)/2 pairs, sorted, each once', () => {
    expect(pairsOf(topo(['c', 'a', 'b'], 'full'))).toEqual([['a', 'b'], ['a', 'c'], ['b', 'c']]);
    expect(pairsOf(topo(names(6), 'full'))).toHaveLength(15);
    expect(pairsOf(topo(names(17), 'full'))).toHaveLength(136);
  });
  it('hub: the hub with every other cluster', () => {
    expect(pairsOf(topo(['a', 'b', 'c'], { hub: 'b' }))).toEqual([['a', 'b'], ['b', 'c']]);
  });
  it('pairs: as given, order and duplicates folded, self-pairs dropped', () => {
    expect(pairsOf(topo(['a', 'b', 'c'], { pairs: [['c', 'b'], ['b', 'c'], ['a', 'a'], ['a', 'b']] }))).toEqual([['a', 'b'], ['b', 'c']]);
  });
  it('partners are mutual', () => {
    const partners = partnersOf(pairsOf(topo(['a', 'b', 'c'], { hub: 'a' })));
    expect(Object.fromEntries(partners)).toEqual({ a: ['b', 'c'], b: ['a'], c: ['a'] });
  });
});

describe('mesh plan', () => {
  it('a full mesh of 3: every cluster gets both partners in one change set and one restart', () => {
    const f = all(['a', 'b', 'c']);
    const plan = buildMeshPlan(f, pairsOf(topo(['a', 'b', 'c'], 'full')));
    expect(plan.sides.map((s) => [s.cluster, s.changes.map((c) => `${c.kind} ${c.realm}`), s.restart])).toEqual([
      ['a', ['added B.MRS', 'added C.MRS'], ['KrbServer']],
      ['b', ['added A.MRS', 'added C.MRS'], ['KrbServer']],
      ['c', ['added A.MRS', 'added B.MRS'], ['KrbServer']],
    ]);
    expect(plan.sides[0]?.peersAfter).toEqual([peerEntry('B.MRS', f.b!.kdcs), peerEntry('C.MRS', f.c!.kdcs)]);
  });

  it('keeps peers outside the topology exactly, in place; --prune removes them', () => {
    const partner = { realm_name: 'PARTNER.MRS', ip_port: '10.99.0.1:21732' };
    const f = all(['a', 'b'], (n) => (n === 'a' ? { peers: [partner] } : {}));
    const kept = buildMeshPlan(f, [['a', 'b']]);
    expect(kept.sides[0]?.peersAfter[0]).toEqual(partner);
    expect(kept.sides[0]?.changes.map((c) => c.kind)).toEqual(['added']);
    const pruned = buildMeshPlan(f, [['a', 'b']], { prune: true });
    expect(pruned.sides[0]?.peersAfter.map((p) => p.realm_name)).toEqual(['B.MRS']);
    expect(pruned.sides[0]?.changes.map((c) => `${c.kind} ${c.realm}`)).toEqual(['added B.MRS', 'removed PARTNER.MRS']);
  });

  it('a second plan over the result changes nothing', () => {
    const list = ['a', 'b', 'c'];
    const f = all(list);
    const first = buildMeshPlan(f, pairsOf(topo(list, 'full')));
    const after = Object.fromEntries(list.map((n) => [n, { ...f[n]!, peers: first.sides.find((s) => s.cluster === n)!.peersAfter }]));
    const second = buildMeshPlan(after, pairsOf(topo(list, 'full')));
    expect(meshChangesAnything(first)).toBe(true);
    expect(meshChangesAnything(second)).toBe(false);
    expect(second.sides.every((s) => s.restart.length === 0)).toBe(true);
  });

  it('stale KDCs are updated in place', () => {
    const f = all(['a', 'b'], (n) => (n === 'a' ? { peers: [{ realm_name: 'B.MRS', ip_port: '10.2.0.99:21732' }] } : {}));
    const plan = buildMeshPlan(f, [['a', 'b']]);
    expect(plan.sides[0]?.changes.map((c) => c.kind)).toEqual(['updated']);
  });

  it('a full mesh of 17 on 2.x is exactly 16 peers each; 18 is refused naming every cluster over the limit', () => {
    const ok = names(17);
    const plan17 = buildMeshPlan(all(ok), pairsOf(topo(ok, 'full')));
    expect(plan17.sides.every((s) => s.peersAfter.length === 16)).toBe(true);
    expect(meshLimitProblems(plan17)).toEqual([]);
    const over = names(18);
    const problems = meshLimitProblems(buildMeshPlan(all(over), pairsOf(topo(over, 'full'))));
    expect(problems).toHaveLength(18);
    expect(problems[0]).toMatchObject({ code: 'PEER_LIMIT', cluster: 'c01', message: 'c01: 17 peer realms after the mesh; the limit is 16' });
  });

  it('a hub of 18 is within the limit for the spokes but not the hub', () => {
    const list = names(18);
    const problems = meshLimitProblems(buildMeshPlan(all(list), pairsOf(topo(list, { hub: 'c01' }))));
    expect(problems.map((p) => p.cluster)).toEqual(['c01']);
  });
});

describe('trust matrix', () => {
  const a = facts('a', 1);
  const b = facts('b', 2);
  const aListsB = { ...a, peers: [peerEntry(b.realm, b.kdcs)] };
  const bListsA = { ...b, peers: [peerEntry(a.realm, a.kdcs)] };
  it('names both / one-way / none / stale', () => {
    expect(pairState(aListsB, bListsA)).toBe('both');
    expect(pairState(aListsB, b)).toBe('one-way');
    expect(pairState(a, b)).toBe('none');
    expect(pairState({ ...a, peers: [{ realm_name: 'B.MRS', ip_port: '10.2.0.99:21732' }] }, bListsA)).toBe('stale');
    expect(direction(aListsB, b)).toBe('ok');
  });
  it('is N×N without the diagonal', () => {
    expect(trustMatrix([aListsB, b])).toEqual({ a: { b: 'ok' }, b: { a: 'none' } });
  });
});
