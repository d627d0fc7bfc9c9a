/**
 * One pre-check result, whatever it checked: status, what was expected, what was found, and the
 * exact fix. Produced by the rules here (pure) and by the network checks (from measured
 * results); rendered by src/report. "unknown" means the tool could not tell: never a pass.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** `rules` come from the Managers' facts; `network` are measured from where the tool runs. */
export type CheckGroup = 'rules' | 'network' | 'security-groups';

export interface Check {
  /** Stable id (`realm`, `kdc-reachable`, …): tests, `--json` and the link preflight use it. */
  id: string;
  group: CheckGroup;
  /** The cluster it is about; absent for checks of the pair. */
  cluster?: string;
  title: string;
  status: CheckStatus;
  expected: string;
  /** What was found, one line per fact. */
  found: string[];
  /** Exact commands or console steps that make it pass; empty when it passes. */
  fix: string[];
  /** For the link preflight: the stable problem code of a failure (`SAME_REALM` …). */
  code?: string;
}

export const STATUS_ORDER: Record<CheckStatus, number> = { fail: 0, warn: 1, unknown: 2, pass: 3 };

/** Failing checks first, then warn, unknown, pass; stable within a status. */
export function byStatus(checks: readonly Check[]): Check[] {
  return [...checks].map((c, i) => ({ c, i })).sort((x, y) => STATUS_ORDER[x.c.status] - STATUS_ORDER[y.c.status] || x.i - y.i).map((x) => x.c);
}

export interface Verdict {
  ok: boolean;
  counts: Record<CheckStatus, number>;
}

/** Exit 0 when nothing fails; with `strict`, warn and unknown fail too. */
export function verdictOf(checks: readonly Check[], strict: boolean): Verdict {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const c of checks) counts[c.status] += 1;
  const ok = counts.fail === 0 && (!strict || (counts.warn === 0 && counts.unknown === 0));
  return { ok, counts };
}

/** A check that could not run (its input is missing): unknown, with the reason as the finding. */
export function unknownCheck(base: Omit<Check, 'status' | 'found' | 'fix'>, why: string, fix: string[] = []): Check {
  return { ...base, status: 'unknown', found: [why], fix };
}
