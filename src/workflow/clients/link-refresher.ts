import type { ClusterConfig } from '../../config/load.js';
import type { Plan } from '../../domain/plan.js';
import { profileFor } from '../../domain/version.js';
import type { EventSink, WorkflowEvent } from '../../ports/events.js';
import type { ClientRefresher } from '../link/context.js';
import { assertAllRefreshed, refreshClients } from './index.js';
import { checkClientSources } from './sources-check.js';
import type { ClientRefreshDeps, ClientRefreshRequest } from './types.js';

/**
 * Inside link, the engine owns the `refresh-clients` step's start and end; per-host (and
 * tarball) events become progress lines of that one step, `<cluster>/<host>: <what>`.
 */
export function asStepProgress(sink: EventSink, step = 'refresh-clients'): EventSink {
  return {
    emit(e: WorkflowEvent) {
      if (e.type === 'warning' || e.type === 'info') return sink.emit(e);
      const what = e.type === 'step-start' ? e.title : e.type === 'step-progress' ? e.message : e.type === 'step-done' ? (e.outcome === 'skipped' ? 'skipped (already current)' : 'ok') : `failed: ${e.error.message}`;
      sink.emit({ type: 'step-progress', step, message: e.scope ? `${e.scope}: ${what}` : what, ...('detail' in e && e.detail ? { detail: true } : {}) });
    },
  };
}

/** After this plan, does each side list the other (link; a rollback that restores a trust)? */
const namesPeer = (plan: Plan): boolean =>
  plan.action === 'rollback' ? plan.sides.every((side) => side.peersAfter.some((p) => p.realm_name === side.change.realm)) : plan.action === 'link';

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
  options: Pick<ClientRefreshRequest, 'parallel' | 'hostTimeoutMs' | 'tarballs' | 'scenario' | 'managerDownload'> = {},
): ClientRefresher {
  const clustersOf = (sides: { cluster: string; realm: string; mrsVersion?: string }[]) =>
    sides.map((side) => {
      const config = configs[side.cluster];
      if (!config) throw new Error(`no clusters.yaml entry for ${side.cluster}`);
      return { config, profile: (side.mrsVersion ? profileFor(side.mrsVersion)?.name : undefined) ?? '2.x', realm: side.realm };
    });
  return {
    async preflight(sides, action, signal) {
      return checkClientSources(deps, { ...options, clusters: clustersOf(sides), peerRealm: action === 'link' ? 'named' : 'absent', strictTarballs: true, signal }, asStepProgress(sink, 'preflight'));
    },
    async refresh(plan: Plan, signal: AbortSignal) {
      const clusters = clustersOf(plan.sides);
      const result = await refreshClients(deps, { ...options, clusters, peerRealm: namesPeer(plan) ? 'named' : 'absent', strictTarballs: true, signal }, asStepProgress(sink));
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
