import type { ClusterConfig } from '../../config/load.js';
import { profileFor } from '../../domain/version.js';
import type { EventSink } from '../../ports/events.js';
import { asStepProgress } from '../clients/link-refresher.js';
import { assertAllRefreshed, refreshClients } from '../clients/index.js';
import type { ClientRefreshDeps } from '../clients/types.js';
import type { MeshClientRefresher } from './context.js';

/**
 * mesh's `refresh-clients`: each changed cluster's client hosts get that cluster's own new
 * configuration (scenario 1 per cluster: with many peers there is no single "peer" client to
 * cross-install). Failed hosts → exit 5 with the per-host result, as in link.
 */
export function meshClientRefresher(deps: ClientRefreshDeps, configs: Record<string, ClusterConfig>, sink: EventSink): MeshClientRefresher {
  return {
    async refresh(clusters, signal) {
      let ok = 0;
      let skipped = 0;
      for (const c of clusters) {
        const config = configs[c.cluster];
        if (!config) throw new Error(`no clusters.yaml entry for ${c.cluster}`);
        const result = await refreshClients(deps, { clusters: [{ config, profile: profileFor(c.mrsVersion)?.name ?? '2.x', realm: c.realm }], scenario: 1, signal }, asStepProgress(sink));
        assertAllRefreshed(result);
        ok += result.summary.ok;
        skipped += result.summary.skipped;
      }
      return { summary: `${ok} client host${ok === 1 ? '' : 's'} refreshed, ${skipped} already current` };
    },
  };
}
