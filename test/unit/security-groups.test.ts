import { describe, expect, it } from 'vitest';
import { assessGroup, assessPair, describeRule, overallStatus, requiredPorts, type GroupRules, type SecurityGroupRule, type SideView } from '../../src/domain/security-groups.js';
import { cidrContains, parseCidr } from '../../src/domain/cidr.js';

const alpha: SideView = { name: 'alpha', securityGroupIds: ['sg-a'], nodeIps: ['10.1.0.11', '10.1.0.12', '10.1.0.13'] };
const beta: SideView = { name: 'beta', securityGroupIds: ['sg-b'], nodeIps: ['10.2.0.11', '10.2.0.12'] };
const betaTwoGroups: SideView = { ...beta, securityGroupIds: ['sg-b', 'sg-b2'] };

let n = 0;
const rule = (r: Partial<SecurityGroupRule>): SecurityGroupRule => ({ id: `r${++n}`, securityGroupId: 'sg-a', direction: 'ingress', ethertype: 'IPv4', ...r });
const anyFrom = (g: string, extra: Partial<SecurityGroupRule> = {}) => rule({ remoteGroupId: g, ...extra });
const cidr = (prefix: string, protocol: string | undefined, ports?: [number, number][]) =>
  rule({ remoteIpPrefix: prefix, protocol, ports: ports?.map(([min, max]) => ({ min, max })) });
const group = (rules: SecurityGroupRule[] | undefined, error?: string): GroupRules => ({ securityGroupId: 'sg-a', rules, error });

describe('security-group coverage (alpha sg-a must admit beta)', () => {
  const table: { name: string; peer?: SideView; rules: SecurityGroupRule[] | undefined; error?: string; status: string; fix: string[]; missing?: RegExp }[] = [
    { name: 'ANY from the peer group passes', rules: [anyFrom('sg-b')], status: 'pass', fix: [] },
    { name: 'no rules at all fails with the ANY rule as fix', rules: [], status: 'fail', fix: ['sg-b'], missing: /^all of UDP 21732 \(KDC\), TCP 21732 \(KDC\), TCP 22 \(SSH\), TCP 28443 \(Manager\), TCP 20009 \(CAS\) from 10\.2\.0\.11, 10\.2\.0\.12$/ },
    { name: 'egress ANY to the peer does not count', rules: [anyFrom('sg-b', { direction: 'egress' })], status: 'fail', fix: ['sg-b'] },
    { name: 'IPv6 ANY from the peer group does not admit IPv4 nodes', rules: [anyFrom('sg-b', { ethertype: 'IPv6' })], status: 'fail', fix: ['sg-b'] },
    { name: 'ANY from an unrelated group fails', rules: [anyFrom('sg-other')], status: 'fail', fix: ['sg-b'] },
    { name: 'a CIDR admitting everything from the peer subnet passes', rules: [cidr('10.2.0.0/16', undefined)], status: 'pass', fix: [] },
    { name: 'CIDR covering only one peer node is partial', rules: [cidr('10.2.0.11/32', undefined)], status: 'partial', fix: ['sg-b'], missing: /from 10\.2\.0\.12$/ },
    { name: 'CIDR with TCP only (no UDP KDC) is partial', rules: [cidr('10.2.0.0/24', 'tcp')], status: 'partial', fix: ['sg-b'], missing: /^UDP 21732/ },
    { name: 'CIDR with exactly the required ports passes', rules: [cidr('10.2.0.0/24', 'udp', [[21732, 21732]]), cidr('10.2.0.0/24', 'tcp', [[22, 22], [20009, 20009], [21732, 21732], [28443, 28443]])], status: 'pass', fix: [] },
    { name: 'protocol numbers (6/17) count like names', rules: [cidr('10.2.0.0/24', '17', [[21732, 21732]]), cidr('10.2.0.0/24', '6', [[1, 65535]])], status: 'pass', fix: [] },
    { name: 'port range missing the Manager port is partial', rules: [cidr('10.2.0.0/24', 'udp', [[21732, 21732]]), cidr('10.2.0.0/24', 'tcp', [[22, 22], [20009, 21732]])], status: 'partial', fix: ['sg-b'], missing: /^TCP 28443 \(Manager\)/ },
    { name: 'a rule open to the world (no remote) admits the peer', rules: [rule({})], status: 'pass', fix: [] },
    { name: 'port-limited rule from the peer group covers those ports only', rules: [anyFrom('sg-b', { protocol: 'tcp', ports: [{ min: 22, max: 22 }] })], status: 'partial', fix: ['sg-b'] },
    { name: 'a deny rule from the peer group defeats ANY (conservative)', rules: [anyFrom('sg-b'), rule({ remoteGroupId: 'sg-b', action: 'deny', protocol: 'udp' })], status: 'partial', fix: [], missing: /^UDP 21732/ },
    { name: 'unreadable rules are unknown, never pass', rules: undefined, error: 'HTTP 403', status: 'unknown', fix: ['sg-b'] },
    { name: 'a shared group admits itself', peer: { ...beta, securityGroupIds: ['sg-a'] }, rules: [], status: 'pass', fix: [] },
    { name: 'two peer groups: ANY from one only is partial and fixes the other', peer: betaTwoGroups, rules: [anyFrom('sg-b')], status: 'partial', fix: ['sg-b2'] },
    { name: 'two peer groups: ANY from both passes', peer: betaTwoGroups, rules: [anyFrom('sg-b'), anyFrom('sg-b2')], status: 'pass', fix: [] },
    { name: 'peer IPs unknown: only group rules can prove it', peer: { ...beta, nodeIps: [] }, rules: [cidr('0.0.0.0/0', 'tcp')], status: 'fail', fix: ['sg-b'], missing: /peer node IPs unknown/ },
    { name: 'peer IPs unknown: ANY from the group passes', peer: { ...beta, nodeIps: [] }, rules: [anyFrom('sg-b')], status: 'pass', fix: [] },
    { name: 'address-group rules are listed but never counted', rules: [rule({ remoteAddressGroupId: 'ag-1' })], status: 'fail', fix: ['sg-b'] },
  ];

  it.each(table)('$name', (row) => {
    const finding = assessGroup(alpha, group(row.rules, row.error), row.peer ?? beta);
    expect(finding.status).toBe(row.status);
    expect(finding.fix.map((f) => f.remoteGroupId)).toEqual(row.fix);
    for (const f of finding.fix) {
      expect(f).toMatchObject({ cluster: 'alpha', securityGroupId: 'sg-a' });
      expect(f.description).toMatch(/^mrs-trust: admit beta/);
    }
    if (row.missing) expect(finding.missing.join('\n')).toMatch(new RegExp(row.missing.source, 'm'));
    if (row.status === 'pass') expect(finding.missing).toEqual([]);
    expect(finding.expected[0]).toMatch(/ingress IPv4 ANY from sg-b|is shared with beta/);
  });

  it('lists the rules it found, with their ids, and ignores unrelated ones', () => {
    const f = assessGroup(alpha, group([cidr('10.2.0.11/32', 'tcp', [[22, 22]]), cidr('192.168.0.0/16', undefined)]), beta);
    expect(f.found).toEqual([expect.stringMatching(/^r\d+: ingress IPv4 TCP 22 from 10\.2\.0\.11\/32$/)]);
  });

  it('custom KDC ports replace 21732', () => {
    expect(requiredPorts([88]).map((r) => `${r.protocol}/${r.port}`)).toEqual(['udp/88', 'tcp/88', 'tcp/22', 'tcp/28443', 'tcp/20009']);
    const f = assessGroup(alpha, group([cidr('10.2.0.0/24', 'udp', [[21732, 21732]]), cidr('10.2.0.0/24', 'tcp', [[1, 65535]])]), beta, requiredPorts([88]));
    expect(f.status).toBe('partial');
    expect(f.missing.join()).toMatch(/UDP 88/);
  });

  it('assessPair checks both directions and fails overall on any non-pass', () => {
    const findings = assessPair(alpha, [group([anyFrom('sg-b')])], beta, [{ securityGroupId: 'sg-b', rules: [] }]);
    expect(findings.map((f) => `${f.cluster}/${f.securityGroupId}<-${f.peer}:${f.status}`)).toEqual(['alpha/sg-a<-beta:pass', 'beta/sg-b<-alpha:fail']);
    expect(findings[1]?.fix).toEqual([{ cluster: 'beta', securityGroupId: 'sg-b', remoteGroupId: 'sg-a', description: expect.any(String) }]);
    expect(overallStatus(findings)).toBe('fail');
    expect(overallStatus(findings.slice(0, 1))).toBe('pass');
  });

  it('describes rules readably', () => {
    expect(describeRule(rule({ id: 'x', remoteGroupId: 'sg-b' }))).toBe('x: ingress IPv4 ANY from sg-b');
    expect(describeRule(rule({ id: 'y', protocol: 'udp', ports: [{ min: 1, max: 2 }, { min: 5, max: 5 }], action: 'deny' }))).toBe('y: ingress DENY IPv4 UDP 1-2,5 from 0.0.0.0/0');
  });
});

describe('CIDR arithmetic', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.2.0.11/32', '10.2.0.11', true],
    ['10.2.0.11', '10.2.0.12', false],
    ['0.0.0.0/0', '1.2.3.4', true],
    ['10.2.3.4/24', '10.2.3.200', true],
    ['fd00::/8', 'fd12::1', true],
    ['fd00::/8', '10.0.0.1', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:10.0.0.0/120', '::ffff:10.0.0.7', true],
  ] as const)('%s contains %s: %s', (c, ip, expected) => {
    const parsed = parseCidr(c);
    expect(parsed).toBeDefined();
    expect(cidrContains(parsed!, ip)).toBe(expected);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'x/1', '10.0.0.0/8/1', '::/129'])('rejects %s', (c) => expect(parseCidr(c)).toBeUndefined());
});
