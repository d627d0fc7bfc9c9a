import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ClusterLayout } from '../layout.js';
import type { RuleV3 } from '../../wire/cloud/vpc.js';
import { noCloudFaults, type CloudFaults } from './faults.js';

/** One simulated MRS cluster as the cloud API sees it. */
export interface CloudCluster {
  name: string;
  projectId: string;
  clusterId: string;
  /** Master group (`securityGroupsId`) and Core group (`slaveSecurityGroupsId`): they differ here, as they may on MRS. */
  masterGroup: string;
  coreGroup: string;
  masterNodeIp: string;
  nodes: { name: string; ip: string; type: 'MasterNode' | 'CoreNode' }[];
  version: string;
}

const hex = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

export function cloudCluster(layout: ClusterLayout, subnet: number): CloudCluster {
  const seed = `sandbox-${subnet}-${layout.name}`;
  return {
    name: layout.name,
    projectId: hex(`project:${seed}`, 32),
    clusterId: `${hex(`cluster:${seed}`, 8)}-${hex(`cluster2:${seed}`, 4)}-${hex(`cluster3:${seed}`, 4)}`,
    masterGroup: `sg-${layout.name}-master`,
    coreGroup: `sg-${layout.name}-core`,
    masterNodeIp: layout.nodes[0]?.ip ?? layout.managerIp,
    nodes: layout.nodes.map((n) => ({ name: n.name, ip: n.ip, type: n.name.startsWith('master') ? 'MasterNode' : 'CoreNode' })),
    version: 'MRS 2.1.0',
  };
}

/**
 * The state of the sandbox cloud: one account (AK/SK and an IAM user) owning one project per
 * cluster, two security groups per cluster, their rules, and the tokens issued.
 */
export class CloudSim {
  readonly ak = `SBX${randomBytes(8).toString('hex').toUpperCase()}`;
  readonly sk = randomBytes(24).toString('base64url');
  readonly user = 'sandbox';
  readonly domain = 'sandbox';
  readonly password = `Cloud-${randomBytes(9).toString('base64url')}@1`;
  readonly tokens = new Map<string, { projectId: string; expiresAt: Date }>();
  readonly rules = new Map<string, RuleV3[]>();
  faults: CloudFaults = noCloudFaults();
  /** Counts by endpoint, for `sandbox status` and tests. */
  readonly calls = new Map<string, number>();

  constructor(
    readonly clusters: CloudCluster[],
    options: { closedGroups: boolean },
  ) {
    for (const c of clusters) for (const g of [c.masterGroup, c.coreGroup]) this.rules.set(g, this.defaultRules(g, c, options.closedGroups));
  }

  private defaultRules(group: string, self: CloudCluster, closed: boolean): RuleV3[] {
    const rule = (extra: Partial<RuleV3>): RuleV3 => ({ id: randomUUID(), security_group_id: group, direction: 'ingress', ethertype: 'IPv4', protocol: null, multiport: null, action: 'allow', priority: 1, remote_group_id: null, remote_ip_prefix: null, remote_address_group_id: null, description: '', ...extra });
    // What a new MRS cluster's groups hold: all egress, and ANY between its own groups.
    const rules = [rule({ direction: 'egress' }), rule({ direction: 'egress', ethertype: 'IPv6' }), rule({ remote_group_id: self.masterGroup }), rule({ remote_group_id: self.coreGroup })];
    if (!closed) {
      for (const peer of this.clusters.filter((c) => c !== self)) {
        for (const g of [peer.masterGroup, peer.coreGroup]) rules.push(rule({ remote_group_id: g, description: `sandbox: open to ${peer.name}` }));
      }
    }
    return rules;
  }

  projectOf(projectId: string): CloudCluster | undefined {
    return this.clusters.find((c) => c.projectId === projectId);
  }

  issueToken(projectId: string, now: Date): { token: string; expiresAt: Date } {
    const token = `MIIsbx${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + 24 * 3_600_000);
    this.tokens.set(token, { projectId, expiresAt });
    return { token, expiresAt };
  }

  /** Rules of every group, for `sandbox status --json` and tests. */
  snapshot(): Record<string, RuleV3[]> {
    return Object.fromEntries([...this.rules].map(([g, r]) => [g, r.map((x) => ({ ...x }))]));
  }
}
