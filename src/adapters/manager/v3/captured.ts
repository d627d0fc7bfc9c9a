import { z } from '../../../zod.js';
import { samePeerList, type PeerEntry } from '../../../domain/peers.js';
import { CheckError, RemoteError } from '../../../errors/index.js';
import type { ClustersRunState, TrustDomainCalls } from '../../../ports/manager-v3.js';
import type { ManagerHttp } from '../http.js';

/**
 * THE ONE FILE OF GUESSED MRS 3.x CALLS (docs/assumptions.md "MRS 3.x", "Missing calls"). No
 * public page documents how FusionInsight Manager 8.x reads or saves the Peer Mutual Trust Domain
 * or stops/starts all clusters. Used only with `clusters.<name>.manager.trustDomains: captured`,
 * after an operator captured the console's own calls with `--trace-http` on a live Manager and
 * made the paths and shapes below match them. Until then the default is the console checklist.
 *
 * Safety: every reply is parsed against the shape written here; a reply that does not match stops
 * the run (CheckError MRS3_CAPTURED_SHAPE, exit 3) — and a write is only sent after a read of the
 * same resource matched, so a wrong guess stops BEFORE any write. Writes are never retried.
 */
export const CAPTURED = {
  /** GET: `resObj.peerRealms[]{realmName, ipPort}`; PUT: `{peerRealms: [...]}` (the whole list, as the console's OK). */
  peerDomains: '/web/api/v2/system/permission/domain/peer_realms',
  /** GET: `resObj.clusters[]{id, name, status}`; status RUNNING / STOPPED / … */
  clusters: '/web/api/v2/clusters',
  /** POST (no body): all clusters of this Manager. */
  stopAll: '/web/api/v2/clusters/stop',
  startAll: '/web/api/v2/clusters/start',
} as const;

const peerDomainsReply = z.object({ resObj: z.object({ peerRealms: z.array(z.object({ realmName: z.string(), ipPort: z.string() })) }) });
const clustersReply = z.object({ resObj: z.object({ clusters: z.array(z.object({ id: z.union([z.number(), z.string()]), name: z.string(), status: z.string() })).min(1) }) });
const anyJson = z.unknown();

export interface CapturedOptions {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

export function capturedTrustDomains(http: ManagerHttp, options: CapturedOptions): TrustDomainCalls {
  const cluster = http.cluster.name;
  const url = (path: string) => http.cluster.manager.url + path;

  /** Sends, then parses against the captured shape; a mismatch is MRS3_CAPTURED_SHAPE. */
  async function call<T extends z.ZodType>(method: 'GET' | 'POST' | 'PUT', path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
    const endpoint = `${method} ${path}`;
    const reply = await http.send(method, url(path), endpoint, method === 'GET', body, false, undefined, 0);
    if (reply.status === 401 || reply.status === 403) throw new RemoteError('LOGIN_REFUSED', `${cluster}: ${endpoint} answered HTTP ${reply.status}`, { hint: `check clusters.${cluster}.manager.user and password` });
    let json: unknown;
    try {
      json = JSON.parse(String(reply.data ?? ''));
    } catch {
      json = undefined;
    }
    const parsed = reply.status >= 200 && reply.status < 300 ? schema.safeParse(json) : undefined;
    if (!parsed?.success) {
      throw new CheckError('MRS3_CAPTURED_SHAPE', `${cluster}: ${endpoint} answered HTTP ${reply.status} with a reply that does not have the captured shape (src/adapters/manager/v3/captured.ts); nothing was written`, {
        hint: `capture the console's call with --trace-http FILE and correct that file, or set clusters.${cluster}.manager.trustDomains: checklist`,
        details: { cluster, endpoint, status: reply.status },
      });
    }
    return parsed.data;
  }

  const readPeerDomains = async (): Promise<PeerEntry[]> => (await call('GET', CAPTURED.peerDomains, peerDomainsReply)).resObj.peerRealms.map((r) => ({ realm_name: r.realmName, ip_port: r.ipPort }));

  async function readClustersState(): Promise<ClustersRunState> {
    const states = (await call('GET', CAPTURED.clusters, clustersReply)).resObj.clusters.map((c) => c.status.toUpperCase());
    if (states.every((s) => s === 'STOPPED')) return 'stopped';
    return states.every((s) => s === 'RUNNING' || s === 'STARTED' || s === 'GOOD') ? 'running' : 'partly-stopped';
  }

  async function runAll(path: string, want: ClustersRunState, options2: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    // Read first: a wrong guess about the clusters resource stops here, before the write.
    if ((await readClustersState()) === want) return;
    await call('POST', path, anyJson);
    const deadline = options.now() + options2.timeoutMs;
    for (let delay = 1000; (await readClustersState()) !== want; delay = Math.min(10_000, delay * 2)) {
      if (options.now() >= deadline) throw new CheckError('CLUSTERS_NOT_STARTED', `${cluster}: the clusters are not ${want} after ${Math.round(options2.timeoutMs / 1000)} s (POST ${path})`, { hint: `check the Manager home page of ${cluster}` });
      await options.sleep(delay, options2.signal);
    }
  }

  return {
    cluster,
    readPeerDomains,
    async savePeerDomains(peers, { expected }) {
      const now = await readPeerDomains();
      if (!samePeerList(now, expected)) {
        throw new CheckError('CONFIG_DRIFT', `${cluster}: the Peer Mutual Trust Domain changed since it was read; nothing was written`, { hint: 'someone else changed it; run the command again', details: { cluster } });
      }
      await call('PUT', CAPTURED.peerDomains, anyJson, { peerRealms: peers.map((p) => ({ realmName: p.realm_name, ipPort: p.ip_port })) });
    },
    readClustersState,
    stopAllClusters: (o) => runAll(CAPTURED.stopAll, 'stopped', o),
    startAllClusters: (o) => runAll(CAPTURED.startAll, 'running', o),
  };
}
