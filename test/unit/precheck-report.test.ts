import { describe, expect, it } from 'vitest';
import { assessGroup, type SideView } from '../../src/domain/security-groups.js';
import { renderPrecheck } from '../../src/report/precheck.js';
import { precheckResultSchema, type PrecheckResult } from '../../src/workflow/precheck/result.js';

const alpha: SideView = { name: 'alpha', securityGroupIds: ['sg-a'], nodeIps: ['10.1.0.11'] };
const beta: SideView = { name: 'beta', securityGroupIds: ['sg-b'], nodeIps: ['10.2.0.11', '10.2.0.12'] };

function result(): PrecheckResult {
  const findings = [
    assessGroup(alpha, { securityGroupId: 'sg-a', rules: [{ id: 'r1', securityGroupId: 'sg-a', direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', ports: [{ min: 22, max: 22 }], remoteIpPrefix: '10.2.0.0/24' }] }, beta),
    assessGroup(beta, { securityGroupId: 'sg-b', error: 'alpha: GET …: not found (HTTP 404 VPC.0602)' }, alpha),
  ];
  return precheckResultSchema.parse({
    ok: false,
    clusters: ['alpha', 'beta'],
    source: 'api',
    checks: [{ name: 'security-groups', status: 'fail', sides: [{ cluster: 'alpha', securityGroupIds: ['sg-a'], nodeIps: alpha.nodeIps, kdcPorts: [21732] }, { cluster: 'beta', securityGroupIds: ['sg-b'], nodeIps: beta.nodeIps, kdcPorts: [21732] }], findings }],
  });
}

describe('precheck report templates', () => {
  it('table: summary rows, then expected / found / missing / fix per failing group', () => {
    const text = renderPrecheck(result(), 'table');
    expect(text).toMatch(/^Pre-check alpha ↔ beta: FAIL \(rules from the cloud API\)\n/);
    expect(text).toMatch(/\n {2}alpha {4}sg-a {3}beta {4}PARTIAL {2}admits beta only partly: 2 of 10 required \(port, address\) pairs proven\n/);
    expect(text).toMatch(/\n {2}found: {4}r1: ingress IPv4 TCP 22 from 10\.2\.0\.0\/24\n/);
    expect(text).toMatch(/\n {2}missing: {2}UDP 21732 \(KDC\) from 10\.2\.0\.11, 10\.2\.0\.12\n/);
    expect(text).toMatch(/\n {2}fix: {6}sg-a: \+ ingress IPv4 ANY from sg-b\n/);
    expect(text).toMatch(/beta sg-b ← alpha: UNKNOWN\n {2}rules could not be read: .*\n[\s\S]*found: {4}the rules could not be read/);
    expect(text).toMatch(/Add the missing rules with: mrs-trust precheck alpha beta --fix\n$/);
  });

  it('markdown: a table row per group and a section per failing group', () => {
    const md = renderPrecheck(result(), 'md');
    expect(md).toMatch(/^# Pre-check: alpha ↔ beta — FAIL\n/);
    expect(md).toContain('| alpha | `sg-a` | beta | **partial** | admits beta only partly: 2 of 10 required (port, address) pairs proven |');
    expect(md).toContain('### alpha sg-a ← beta: PARTIAL');
    expect(md).toContain('  - `sg-a: + ingress IPv4 ANY from sg-b`');
    expect(md).toContain('- **Found:** the rules could not be read');
  });
});
