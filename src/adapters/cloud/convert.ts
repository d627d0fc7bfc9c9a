import type { PortRange, SecurityGroupRule } from '../../domain/security-groups.js';
import { normalizeProtocol } from '../../domain/security-groups.js';
import type { RuleV1, RuleV3 } from '../../wire/cloud/vpc.js';
import type { CloudClusterInfo } from '../../ports/cloud.js';
import type { ClusterInfoWire } from '../../wire/cloud/mrs.js';

/**
 * The port's view of an MRS cluster from its `cluster_infos` object and its host IPs, for the
 * API and for an exported rules file alike. Both group fields count (`slaveSecurityGroupsId` is
 * deprecated but may differ), comma lists included; the master node IP is a node IP too.
 */
export function clusterInfoOf(c: ClusterInfoWire, hostIps: readonly string[], fallbackId: string): CloudClusterInfo {
  const master = c.masterNodeIp ?? undefined;
  const groups = [c.securityGroupsId, c.slaveSecurityGroupsId ?? ''].flatMap((g) => g.split(',')).map((g) => g.trim()).filter((g) => g !== '');
  return {
    clusterId: c.clusterId ?? fallbackId,
    clusterName: c.clusterName,
    clusterState: c.clusterState,
    clusterVersion: c.clusterVersion,
    kerberos: c.safeMode === 1,
    ...(c.vpcId ? { vpcId: c.vpcId } : {}),
    ...(c.subnetId ? { subnetId: c.subnetId } : {}),
    securityGroupIds: [...new Set(groups)],
    masterNodeIp: master,
    nodeIps: [...new Set([...hostIps, ...(master ? [master] : [])])],
  };
}

/** `22`, `22-30`, `22,80-90` → ranges; empty/null → undefined (all ports); malformed → Error. */
export function parseMultiport(text: string | null | undefined): PortRange[] | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  return text.split(',').map((part) => {
    const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(part);
    const min = Number(m?.[1]);
    const max = m?.[2] === undefined ? min : Number(m[2]);
    if (!m || min < 1 || max > 65535 || min > max) throw new Error(`multiport "${text}" is not a port list`);
    return { min, max };
  });
}

const opt = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? undefined : v);

export function fromV3(rule: RuleV3): SecurityGroupRule {
  const protocol = normalizeProtocol(rule.protocol);
  return {
    id: rule.id,
    securityGroupId: rule.security_group_id,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol,
    // ICMP rules carry no ports; ports only mean something for TCP/UDP.
    ports: protocol === 'tcp' || protocol === 'udp' ? parseMultiport(rule.multiport) : undefined,
    remoteGroupId: opt(rule.remote_group_id),
    remoteIpPrefix: opt(rule.remote_ip_prefix),
    remoteAddressGroupId: opt(rule.remote_address_group_id),
    action: rule.action ?? 'allow',
    priority: rule.priority ?? undefined,
    description: opt(rule.description),
  };
}

export function fromV1(rule: RuleV1): SecurityGroupRule {
  const protocol = normalizeProtocol(rule.protocol);
  const min = rule.port_range_min ?? undefined;
  const max = rule.port_range_max ?? min;
  const ranged = (protocol === 'tcp' || protocol === 'udp') && min !== undefined && min > 0;
  return {
    id: rule.id,
    securityGroupId: rule.security_group_id,
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol,
    ports: ranged ? [{ min, max: max ?? min }] : undefined,
    remoteGroupId: opt(rule.remote_group_id),
    remoteIpPrefix: opt(rule.remote_ip_prefix),
    remoteAddressGroupId: opt(rule.remote_address_group_id),
    action: 'allow',
    description: opt(rule.description),
  };
}
