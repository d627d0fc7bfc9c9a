import type { Check } from '../../../domain/precheck/check.js';
import { DEFAULT_KDC_PORT, describeFix } from '../../../domain/security-groups.js';
import type { Step } from '../../engine.js';
import { checkSecurityGroups, type SgCheck } from '../security-groups.js';
import { pair, wants, type PrecheckState } from '../context.js';

/** One Check for the security-group findings: fail on any failing or partial group, unknown when a group could not be read. */
export function sgAsCheck(a: string, b: string, sg: SgCheck, notes: string[]): Check {
  const statuses = new Set(sg.findings.map((f) => f.status));
  const status = statuses.has('fail') || statuses.has('partial') ? 'fail' : statuses.has('unknown') ? 'unknown' : 'pass';
  const fixes = [...new Set(sg.findings.filter((f) => f.status !== 'pass').flatMap((f) => f.fix.map(describeFix)))];
  return {
    id: 'security-groups',
    group: 'security-groups',
    title: 'Security groups admit the peer cluster',
    status,
    expected: `every group of ${a} admits ${b} and the reverse: inbound ANY from each peer group (or rules for UDP+TCP to the KDC ports, TCP 22, 28443, 20009 from every peer node)`,
    found: [...notes, ...sg.findings.map((f) => `${f.cluster} ${f.securityGroupId} ← ${f.peer}: ${f.status.toUpperCase()}: ${f.summary}`)],
    fix: fixes.length === 0 ? [] : [`\`mrs-trust precheck ${a} ${b} --fix\` adds:`, ...fixes.map((f) => `  ${f}`), 'or in the VPC console: Security Groups > (group) > Inbound Rules > Add Rule: Protocol All, Source = the peer security group'],
    ...(status === 'fail' ? { code: 'SECURITY_GROUPS' } : {}),
  };
}

/** The security-group check (docs/security-groups.md) for the KDC ports discovery found. */
export const checkGroups: Step<PrecheckState> = {
  id: 'security-groups',
  title: 'Check the security groups admit each other',
  skip: (s) => (wants(s, 'security-groups') ? undefined : 'not asked for (--only)'),
  async run(s) {
    const [a, b] = pair(s);
    if (!s.deps.clouds) {
      s.checks.push({ id: 'security-groups', group: 'security-groups', title: 'Security groups admit the peer cluster', status: 'unknown', expected: 'cloud access to read the groups', found: [s.deps.cloudMissing ?? 'no cloud access configured'], fix: [`add clusters.${a}.cloud and clusters.${b}.cloud to clusters.yaml (docs/security-groups.md), or pass --rules-file FILE exported from the console`] });
      return { skipped: s.deps.cloudMissing ?? 'no cloud access configured' };
    }
    const notes: string[] = [];
    const ports: Record<string, number[]> = {};
    for (const name of [a, b]) {
      const facts = s.facts[name];
      if (facts && facts.kdcs.length > 0) ports[name] = [...new Set(facts.kdcs.map((k) => k.port))];
      else notes.push(`${name}: KDC port not discovered (${s.unread[name] ?? (facts ? 'no KDC found' : 'Manager not read')}); assumed ${DEFAULT_KDC_PORT}`);
    }
    s.sg = await checkSecurityGroups({ clouds: s.deps.clouds }, a, b, ports);
    const check = sgAsCheck(a, b, s.sg, notes);
    s.checks.push(check);
    return { message: `${check.status}: ${s.sg.findings.filter((f) => f.status === 'pass').length} of ${s.sg.findings.length} groups admit the peer` };
  },
};
