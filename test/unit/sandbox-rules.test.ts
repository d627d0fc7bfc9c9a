import { describe, expect, it } from 'vitest';
import { FaultPlan, parseFaultFile } from '../../src/sandbox/faults.js';
import { peerRealmsProblem } from '../../src/sandbox/manager/rules.js';
import { resolveNames } from '../../src/sandbox/names.js';
import { sandboxLayout } from '../../src/sandbox/layout.js';

describe('sandbox peer_realms rules (independent of src/domain)', () => {
  const row = (realm_name: string, ip_port = '10.0.0.1:21732') => ({ realm_name, ip_port });
  it.each([
    [[row('B.MRS')], undefined],
    [[row('B.MRS', '10.0.0.1:21732,10.0.0.2:21732')], undefined],
    [[row('B.MRS', '[fd00::1]:21732')], undefined],
    [[row('9LIVES_X.MRS')], undefined],
    [[row('b.MRS')], 'is invalid'],
    [[row('.B')], 'is invalid'],
    [[row('A.MRS')], 'own realm'],
    [[row('B.MRS', '10.0.0.1:21732,')], 'ip:port'],
    [[row('B.MRS', '10.0.0.1:0')], 'ip:port'],
    [[row('B.MRS', '10.0.0.1:65536')], 'ip:port'],
    [[row('B.MRS', '10.0.0.256:21732')], 'ip:port'],
    [[row('B.MRS', 'fd00::1:21732')], 'ip:port'],
    [[row('B.MRS', '')], 'ip:port'],
    [[row('B.MRS'), row('B.MRS')], 'twice'],
    [Array.from({ length: 16 }, (_, i) => row(`P${i}.MRS`)), undefined],
    [Array.from({ length: 17 }, (_, i) => row(`P${i}.MRS`)), 'at most 16'],
  ])('%j → %s', (rows, problem) => {
    const result = peerRealmsProblem(rows, 'A.MRS');
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });
});

describe('fault files', () => {
  it('parses YAML and JSON with defaults', () => {
    const yaml = parseFaultFile('faults:\n  - endpoint: save\n    status: 500\nclusters:\n  beta:\n    concurrentEdit: {}\n');
    expect(yaml.faults).toEqual([{ endpoint: 'save', status: 500, after: 0 }]);
    expect(yaml.clusters.beta?.concurrentEdit).toEqual({ afterReads: 1, realm: 'INTRUDER.MRS' });
    expect(parseFaultFile('{"faults":[{"endpoint":"*","latencyMs":5}]}').faults[0]).toMatchObject({ endpoint: '*', latencyMs: 5 });
    expect(parseFaultFile('').faults).toEqual([]);
  });

  it.each([
    ['faults:\n  - endpoint: nope\n', 'faults.0.endpoint'],
    ['faults:\n  - endpoint: save\n    status: 200\n', 'faults.0.status'],
    ['faults:\n  - endpoint: save\n    colour: red\n', 'faults.0'],
    ['clusters:\n  a:\n    restartOutcome: MAYBE\n', 'clusters.a.restartOutcome'],
    ['faults: [', 'not YAML or JSON'],
  ])('rejects %j naming %s', (text, where) => {
    expect(() => parseFaultFile(text, 'f.yaml')).toThrow(where);
  });

  it('after and times select requests; cluster and endpoint filter', () => {
    const plan = new FaultPlan(parseFaultFile('faults:\n  - {cluster: a, endpoint: save, after: 1, times: 2, status: 503}\n  - {endpoint: "*", latencyMs: 1}\n').faults);
    const hits = (cluster: string, endpoint: 'save' | 'hosts') => plan.match(cluster, endpoint).map((f) => (f.status ? 'status' : 'latency'));
    expect([hits('a', 'save'), hits('a', 'save'), hits('a', 'save'), hits('a', 'save')]).toEqual([['latency'], ['status', 'latency'], ['status', 'latency'], ['latency']]);
    expect(hits('b', 'save')).toEqual(['latency']);
    expect(hits('a', 'hosts')).toEqual(['latency']);
  });
});

describe('cluster names', () => {
  it('defaults, --count and --clusters', () => {
    expect(resolveNames(undefined, undefined)).toEqual(['alpha', 'beta']);
    expect(resolveNames(undefined, 3)).toEqual(['alpha', 'beta', 'gamma']);
    expect(resolveNames(undefined, 26).slice(-2)).toEqual(['c25', 'c26']);
    expect(resolveNames(['x', 'y-1'], undefined)).toEqual(['x', 'y-1']);
  });
  it.each([
    [['a b'], undefined, 'not a valid cluster name'],
    [['a-b', 'a_b'], undefined, 'share its realm'],
    [['a'], 2, 'not both'],
    [undefined, 0, '1..200'],
  ])('%j / %s → %s', (names, count, text) => {
    expect(() => resolveNames(names, count)).toThrow(text);
  });
  it('layout: distinct loopback addresses per cluster and per subnet', () => {
    const layout = sandboxLayout(['alpha', 'beta'], 9);
    expect(layout.clusters.map((c) => [c.managerIp, ...c.kdcIps])).toEqual([
      ['127.9.1.10', '127.9.1.11', '127.9.1.12'],
      ['127.9.2.10', '127.9.2.11', '127.9.2.12'],
    ]);
  });
});
