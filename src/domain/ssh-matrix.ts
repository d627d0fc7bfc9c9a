/**
 * The N×N login matrix of `ssh trust`: every ordered pair (from ≠ to) is `ok`, `failed` (the
 * login was tried and refused, with the reason ssh printed) or `not-run` (one side failed
 * earlier; never counted as trusted).
 */
export type PairStatus = 'ok' | 'failed' | 'not-run';

export interface PairResult {
  from: string;
  to: string;
  status: PairStatus;
  reason?: string;
}

export interface MatrixSummary {
  total: number;
  ok: number;
  failed: number;
  notRun: number;
  /** True only when every ordered pair was tried and worked. */
  allOk: boolean;
}

/**
 * The order in which host `index` tries the others: starting after itself and wrapping around,
 * so that at each moment every destination sees about one login at a time (sshd MaxStartups).
 */
export function rotation<T>(items: readonly T[], index: number): T[] {
  const out: T[] = [];
  for (let k = 1; k < items.length; k += 1) out.push(items[(index + k) % items.length] as T);
  return out;
}

/** Every ordered pair of `labels`, filled from `tried`; pairs not tried are `not-run` with `why`. */
export function fillMatrix(labels: readonly string[], tried: readonly PairResult[], why: (from: string, to: string) => string): PairResult[] {
  const byPair = new Map(tried.map((p) => [`${p.from}\u0000${p.to}`, p]));
  const pairs: PairResult[] = [];
  for (const from of labels) {
    for (const to of labels) {
      if (from === to) continue;
      pairs.push(byPair.get(`${from}\u0000${to}`) ?? { from, to, status: 'not-run', reason: why(from, to) });
    }
  }
  return pairs;
}

export function summarize(pairs: readonly PairResult[]): MatrixSummary {
  const ok = pairs.filter((p) => p.status === 'ok').length;
  const failed = pairs.filter((p) => p.status === 'failed').length;
  const notRun = pairs.length - ok - failed;
  return { total: pairs.length, ok, failed, notRun, allOk: pairs.length > 0 && ok === pairs.length };
}

/** The table of the human output: one row per source, `ok`/`FAIL`/`-`, and `\` on the diagonal. */
export function matrixRows(labels: readonly string[], pairs: readonly PairResult[]): string[][] {
  const status = new Map(pairs.map((p) => [`${p.from}\u0000${p.to}`, p.status]));
  const mark = { ok: 'ok', failed: 'FAIL', 'not-run': '-' } as const;
  const header = ['from \\ to', ...labels.map((_, i) => String(i + 1))];
  const rows = labels.map((from, i) => [`${i + 1} ${from}`, ...labels.map((to) => (from === to ? '\\' : mark[status.get(`${from}\u0000${to}`) ?? 'not-run']))]);
  return [header, ...rows];
}
