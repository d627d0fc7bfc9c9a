import type { ClusterConfig } from '../../config/load.js';
import type { Plan } from '../../domain/plan.js';
import { profileFor } from '../../domain/version.js';
import type { EventSink } from '../../ports/events.js';
import type { ClientRefresher } from '../link/context.js';
import { assertAllRefreshed, refreshClients } from './index.js';
import type { ClientRefreshDeps, ClientRefreshRequest } from './types.js';

/**
 * The `refresh-clients` step of link/unlink: refreshes the client hosts of both sides of the
 * plan, with the realms and MRS versions discovery found. After link the client krb5.conf must
 * name the peer realm; after unlink it must not. Throws PartialError (exit 5, the whole
 * ClientRefreshResult in `details.result`) when a host failed; a re-run (resume) then only
 * does the hosts that are not current.
 */
export function clientRefresher(
  deps: ClientRefreshDeps,
  configs: Record<string, ClusterConfig>,
  sink: EventSink,
  options: Pick<ClientRefreshRequest, 'parallel' | 'hostTimeoutMs' | 'tarballs' | 'scenario'> = {},
): ClientRefresher {
  return {
    async refresh(plan: Plan, signal: AbortSignal) {
      const clusters = plan.sides.map((side) => {
        const config = configs[side.cluster];
        if (!config) throw new Error(`no clusters.yaml entry for ${side.cluster}`);
        return { config, profile: profileFor(side.mrsVersion)?.name ?? '2.x', realm: side.realm };
      });
      const result = await refreshClients(deps, { ...options, clusters, peerRealm: plan.action === 'link' ? 'named' : 'absent', signal }, sink);
      try {
        assertAllRefreshed(result);
      } catch (error) {
        Object.assign((error as { details?: Record<string, unknown> }).details ?? {}, { result });
        throw error;
      }
      const s = result.summary;
      return { summary: `${s.ok} client host${s.ok === 1 ? '' : 's'} refreshed, ${s.skipped} already current`, details: result };
    },
  };
}
