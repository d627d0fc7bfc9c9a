import { cidrContains, ipFamily, parseCidr } from './cidr.js';
import type { SecurityGroupRulePlan } from './plan.js';

/**
 * The security-group coverage rule (MRS procedure step 1): every group of cluster A must admit
 * cluster B (and the reverse). A group passes when, for every required port, each peer group is
 * admitted (the documented fix: ingress, protocol ANY, source = peer group), or CIDR rules cover
 * every peer node IP. Anything less is partial or fail; a group whose rules could not be read
 * is unknown — never pass. Pure: no I/O, no clock.
 */

export interface PortRange {
  min: number;
  max: number;
}

/** A security-group rule, whatever API family it came from (VPC v3, v1, an exported file). */
export interface SecurityGroupRule {
  id: string;
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** Lower-case name (`tcp`, `udp`, `icmp`) or IP protocol number; undefined = any protocol. */
  protocol?: string;
  /** undefined = every port. */
  ports?: PortRange[];
  remoteGroupId?: string;
  remoteIpPrefix?: string;
  /** An address group (VPC v3) cannot be expanded here: such rules are listed, never counted. */
  remoteAddressGroupId?: string;
  /** VPC v3 only; v1 rules are all `allow`. */
  action?: 'allow' | 'deny';
  priority?: number;
  description?: string;
}

export interface Requirement {
  protocol: 'tcp' | 'udp';
  port: number;
  why: string;
}

export const DEFAULT_KDC_PORT = 21732;

/** UDP+TCP to each KDC port, TCP 22 (client pushes), TCP 28443 (Manager) and TCP 20009 (CAS). */
export function requiredPorts(kdcPorts: readonly number[] = [DEFAULT_KDC_PORT]): Requirement[] {
  const kdc = [...new Set(kdcPorts)].flatMap((port): Requirement[] => [
    { protocol: 'udp', port, why: 'KDC' },
    { protocol: 'tcp', port, why: 'KDC' },
  ]);
  return [...kdc, { protocol: 'tcp', port: 22, why: 'SSH' }, { protocol: 'tcp', port: 28443, why: 'Manager' }, { protocol: 'tcp', port: 20009, why: 'CAS' }];
}

/** What the check knows about one side. */
export interface SideView {
  name: string;
  securityGroupIds: string[];
  nodeIps: string[];
}

/** The rules of one group, or why they could not be read. */
export interface GroupRules {
  securityGroupId: string;
  rules?: SecurityGroupRule[];
  error?: string;
}

export type CoverageStatus = 'pass' | 'partial' | 'fail' | 'unknown';

export interface SgFinding {
  check: 'security-groups';
  /** The cluster owning the group. */
  cluster: string;
  /** The cluster that must be admitted. */
  peer: string;
  securityGroupId: string;
  status: CoverageStatus;
  summary: string;
  expected: string[];
  found: string[];
  /** Required traffic not admitted, e.g. `UDP 21732 (KDC) from 10.0.1.11, 10.0.1.12`. */
  missing: string[];
  /** The exact rules that would make this group pass (empty when it passes). */
  fix: SecurityGroupRulePlan[];
}

const PROTOCOL_NUMBER: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

export function normalizeProtocol(protocol: string | null | undefined): string | undefined {
  if (protocol === null || protocol === undefined) return undefined;
  const p = protocol.trim().toLowerCase();
  if (p === '' || p === 'any' || p === 'all' || p === '-1') return undefined;
  return PROTOCOL_NUMBER[p] ?? p;
}

const admitsProtocol = (rule: SecurityGroupRule, protocol: string) => rule.protocol === undefined || normalizeProtocol(rule.protocol) === protocol;
const admitsPort = (rule: SecurityGroupRule, port: number) => rule.ports === undefined || rule.ports.some((r) => port >= r.min && port <= r.max);
const admits = (rule: SecurityGroupRule, r: Requirement) => admitsProtocol(rule, r.protocol) && admitsPort(rule, r.port);
export const isAnyRule = (rule: SecurityGroupRule) => rule.protocol === undefined && rule.ports === undefined;

/** A rule with no remote group, prefix or address group admits every source. */
function sourceContains(rule: SecurityGroupRule, ip: string): boolean {
  if (rule.remoteGroupId !== undefined || rule.remoteAddressGroupId !== undefined) return false;
  if (rule.remoteIpPrefix === undefined) return ipFamily(ip) === rule.ethertype;
  const cidr = parseCidr(rule.remoteIpPrefix);
  return cidr !== undefined && cidrContains(cidr, ip);
}

export function describeRule(rule: SecurityGroupRule): string {
  const proto = rule.protocol === undefined ? 'ANY' : (normalizeProtocol(rule.protocol) ?? 'ANY').toUpperCase();
  const ports = rule.ports === undefined ? '' : ` ${rule.ports.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(',')}`;
  const source = rule.remoteGroupId ?? rule.remoteIpPrefix ?? (rule.remoteAddressGroupId ? `address group ${rule.remoteAddressGroupId}` : rule.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0');
  const deny = rule.action === 'deny' ? 'DENY ' : '';
  return `${rule.id}: ${rule.direction} ${deny}${rule.ethertype} ${proto}${ports} from ${source}`;
}

export function describeRequirement(r: Requirement): string {
  return `${r.protocol.toUpperCase()} ${r.port} (${r.why})`;
}

export function fixRule(cluster: string, securityGroupId: string, peer: string, remoteGroupId: string): SecurityGroupRulePlan {
  return { cluster, securityGroupId, remoteGroupId, description: `mrs-trust: admit ${peer} (${remoteGroupId}) for Kerberos cross-realm trust` };
}

export function describeFix(rule: SecurityGroupRulePlan): string {
  return `${rule.securityGroupId}: + ingress IPv4 ANY from ${rule.remoteGroupId}`;
}

interface Context {
  self: SideView;
  groupId: string;
  peer: SideView;
  peerGroups: string[];
  family: 'IPv4' | 'IPv6';
  allow: SecurityGroupRule[];
  deny: SecurityGroupRule[];
}

/** Is (requirement) admitted from every peer group (a shared group admits itself)? */
function coveredByGroups(ctx: Context, r: Requirement): boolean {
  return ctx.peerGroups.every((g) => g === ctx.groupId || ctx.allow.some((rule) => rule.remoteGroupId === g && rule.ethertype === ctx.family && admits(rule, r)));
}

function denied(ctx: Context, r: Requirement, ip: string | undefined): boolean {
  return ctx.deny.some((rule) => admits(rule, r) && ((rule.remoteGroupId !== undefined && ctx.peerGroups.includes(rule.remoteGroupId)) || (ip !== undefined && sourceContains(rule, ip))));
}

function coveredByCidr(ctx: Context, r: Requirement, ip: string): boolean {
  return ctx.allow.some((rule) => admits(rule, r) && sourceContains(rule, ip));
}

/** The requirement lines not admitted, and how many (requirement × address) pairs were checked. */
function gaps(ctx: Context, requirements: Requirement[]): { missing: string[]; total: number; uncovered: number } {
  const ips = ctx.peer.nodeIps;
  const missing: string[] = [];
  let total = 0;
  let uncovered = 0;
  for (const r of requirements) {
    if (ips.length === 0) {
      total += 1;
      if (!coveredByGroups(ctx, r) || denied(ctx, r, undefined)) {
        uncovered += 1;
        missing.push(`${describeRequirement(r)} from ${ctx.peerGroups.join(', ')} (peer node IPs unknown)`);
      }
      continue;
    }
    const byGroups = coveredByGroups(ctx, r);
    const open = ips.filter((ip) => denied(ctx, r, ip) || !(byGroups || coveredByCidr(ctx, r, ip)));
    total += ips.length;
    uncovered += open.length;
    if (open.length > 0) missing.push(`${describeRequirement(r)} from ${open.join(', ')}`);
  }
  // Nothing admitted at all: one line instead of one per port.
  if (ips.length > 0 && uncovered === total && requirements.length > 1) {
    return { missing: [`all of ${requirements.map(describeRequirement).join(', ')} from ${ips.join(', ')}`], total, uncovered };
  }
  return { missing, total, uncovered };
}

function relevant(ctx: Context, rules: SecurityGroupRule[]): SecurityGroupRule[] {
  return rules.filter(
    (rule) =>
      rule.direction === 'ingress' &&
      ((rule.remoteGroupId !== undefined && ctx.peerGroups.includes(rule.remoteGroupId)) ||
        rule.remoteAddressGroupId !== undefined ||
        ctx.peer.nodeIps.some((ip) => sourceContains(rule, ip))),
  );
}

function expectedLines(ctx: Context, requirements: Requirement[]): string[] {
  const lines = ctx.peerGroups.map((g) => (g === ctx.groupId ? `${g} is shared with ${ctx.peer.name}: admitted` : `ingress ${ctx.family} ANY from ${g} (${ctx.peer.name})`));
  const ports = requirements.map(describeRequirement).join(', ');
  const ips = ctx.peer.nodeIps.length > 0 ? ctx.peer.nodeIps.join(', ') : `every ${ctx.peer.name} node`;
  lines.push(`or rules admitting ${ips} on ${ports}`);
  return lines;
}

/** Assesses one group of `self` against `peer`. */
export function assessGroup(self: SideView, group: GroupRules, peer: SideView, requirements: Requirement[] = requiredPorts()): SgFinding {
  const peerGroups = [...new Set(peer.securityGroupIds)];
  const family = ipFamily(peer.nodeIps[0] ?? '') ?? 'IPv4';
  const rules = group.rules ?? [];
  const ingress = rules.filter((r) => r.direction === 'ingress');
  const ctx: Context = { self, groupId: group.securityGroupId, peer, peerGroups, family, allow: ingress.filter((r) => r.action !== 'deny'), deny: ingress.filter((r) => r.action === 'deny') };
  const base = { check: 'security-groups' as const, cluster: self.name, peer: peer.name, securityGroupId: group.securityGroupId, expected: expectedLines(ctx, requirements) };
  const anyFix = peerGroups.filter((g) => g !== group.securityGroupId).map((g) => fixRule(self.name, group.securityGroupId, peer.name, g));
  if (group.rules === undefined) {
    return { ...base, status: 'unknown', summary: `rules could not be read: ${group.error ?? 'no answer'}`, found: [], missing: [], fix: anyFix };
  }
  if (peerGroups.length === 0) {
    return { ...base, status: 'unknown', summary: `the security groups of ${peer.name} are unknown`, found: relevant(ctx, rules).map(describeRule), missing: [], fix: [] };
  }
  const { missing, total, uncovered } = gaps(ctx, requirements);
  const found = relevant(ctx, rules).map(describeRule);
  if (uncovered === 0) {
    const how = peerGroups.every((g) => g === group.securityGroupId || ctx.allow.some((r) => r.remoteGroupId === g && isAnyRule(r))) ? 'ANY from each peer group' : 'rules covering every required port';
    return { ...base, status: 'pass', summary: `admits ${peer.name} (${how})`, found, missing: [], fix: [] };
  }
  const hasAny = (g: string) => ctx.allow.some((r) => r.remoteGroupId === g && r.ethertype === family && isAnyRule(r));
  const fix = anyFix.filter((f) => !hasAny(f.remoteGroupId));
  // A rule from one of several peer groups admits some peer nodes, but which ones is unknown.
  const somePeerGroupAdmitted = ctx.allow.some((r) => r.remoteGroupId !== undefined && r.ethertype === family && peerGroups.includes(r.remoteGroupId) && requirements.some((q) => admits(r, q)));
  const status: CoverageStatus = uncovered === total && !somePeerGroupAdmitted ? 'fail' : 'partial';
  const summary = status === 'fail' ? `no rule admits ${peer.name}` : `admits ${peer.name} only partly: ${total - uncovered} of ${total} required (port, address) pairs proven`;
  return { ...base, status, summary, found, missing, fix };
}

/** Every group of A against B, then every group of B against A. */
export function assessPair(a: SideView, aRules: GroupRules[], b: SideView, bRules: GroupRules[], kdcPorts?: readonly number[]): SgFinding[] {
  const requirements = requiredPorts(kdcPorts);
  return [...aRules.map((g) => assessGroup(a, g, b, requirements)), ...bRules.map((g) => assessGroup(b, g, a, requirements))];
}

/** The overall status: any fail/partial/unknown fails the check. */
export function overallStatus(findings: readonly SgFinding[]): 'pass' | 'fail' {
  return findings.every((f) => f.status === 'pass') ? 'pass' : 'fail';
}
