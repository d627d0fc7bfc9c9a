import type { ClusterConfig } from '../../config/load.js';
import { profileFor } from '../../domain/version.js';
import { PartialError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import { asStepProgress } from '../clients/link-refresher.js';
import { refreshClients, type ClientRefreshResult } from '../clients/index.js';
import type { ClientRefreshDeps } from '../clients/types.js';
import type { MeshClientRefresher, MeshClientSide } from './context.js';

/** One line per cluster whose hosts failed: what each host's krb5.conf misses (or still names), or why it failed. */
function clusterProblems(side: MeshClientSide, result: ClientRefreshResult): string | undefined {
  const bad = result.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable');
  if (bad.length === 0) return undefined;
  return `${side.cluster}: ${bad.map((h) => `${h.host} ${h.code ?? h.status}${h.reason ? ` (${h.reason})` : ''}`).join(', ')}`;
}

/**
 * mesh's `refresh-clients`: each changed cluster's client hosts get that cluster's own new
 * configuration (scenario 1 per cluster: with many peers there is no single "peer" client to
 * cross-install), and every host's krb5.conf must then name every partner realm of the topology
 * (and no realm the run removed) — the same per-host check link makes for its pair
 * (`partners` of the refresh request). Every cluster is refreshed; then hosts that failed → exit 5
 * naming, per cluster, the hosts and the realms their krb5.conf misses.
 */
export function meshClientRefresher(deps: ClientRefreshDeps, configs: Record<string, ClusterConfig>, sink: EventSink): MeshClientRefresher {
  return {
    async refresh(clusters, signal) {
      const results: Record<string, ClientRefreshResult> = {};
      const problems: string[] = [];
      for (const c of clusters) {
        const config = configs[c.cluster];
        if (!config) throw new Error(`no clusters.yaml entry for ${c.cluster}`);
        const partners = { [c.cluster]: { named: c.named, absent: c.absent } };
        const result = await refreshClients(deps, { clusters: [{ config, profile: profileFor(c.mrsVersion)?.name ?? '2.x', realm: c.realm }], scenario: 1, partners, signal }, asStepProgress(sink));
        results[c.cluster] = result;
        const problem = clusterProblems(c, result);
        if (problem) problems.push(problem);
      }
      const all = Object.values(results).flatMap((r) => r.hosts);
      const count = (status: string) => all.filter((h) => h.status === status).length;
      if (problems.length > 0) {
        throw new PartialError('CLIENTS_PARTIAL', `client hosts not refreshed on ${problems.length} of ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}: ${problems.join('; ')}`, {
          hint: 'fix the hosts named above (a krb5.conf that misses a partner realm needs a client configuration made after the trust was saved), then run `mrs-trust clients refresh CLUSTER` for each cluster named',
          details: { clients: results },
        });
      }
      return { summary: `${count('ok')} client host${count('ok') === 1 ? '' : 's'} refreshed, ${count('skipped')} already current; krb5.conf names every partner realm`, details: results };
    },
  };
}
