import { isMrsTrustError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { discoverFacts } from '../../link/steps/discover.js';
import { pair, wants, type PrecheckState } from '../context.js';

/**
 * Log in and read each cluster, as `link` does. A cluster that cannot be read is a failing
 * `manager-login` check (with the error's hint as the fix), and its dependent checks become
 * unknown: the report still tells everything else.
 */
export const discover: Step<PrecheckState> = {
  id: 'discover',
  title: 'Read realm, KDCs, version and health from the Managers',
  scopes: pair,
  skip: (s) => (['rules', 'kdcs', 'clock', 'managers'].some((a) => wants(s, a as never)) ? undefined : 'only security groups asked for (--only)'),
  async run(s, scope) {
    const name = scope as string;
    const manager = s.deps.managers[name];
    if (!manager) throw new Error(`no Manager for ${name}`);
    const base = { id: 'manager-login', group: 'rules' as const, cluster: name, title: 'Manager login and discovery', expected: 'login, then read version, realm, KDCs, peers and health' };
    try {
      const { facts, message } = await discoverFacts(s.deps, manager, name);
      s.facts[name] = facts;
      s.checks.push({ ...base, status: 'pass', found: [message], fix: [] });
      return { message: `${facts.realm}, MRS ${facts.mrsVersion}` };
    } catch (error) {
      if (!isMrsTrustError(error)) throw error;
      s.unread[name] = error.message;
      s.checks.push({ ...base, status: 'fail', code: error.code, found: [`${error.message} [${error.code}]`], fix: error.hint ? [error.hint] : [] });
      return { message: `not read: ${error.message}` };
    }
  },
};
