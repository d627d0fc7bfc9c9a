import { unknownCheck } from '../../../domain/precheck/check.js';
import { ruleChecks } from '../../../domain/precheck/rules.js';
import type { Step } from '../../engine.js';
import { wants, type PrecheckState } from '../context.js';

/** Realms, Kerberos mode, health, version, peer limit, shared hosts, default passwords: the link preflight's rules. */
export const checkRules: Step<PrecheckState> = {
  id: 'check-rules',
  title: 'Check realms, Kerberos mode, health, versions and the peer limit',
  skip: (s) => (wants(s, 'rules') ? undefined : 'not asked for (--only)'),
  async run(s) {
    const a = s.facts[s.request.a];
    const b = s.facts[s.request.b];
    if (!a || !b) {
      const missing = [s.request.a, s.request.b].filter((n) => !s.facts[n]);
      s.checks.push(unknownCheck({ id: 'rules', group: 'rules', title: 'Realms, Kerberos mode, health, versions, peer limit', expected: 'both clusters read' }, `not checked: ${missing.join(' and ')} could not be read (see manager-login)`));
      return { message: 'unknown: a cluster could not be read' };
    }
    const checks = ruleChecks(a, b);
    s.checks.push(...checks);
    const failing = checks.filter((c) => c.status === 'fail').length;
    return { message: failing === 0 ? `${checks.length} rules pass or warn` : `${failing} of ${checks.length} rules fail` };
  },
};
