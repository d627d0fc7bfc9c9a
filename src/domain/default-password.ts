import { defaultCrossRealmPassword } from './cross-realm.js';
import type { Check } from './precheck/check.js';

/**
 * The "default cross-realm password still in use" rule, one for `status`, `verify` and
 * `precheck`: which principal each KDC is asked about (the one it issues, `krbtgt/<peer>@<own
 * realm>`), with which password (its MRS version's default), and what a finding means. Asked
 * only where the pair is linked on that side (before that the principal does not exist) and
 * admin access is configured; one kinit per KDC per run. Pure: the kinit is the caller's.
 */

export interface DefaultPasswordSide {
  cluster: string;
  /** Its realm and its peer's realm in this pair. */
  realm: string;
  peerRealm: string;
  mrsVersion: string;
}

export interface DefaultPasswordFinding {
  cluster: string;
  principal: string;
  /** true: the KDC accepted MRS's default password; false: refused it; undefined: could not tell. */
  accepted: boolean | undefined;
}

export const DEFAULT_PASSWORD_CODE = 'DEFAULT_CROSS_REALM_PASSWORD';

/** The one AS request to try on this side's KDC: principal and password (never printed). */
export function defaultPasswordProbe(side: DefaultPasswordSide): { principal: string; password: string } {
  return { principal: `krbtgt/${side.peerRealm}@${side.realm}`, password: defaultCrossRealmPassword(side.mrsVersion) };
}

/** The warning status, verify and precheck print for a finding (undefined = nothing to warn about). */
export function defaultPasswordWarning(f: DefaultPasswordFinding, pair: [string, string]): { code: string; cluster: string; message: string } | undefined {
  if (f.accepted !== true) return undefined;
  return {
    code: DEFAULT_PASSWORD_CODE,
    cluster: f.cluster,
    message: `${f.principal} in ${f.cluster}'s KDC still accepts MRS's default cross-realm password: run \`mrs-trust rotate ${pair[0]} ${pair[1]}\``,
  };
}

/** Why a side was not asked: no admin access, or the pair is not linked there yet. */
export type NotAsked = 'no-admin' | 'not-linked';

/**
 * The pre-check's `default-password` check of one side: warn with the same message as `status`
 * when its KDC accepts the default, pass when it refuses it or the principal does not exist
 * yet, unknown when it could not tell or there is no admin access (never a pass).
 */
export function defaultPasswordCheck(side: DefaultPasswordSide, outcome: DefaultPasswordFinding | NotAsked, pair: [string, string]): Check {
  const { principal } = defaultPasswordProbe(side);
  const base = { id: 'default-password', group: 'rules' as const, cluster: side.cluster, title: "Cross-realm principals off MRS's default password", expected: `${principal} no longer accepts MRS's default cross-realm password` };
  const rotate = `\`mrs-trust rotate ${pair[0]} ${pair[1]}\` (one new password on the four principals, in lockstep)`;
  if (outcome === 'no-admin') {
    return { ...base, status: 'unknown', found: [`not checked: clusters.${side.cluster}.kerberos.admin is not set`], fix: [`add kerberos.admin (principal, password, host) to clusters.${side.cluster} in clusters.yaml to check it`] };
  }
  if (outcome === 'not-linked') {
    return { ...base, status: 'pass', found: [`${principal} does not exist yet (${side.cluster} has no peer ${side.peerRealm}); link creates it with MRS's default password: run ${rotate} after link`], fix: [] };
  }
  const warning = defaultPasswordWarning(outcome, pair);
  if (warning) return { ...base, status: 'warn', code: warning.code, found: [warning.message], fix: [`run ${rotate}`, `then \`mrs-trust verify ${pair[0]} ${pair[1]}\` proves the trust on the new keys`] };
  if (outcome.accepted === false) return { ...base, status: 'pass', found: [`${principal}: ${side.cluster}'s KDC refused MRS's default password`], fix: [] };
  return { ...base, status: 'unknown', found: [`${principal}: ${side.cluster}'s KDC could not be asked (kinit on the kerberos.admin host gave no clear answer)`], fix: [`check the KDC with \`mrs-trust verify ${pair[0]} ${pair[1]}\``] };
}
