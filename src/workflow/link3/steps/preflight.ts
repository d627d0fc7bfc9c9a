import { mrs3Problems } from '../../../domain/mrs3/preflight.js';
import { CheckError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import type { LinkState } from '../../link/context.js';

/**
 * The rules a link with a 3.x side adds to the shared preflight (which already holds realms,
 * overlap, health, versions and the 3.x peer limit): one-way needs MRS 3.6.0+ on both sides, and
 * cross-realm principals that already exist must be AES only (read by `parity` when
 * `kerberos.admin` is configured; otherwise said not checked).
 */
export const preflightMrs3: Step<LinkState> = {
  id: 'preflight-mrs3',
  title: 'Check the MRS 3.x rules: one-way version, AES-only cross-realm enctypes',
  skipIfDoneBefore: true,
  async run(s) {
    const a = s.facts[s.request.a];
    const b = s.facts[s.request.b];
    if (!a || !b) throw new Error('preflight before discover');
    const problems = mrs3Problems(a, b, { oneWay: Boolean(s.request.oneWay), ...(s.parityRows ? { parity: s.parityRows } : {}) });
    if (problems.length > 0) {
      throw new CheckError('PREFLIGHT_FAILED', `preflight refused link ${a.name} ${b.name}: ${problems.map((p) => p.message).join('; ')}`, {
        hint: problems.some((p) => p.code === 'ONE_WAY_UNSUPPORTED')
          ? 'leave out --one-way for a two-way trust (the one-way procedure exists only from MRS 3.6.0); nothing was written'
          : `give the cross-realm principals AES keys only: \`mrs-trust rotate ${a.name} ${b.name}\`, then run again; nothing was written`,
        details: { problems },
      });
    }
    const enctypes = s.parityRows ? 'existing cross-realm keys are AES only' : 'cross-realm enctypes not read (no kerberos.admin): the ticket test proves them';
    return { message: `${s.request.oneWay ? 'one-way: MRS 3.6.0+ on both sides; ' : ''}${enctypes}` };
  },
};
