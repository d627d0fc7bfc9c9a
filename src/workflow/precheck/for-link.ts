import type { Check } from '../../domain/precheck/check.js';
import type { ClusterFacts } from '../../domain/facts.js';
import type { Problem } from '../../domain/preflight.js';
import type { Precheck } from '../link/context.js';
import type { Area, PrecheckDeps, PrecheckState } from './context.js';
import { problemsOf } from './security-groups.js';
import { probeKdcs, reachManagers, readClocks } from './steps/network.js';
import { checkGroups } from './steps/security-groups.js';

/** The network checks `link` runs in its `precheck` step (`--skip-precheck` skips exactly these). */
const NETWORK_STEPS = [reachManagers, probeKdcs, readClocks, checkGroups];

function problemOf(c: Check): Problem {
  return { code: c.code ?? c.id.toUpperCase().replace(/-/g, '_'), ...(c.cluster ? { cluster: c.cluster } : {}), message: `${c.cluster ? `${c.cluster} ` : ''}${c.id}: ${c.found.join('; ')}${c.fix[0] ? `; fix: ${c.fix[0]}` : ''}` };
}

/**
 * `link`'s network pre-check, built from the same steps as `precheck`, on the facts link
 * discovered: Managers reachable, every KDC answers the Kerberos probe, clocks within the
 * skew, and (with cloud access) the security groups. Fails are problems (the step stops the
 * run before any write); warn and unknown become warnings.
 */
export function networkPrecheck(deps: PrecheckDeps): Precheck {
  return {
    async run(a: ClusterFacts, b: ClusterFacts) {
      const only: Area[] = ['managers', 'kdcs', 'clock', ...(deps.clouds ? (['security-groups'] as const) : [])];
      const state: PrecheckState = { request: { a: a.name, b: b.name, only }, deps, facts: { [a.name]: a, [b.name]: b }, unread: {}, checks: [] };
      // The checks are independent: all at once, each on its own list so the report keeps the steps' order.
      const ran = await Promise.all(
        NETWORK_STEPS.filter((step) => step.skip?.(state) === undefined).map(async (step) => {
          const own: PrecheckState = { ...state, checks: [] };
          await step.run(own);
          return own;
        }),
      );
      state.checks = ran.flatMap((r) => r.checks);
      const groups = ran.find((r) => r.sg)?.sg;
      if (groups) state.sg = groups;
      for (const c of state.checks.filter((x) => x.status === 'warn' || x.status === 'unknown')) {
        deps.events.emit({ type: 'warning', message: `precheck ${c.status}: ${c.cluster ? `${c.cluster} ` : ''}${c.id}: ${c.found.join('; ')}` });
      }
      const failing = state.checks.filter((c) => c.status === 'fail');
      const problems = failing.flatMap((c) => (c.id === 'security-groups' && state.sg ? problemsOf(state.sg.findings) : [problemOf(c)]));
      const passed = state.checks.filter((c) => c.status === 'pass').length;
      const sg = state.sg ? `; security groups: ${state.sg.findings.filter((f) => f.status === 'pass').length} of ${state.sg.findings.length} groups admit the peer` : '; security groups not checked (no cloud access configured)';
      const summary = `${passed} of ${state.checks.length} network checks pass (Managers, KDC probe over UDP and TCP, clocks)${sg}`;
      return { problems, summary, details: { checks: state.checks, ...(state.sg ? { securityGroups: state.sg } : {}) } };
    },
  };
}
