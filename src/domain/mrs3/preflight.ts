import type { ParityRow } from '../cross-realm.js';
import type { ClusterFacts } from '../facts.js';
import type { Problem } from '../preflight.js';
import { MRS3_CROSS_REALM_ENCTYPES, procedureOf, supportsOneWay } from './procedure.js';

/**
 * The rules a link with a 3.x side adds to the shared preflight (realms, overlap, health, peer
 * limit — the 3.x limit is in domain/version.ts): the one-way variant's version floor, and the
 * AES-only enctypes of cross-realm principals that already exist (read with kadmin when
 * `kerberos.admin` is configured). Pure; the workflow turns problems into exit 3.
 */
export function mrs3Problems(a: ClusterFacts, b: ClusterFacts, options: { oneWay: boolean; parity?: ParityRow[] }): Problem[] {
  const problems: Problem[] = [];
  if (options.oneWay) {
    for (const side of [a, b]) {
      if (!supportsOneWay(side.mrsVersion)) {
        problems.push({ code: 'ONE_WAY_UNSUPPORTED', cluster: side.name, message: `${side.name}: MRS ${side.mrsVersion} has no one-way trust (the unidirectional procedure applies to MRS 3.6.0 or later)` });
      }
    }
  }
  const any3 = [a, b].some((f) => procedureOf(f.mrsVersion) === '3.x');
  if (any3) problems.push(...enctypeProblems(options.parity ?? []));
  return problems;
}

/** Existing krbtgt cross-realm keys of a pair with a 3.x side must all be AES (the 3.x KDC supports nothing else). */
export function enctypeProblems(rows: readonly ParityRow[]): Problem[] {
  const allowed = new Set(MRS3_CROSS_REALM_ENCTYPES);
  const problems: Problem[] = [];
  for (const row of rows) {
    for (const [cluster, keys] of Object.entries(row.keys)) {
      const other = keys?.enctypes.filter((e) => !allowed.has(e)) ?? [];
      if (other.length > 0) {
        problems.push({ code: 'ENCTYPE_NOT_AES', cluster, message: `${cluster}: ${row.principal} has keys of ${other.join(', ')}; with MRS 3.x cross-realm principals may only use ${MRS3_CROSS_REALM_ENCTYPES.join(' and ')}` });
      }
    }
  }
  return problems;
}
