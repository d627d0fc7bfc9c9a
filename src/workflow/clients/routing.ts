import type { ClusterType } from '../../domain/facts.js';

/**
 * Which configuration goes to which client host (MRS manual, "configure the clients"):
 * scenario 1 (same type): each cluster's hosts get that cluster's configuration; scenario 2
 * (different types, or either side hybrid): each side's configuration also goes to the other
 * side's hosts. Pure.
 */
export type Scenario = 1 | 2;

export function scenarioFor(a: ClusterType, b: ClusterType): Scenario {
  return a === b && a !== 'hybrid' ? 1 : 2;
}

export interface RoutedCluster<H> {
  name: string;
  /** Each host with its config path, e.g. `clusters.alpha.clients[0]` (for hints). */
  hosts: { host: H; field: string }[];
}

export interface HostJob<H> {
  cluster: string;
  host: H;
  field: string;
  /**
   * Clusters whose configuration this host receives, in the order applied: the peer's first and
   * the host's own last, so the host keeps its own cluster as `default_realm` (one client dir).
   */
  sources: string[];
}

export function routeJobs<H>(clusters: readonly RoutedCluster<H>[], scenario: Scenario): HostJob<H>[] {
  return clusters.flatMap((self) => {
    const peers = scenario === 2 ? clusters.filter((c) => c.name !== self.name).map((c) => c.name) : [];
    return self.hosts.map(({ host, field }) => ({ cluster: self.name, host, field, sources: [...peers, self.name] }));
  });
}
