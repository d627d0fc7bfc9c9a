import type { Problem } from '../../domain/preflight.js';
import { assessGroup, DEFAULT_KDC_PORT, describeFix, overallStatus, requiredPorts, type GroupRules, type SgFinding, type SideView } from '../../domain/security-groups.js';
import { isMrsTrustError } from '../../errors/index.js';
import type { Cloud } from '../../ports/cloud.js';

/** Errors that make one group "unknown" instead of stopping the check. */
const UNREADABLE = new Set(['CLOUD_NOT_FOUND', 'RULES_FILE_NO_GROUP']);

export interface SgDeps {
  /** The cloud API (or an offline rules file) of each cluster, by cluster name. */
  clouds: Record<string, Cloud>;
}

export interface SgSide extends SideView {
  kdcPorts: number[];
}

export interface SgCheck {
  status: 'pass' | 'fail';
  sides: SgSide[];
  findings: SgFinding[];
}

async function readGroup(cloud: Cloud, securityGroupId: string): Promise<GroupRules> {
  try {
    return { securityGroupId, rules: await cloud.listRules(securityGroupId) };
  } catch (error) {
    if (isMrsTrustError(error) && UNREADABLE.has(error.code)) return { securityGroupId, error: error.message };
    throw error;
  }
}

async function readSide(cloud: Cloud, name: string, kdcPorts: number[]): Promise<{ side: SgSide; groups: GroupRules[] }> {
  const info = await cloud.readClusterInfo();
  const groups = await Promise.all(info.securityGroupIds.map((g) => readGroup(cloud, g)));
  return { side: { name, securityGroupIds: info.securityGroupIds, nodeIps: info.nodeIps, kdcPorts }, groups };
}

/**
 * The security-group pre-check of a pair: reads both clusters' groups, node IPs and rules, then
 * checks every group of A admits B and every group of B admits A (each side's own KDC ports).
 * Authentication, quota and malformed replies stop the check (RemoteError); a group that cannot
 * be found becomes an `unknown` finding.
 */
export async function checkSecurityGroups(deps: SgDeps, a: string, b: string, kdcPorts: Record<string, number[]> = {}): Promise<SgCheck> {
  const cloudOf = (name: string) => {
    const cloud = deps.clouds[name];
    if (!cloud) throw new Error(`no cloud for ${name}`);
    return cloud;
  };
  const portsOf = (name: string) => (kdcPorts[name]?.length ? kdcPorts[name] : [DEFAULT_KDC_PORT]);
  const [sa, sb] = await Promise.all([readSide(cloudOf(a), a, portsOf(a)), readSide(cloudOf(b), b, portsOf(b))]);
  const findings = [...sa.groups.map((g) => assessGroup(sa.side, g, sb.side, requiredPorts(sa.side.kdcPorts))), ...sb.groups.map((g) => assessGroup(sb.side, g, sa.side, requiredPorts(sb.side.kdcPorts)))];
  return { status: overallStatus(findings), sides: [sa.side, sb.side], findings };
}

/** One line per finding that is not a pass, for the link preflight's Problem list. */
export function problemsOf(findings: readonly SgFinding[]): Problem[] {
  return findings
    .filter((f) => f.status !== 'pass')
    .map((f) => ({
      code: `SECURITY_GROUP_${f.status.toUpperCase()}`,
      cluster: f.cluster,
      message: `${f.cluster} ${f.securityGroupId}: ${f.summary}${f.fix.length > 0 ? `; add ${f.fix.map(describeFix).join(', ')}` : ''}`,
    }));
}
