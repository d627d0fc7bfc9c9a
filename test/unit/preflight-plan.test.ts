import { describe, expect, it } from 'vitest';
import { buildLinkPlan, buildUnlinkPlan, planChangesAnything, renderPlan } from '../../src/domain/plan.js';
import { linkPreflight, unlinkPreflight } from '../../src/domain/preflight.js';
import { peerLimitFor, profileFor } from '../../src/domain/version.js';
import { facts } from '../support/facts.js';

const codes = (p: { code: string }[]) => p.map((x) => x.code);

describe('link preflight', () => {
  const a = facts('alpha', 1);
  const b = facts('beta', 2);

  it('passes two healthy, distinct clusters', () => expect(linkPreflight(a, b)).toEqual([]));
  it.each([
    ['SAME_REALM', { realm: 'ALPHA.MRS' }],
    ['REALM_INVALID', { realm: 'beta.mrs' }],
    ['KERBEROS_OFF', { kerberos: false }],
    ['NO_KDC', { kdcs: [] }],
    ['SERVICE_UNHEALTHY', { services: [{ name: 'Hive', health: 'BAD' as const }, { name: 'HDFS', health: 'GOOD' as const }] }],
    ['SHARED_IPS', { hosts: [{ name: 'x', ip: '10.1.0.11' }] }],
    ['SHARED_HOSTNAMES', { hosts: [{ name: 'MASTER1.alpha', ip: '10.2.0.50' }] }],
  ])('refuses %s', (code, over) => {
    expect(codes(linkPreflight(a, facts('beta', 2, over)))).toContain(code);
  });
  it('passes a 3.x side (the assisted procedure) and a mixed pair', () => {
    expect(linkPreflight(a, facts('beta', 2, { mrsVersion: '3.1.0', peerLimit: peerLimitFor('3.1.0') }))).toEqual([]);
  });
  it('lists unhealthy services by name', () => {
    const [problem] = linkPreflight(a, facts('beta', 2, { services: [{ name: 'Hive', health: 'BAD' }, { name: 'Kafka', health: 'UNKNOWN' }] }));
    expect(problem?.message).toBe('beta: services not healthy: Hive (BAD), Kafka (UNKNOWN)');
  });
  it('checks the peer limit after the merge, on distinct realms', () => {
    const peers = Array.from({ length: 15 }, (_, i) => ({ realm_name: `P${i}.MRS`, ip_port: `10.9.0.${i + 1}:21732` }));
    expect(linkPreflight(facts('alpha', 1, { peers }), b)).toEqual([]);
    const full = [...peers, { realm_name: 'P15.MRS', ip_port: '10.9.0.99:21732' }];
    expect(codes(linkPreflight(facts('alpha', 1, { peers: full }), b))).toEqual(['PEER_LIMIT']);
    // Updating an existing row never counts as a new peer.
    const withB = [...peers.slice(0, 15), { realm_name: 'BETA.MRS', ip_port: '10.2.0.99:21732' }];
    expect(linkPreflight(facts('alpha', 1, { peers: withB }), b)).toEqual([]);
    expect(codes(linkPreflight(facts('alpha', 1, { peers: full, peerLimit: 500 }), b))).toEqual([]);
  });
  it('unlink only refuses unsupported versions', () => {
    expect(unlinkPreflight(facts('a', 1, { services: [] }), facts('b', 2, { kerberos: false }))).toEqual([]);
    expect(codes(unlinkPreflight(a, facts('b', 2, { mrsVersion: '3.0.0' })))).toEqual(['MRS_VERSION_UNSUPPORTED']);
  });
});

describe('version profiles', () => {
  it.each([['2.1.0', 16], ['MRS 2.0.1', 16], ['1.9.2', 16], ['3.1.5-LTS.1', 16], ['garbage', 16]])('%s → %d', (v, n) => expect(peerLimitFor(v)).toBe(n));
  it('override wins', () => expect(peerLimitFor('2.1.0', 32)).toBe(32));
  // One page says 500, the note under the form says 16: the smaller one, unless peerLimit says otherwise.
  it('3.x is linked by the assisted procedure, limit 16 unless peerLimit says otherwise', () => {
    expect(profileFor('3.1.0')).toMatchObject({ supported: true, peerLimit: 16 });
    expect(peerLimitFor('3.1.0', 500)).toBe(500);
  });
});

describe('plan', () => {
  const seeded = { realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' };
  const a = facts('alpha', 1, { peers: [seeded] });
  const b = facts('beta', 2);

  it('adds each side to the other and restarts KrbServer on both', () => {
    const plan = buildLinkPlan(a, b, { clientHosts: { alpha: ['c1'] } });
    expect(plan.sides[0].peersAfter).toEqual([seeded, { realm_name: 'BETA.MRS', ip_port: '10.2.0.11:21732,10.2.0.12:21732' }]);
    expect(plan.sides[1].peersAfter).toEqual([{ realm_name: 'ALPHA.MRS', ip_port: '10.1.0.11:21732,10.1.0.12:21732' }]);
    expect(plan.sides.map((s) => s.restart)).toEqual([['KrbServer'], ['KrbServer']]);
    expect(plan.sides[0].clientHosts).toEqual(['c1']);
    expect(planChangesAnything(plan)).toBe(true);
    const text = renderPlan(plan).join('\n');
    expect(text).toContain('+ add     BETA.MRS  10.2.0.11:21732,10.2.0.12:21732');
    expect(text).toContain('= keep    OTHER.MRS  10.9.0.1:21732');
  });
  it('changes nothing when both sides already list each other', () => {
    const first = buildLinkPlan(a, b);
    const plan = buildLinkPlan({ ...a, peers: first.sides[0].peersAfter }, { ...b, peers: first.sides[1].peersAfter });
    expect(plan.sides.map((s) => s.change.kind)).toEqual(['unchanged', 'unchanged']);
    expect(planChangesAnything(plan)).toBe(false);
    expect(renderPlan(plan).join('\n')).toContain('(already present)');
  });
  it('says when a peer moved its KDCs', () => {
    const stale = facts('alpha', 1, { peers: [{ realm_name: 'BETA.MRS', ip_port: '10.2.0.99:21732' }] });
    const plan = buildLinkPlan(stale, b);
    expect(plan.sides[0].change.kind).toBe('updated');
    expect(renderPlan(plan).join('\n')).toContain('~ update  BETA.MRS  10.2.0.99:21732 → 10.2.0.11:21732,10.2.0.12:21732');
  });
  it('unlink removes only the other side', () => {
    const linked = buildLinkPlan(a, b);
    const plan = buildUnlinkPlan({ ...a, peers: linked.sides[0].peersAfter }, { ...b, peers: linked.sides[1].peersAfter });
    expect(plan.sides[0].peersAfter).toEqual([seeded]);
    expect(plan.sides[1].peersAfter).toEqual([]);
    expect(buildUnlinkPlan(a, b).sides[1].change.kind).toBe('absent');
  });
});
