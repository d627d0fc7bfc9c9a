/**
 * A trust topology over named clusters (the `mesh` command's file, `schemas/topology.schema.json`).
 * Pure: expands `full`, `{hub}` and `{pairs}` into the unordered pairs to trust.
 */
export type Trusts = 'full' | { hub: string } | { pairs: [string, string][] };

export interface Topology {
  version: 1;
  clusters: string[];
  trusts: Trusts;
}

/** An unordered pair, its names sorted: `[a, b]` with `a < b`. */
export type Pair = readonly [string, string];

export const pairKey = (a: string, b: string): string => (a < b ? `${a}+${b}` : `${b}+${a}`);

function sorted(a: string, b: string): Pair {
  return a < b ? [a, b] : [b, a];
}

/** The pairs of the topology, each once, sorted (by first name, then second). */
export function pairsOf(topology: Topology): Pair[] {
  const names = [...new Set(topology.clusters)].sort();
  const out = new Map<string, Pair>();
  const add = (a: string, b: string) => {
    if (a !== b) out.set(pairKey(a, b), sorted(a, b));
  };
  const t = topology.trusts;
  if (t === 'full') names.forEach((a, i) => names.slice(i + 1).forEach((b) => add(a, b)));
  else if ('hub' in t) names.forEach((b) => add(t.hub, b));
  else t.pairs.forEach(([a, b]) => add(a, b));
  return [...out.values()].sort((x, y) => x[0].localeCompare(y[0]) || x[1].localeCompare(y[1]));
}

/** For each cluster, the clusters it must trust (both ways: trust is always mutual here). */
export function partnersOf(pairs: readonly Pair[]): Map<string, string[]> {
  const partners = new Map<string, string[]>();
  for (const [a, b] of pairs) {
    partners.set(a, [...(partners.get(a) ?? []), b]);
    partners.set(b, [...(partners.get(b) ?? []), a]);
  }
  for (const list of partners.values()) list.sort();
  return partners;
}
