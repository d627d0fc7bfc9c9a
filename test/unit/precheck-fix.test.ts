import { describe, expect, it } from 'vitest';
import type { SecurityGroupRule } from '../../src/domain/security-groups.js';
import { RemoteError, type MrsTrustError } from '../../src/errors/index.js';
import type { Cloud, CloudClusterInfo } from '../../src/ports/cloud.js';
import { fixSecurityGroups, rulesToAdd } from '../../src/workflow/precheck/fix.js';
import { checkSecurityGroups } from '../../src/workflow/precheck/security-groups.js';
import { networkPrecheck } from '../../src/workflow/precheck/for-link.js';
import { fakeNetwork } from '../support/fake-network.js';
import type { ClusterFacts } from '../../src/domain/facts.js';
import { MemoryJournal, noLocks } from '../support/link-deps.js';

/** A stateful fake cloud: groups with rules, optional failures by call number. */
class FakeCloud implements Cloud {
  readonly source = 'api' as const;
  rules = new Map<string, SecurityGroupRule[]>();
  creates = 0;
  failCreateAt?: number;
  failDelete = false;
  unreadable = new Set<string>();
  private next = 0;
  constructor(readonly cluster: string, private readonly info: CloudClusterInfo) {
    for (const g of info.securityGroupIds) this.rules.set(g, [{ id: `${g}-self`, securityGroupId: g, direction: 'ingress', ethertype: 'IPv4', remoteGroupId: g }]);
  }
  async readClusterInfo() {
    return this.info;
  }
  async listRules(g: string) {
    if (this.unreadable.has(g)) throw new RemoteError('CLOUD_NOT_FOUND', `${g} not found`);
    return [...(this.rules.get(g) ?? [])];
  }
  async addIngressFromGroup(g: string, remote: string) {
    this.creates += 1;
    if (this.failCreateAt === this.creates) throw new RemoteError('CLOUD_QUOTA', 'quota exceeded (VPC.9905)');
    const list = this.rules.get(g) as SecurityGroupRule[];
    const existing = list.find((r) => r.remoteGroupId === remote && r.protocol === undefined);
    if (existing) return { created: false, ruleId: existing.id };
    const id = `${this.cluster}-new-${++this.next}`;
    list.push({ id, securityGroupId: g, direction: 'ingress', ethertype: 'IPv4', remoteGroupId: remote });
    return { created: true, ruleId: id };
  }
  async deleteRule(id: string) {
    if (this.failDelete) throw new RemoteError('CLOUD_HTTP', 'delete failed');
    for (const list of this.rules.values()) {
      const i = list.findIndex((r) => r.id === id);
      if (i >= 0) list.splice(i, 1);
    }
  }
}

function setup() {
  const alpha = new FakeCloud('alpha', { clusterId: 'a', clusterName: 'alpha', clusterState: 'running', clusterVersion: 'MRS 2.1.0', kerberos: true, vpcId: 'v', subnetId: 's', securityGroupIds: ['sg-a1', 'sg-a2'], nodeIps: ['10.1.0.11'] });
  const beta = new FakeCloud('beta', { clusterId: 'b', clusterName: 'beta', clusterState: 'running', clusterVersion: 'MRS 2.1.0', kerberos: true, vpcId: 'v', subnetId: 's', securityGroupIds: ['sg-b1'], nodeIps: ['10.2.0.11'] });
  const journal = new MemoryJournal();
  const events: string[] = [];
  const deps = { clouds: { alpha, beta }, journal, locks: noLocks, clock: { now: () => new Date('2026-11-23T10:00:00Z'), sleep: async () => undefined }, events: { emit: (e: { type: string }) => events.push(e.type) }, newRunId: () => 'run-fix' };
  return { alpha, beta, journal, deps, events };
}

const journaledIds = (journal: MemoryJournal) => (journal.docs.get('alpha+beta')?.steps ?? []).flatMap((s) => (s.undo?.kind === 'security-group-rules' ? s.undo.ruleIds : []));

describe('precheck --fix workflow', () => {
  it('adds exactly the missing rules, journals each created id, and a second run finds nothing to add', async () => {
    const { deps, journal, alpha, beta } = setup();
    const check = await checkSecurityGroups(deps, 'alpha', 'beta');
    expect(check.status).toBe('fail');
    const rules = rulesToAdd(check.findings);
    expect(rules.map((r) => `${r.securityGroupId}<-${r.remoteGroupId}`)).toEqual(['sg-a1<-sg-b1', 'sg-a2<-sg-b1', 'sg-b1<-sg-a1', 'sg-b1<-sg-a2']);
    const { added } = await fixSecurityGroups(deps, 'alpha', 'beta', rules);
    expect(added.every((r) => r.created)).toBe(true);
    expect(journaledIds(journal).sort()).toEqual(['alpha-new-1', 'alpha-new-2', 'beta-new-1', 'beta-new-2']);
    expect(journal.docs.get('alpha+beta')).toMatchObject({ action: 'precheck-fix', status: 'done' });
    const after = await checkSecurityGroups(deps, 'alpha', 'beta');
    expect(after.status).toBe('pass');
    expect(rulesToAdd(after.findings)).toEqual([]);
    expect(alpha.creates + beta.creates).toBe(4);
  });

  it('a rule already present (VPC.9902 race) is reported but not journaled, so rollback never removes it', async () => {
    const { deps, journal, beta } = setup();
    const rules = rulesToAdd((await checkSecurityGroups(deps, 'alpha', 'beta')).findings);
    (beta.rules.get('sg-b1') as SecurityGroupRule[]).push({ id: 'someone-else', securityGroupId: 'sg-b1', direction: 'ingress', ethertype: 'IPv4', remoteGroupId: 'sg-a1' });
    const { added } = await fixSecurityGroups(deps, 'alpha', 'beta', rules);
    expect(added.find((r) => r.ruleId === 'someone-else')?.created).toBe(false);
    expect(journaledIds(journal)).not.toContain('someone-else');
  });

  it('a failure half-way removes what this run added: no partial state, the error is the original one', async () => {
    const { deps, journal, alpha, beta } = setup();
    const before = JSON.stringify([...alpha.rules, ...beta.rules]);
    beta.failCreateAt = 2;
    const rules = rulesToAdd((await checkSecurityGroups(deps, 'alpha', 'beta')).findings);
    const error = (await fixSecurityGroups(deps, 'alpha', 'beta', rules).catch((e: unknown) => e)) as MrsTrustError;
    expect(error.code).toBe('CLOUD_QUOTA');
    expect(JSON.stringify([...alpha.rules, ...beta.rules])).toBe(before);
    expect(journal.docs.get('alpha+beta')?.status).toBe('failed');
    expect(journaledIds(journal)).toEqual([]);
  });

  it('when the clean-up fails too: PartialError (exit 5), and the leftover ids stay journaled for rollback', async () => {
    const { deps, journal, alpha, beta } = setup();
    beta.failCreateAt = 1;
    alpha.failDelete = true;
    const rules = rulesToAdd((await checkSecurityGroups(deps, 'alpha', 'beta')).findings);
    const error = (await fixSecurityGroups(deps, 'alpha', 'beta', rules).catch((e: unknown) => e)) as MrsTrustError;
    expect(error.code).toBe('SG_FIX_PARTIAL');
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/quota exceeded.*2 rule\(s\) it added could not be removed again: alpha-new-2, alpha-new-1/);
    expect(journaledIds(journal).sort()).toEqual(['alpha-new-1', 'alpha-new-2']);
  });

  it('an unreadable group is unknown (never pass) and --fix leaves it alone', async () => {
    const { deps, alpha } = setup();
    alpha.unreadable.add('sg-a2');
    const check = await checkSecurityGroups(deps, 'alpha', 'beta');
    expect(check.findings.find((f) => f.securityGroupId === 'sg-a2')?.status).toBe('unknown');
    expect(rulesToAdd(check.findings).some((r) => r.securityGroupId === 'sg-a2')).toBe(false);
    expect(check.status).toBe('fail');
  });

  it('the link hook uses the KDC ports from the facts and turns failures into preflight problems', async () => {
    const { deps } = setup();
    const facts = (name: string, port: number) => ({ name, kdcs: [{ ip: '10.0.0.1', port }] }) as unknown as ClusterFacts;
    const warnings: string[] = [];
    const events = { emit: (e: { type: string; message?: string }) => e.type === 'warning' && warnings.push(e.message ?? '') };
    const endpoints = { alpha: [{ what: 'Manager', host: '10.0.0.10', port: 28443 }], beta: [{ what: 'Manager', host: '10.0.1.10', port: 28443 }] };
    const link = networkPrecheck({ clusters: {}, managers: {}, endpoints, clouds: deps.clouds, network: fakeNetwork(), events, signal: new AbortController().signal, timeoutMs: 100 });
    const result = await link.run(facts('alpha', 88), facts('beta', 21732));
    expect(result.summary).toBe('4 of 6 network checks pass (Managers, KDC probe over UDP and TCP, clocks); security groups: 0 of 3 groups admit the peer');
    expect(result.problems[0]).toEqual({ code: 'SECURITY_GROUP_FAIL', cluster: 'alpha', message: 'alpha sg-a1: no rule admits beta; add sg-a1: + ingress IPv4 ANY from sg-b1' });
    expect((result.details as { securityGroups: { findings: { missing: string[] }[] } }).securityGroups.findings[0]?.missing[0]).toMatch(/UDP 88 \(KDC\)/);
    // Managers without a clock reader: the clock check is unknown, a warning, never a pass.
    expect(warnings).toEqual([expect.stringMatching(/^precheck unknown: clock-skew: alpha: no usable Date header/)]);
  });
});

describe('rollback of --fix', () => {
  it('removes exactly the journaled rules (not the ones that were already there), and can run twice', async () => {
    const { removeJournaledRules } = await import('../../src/workflow/precheck/rollback.js');
    const { deps, journal, alpha, beta } = setup();
    const before = JSON.stringify([...alpha.rules, ...beta.rules]);
    const rules = rulesToAdd((await checkSecurityGroups(deps, 'alpha', 'beta')).findings);
    (beta.rules.get('sg-b1') as SecurityGroupRule[]).push({ id: 'someone-else', securityGroupId: 'sg-b1', direction: 'ingress', ethertype: 'IPv4', remoteGroupId: 'sg-a1' });
    await fixSecurityGroups(deps, 'alpha', 'beta', rules);
    const doc = journal.docs.get('alpha+beta');
    const removed = await removeJournaledRules(deps.clouds, doc as NonNullable<typeof doc>);
    expect(removed.map((r) => r.ruleId).sort()).toEqual(['alpha-new-1', 'alpha-new-2', 'beta-new-1']);
    expect((beta.rules.get('sg-b1') as SecurityGroupRule[]).map((r) => r.id)).toContain('someone-else');
    (beta.rules.get('sg-b1') as SecurityGroupRule[]).splice(-1);
    expect(JSON.stringify([...alpha.rules, ...beta.rules])).toBe(before);
    await removeJournaledRules(deps.clouds, doc as NonNullable<typeof doc>);
  });
});

describe('consecutive --fix runs', () => {
  it('a later --fix keeps the rule ids an earlier one journaled, so one rollback removes both', async () => {
    const { deps, journal, alpha } = setup();
    const rules = rulesToAdd((await checkSecurityGroups(deps, 'alpha', 'beta')).findings);
    // First run: only alpha's rules; then someone removes nothing, and a second run adds beta's.
    await fixSecurityGroups(deps, 'alpha', 'beta', rules.filter((r) => r.cluster === 'alpha'));
    await fixSecurityGroups({ ...deps, newRunId: () => 'run-2' }, 'alpha', 'beta', rules.filter((r) => r.cluster === 'beta'));
    const doc = journal.docs.get('alpha+beta');
    expect(doc?.runId).toBe('run-2');
    expect(journaledIds(journal).sort()).toEqual(['alpha-new-1', 'alpha-new-2', 'beta-new-1', 'beta-new-2']);
    expect(alpha.creates).toBe(2);
  });
});
