import type { PeerEntry } from '../domain/peers.js';

/**
 * MRS 3.x (FusionInsight Manager 8.x), in the tool's verbs. What the public pages document and
 * what they do not (docs/assumptions.md "MRS 3.x"):
 *
 * - documented: the REST API on `https://<ip>:28443/web/api/v2/…` with HTTP Basic
 *   authentication, first call `GET /web/api/v2/session/status` (Huawei "Calling FusionInsight
 *   Manager REST APIs", the `BasicAuthAccess.java` sample); replies carry `resObj`;
 * - NOT documented: any call that reads or saves the Peer Mutual Trust Domain, or stops/starts
 *   all clusters. Those are console steps ("Configuring Cross-Manager Mutual Trust Between
 *   Clusters"), printed as a checklist by default, or — when `manager.trustDomains: captured`
 *   says an operator captured them from a live Manager — sent through {@link TrustDomainCalls}.
 *
 * The 3.x Manager adapter also implements the `Manager` port (ports/manager.ts) so `status`
 * and discovery read it like a 2.x one; its 2.x-only calls (KrbServer configuration, save,
 * service stop/start, command progress) stop with CheckError `MRS3_ASSISTED` (exit 3).
 */

/** What the documented session check told us. */
export interface SessionInfo {
  /** The Manager answered 200 to `GET /web/api/v2/session/status` with these credentials. */
  ok: true;
  /** Fields of `resObj` the tool shows when present (never required). */
  user?: string;
}

/** The state of all clusters of one Manager as the console's home page shows it. */
export type ClustersRunState = 'running' | 'stopped' | 'partly-stopped';

/**
 * The trust-domain and cluster stop/start calls a live 3.x Manager makes from its console.
 * NONE is public: they are the operator's captures (`--trace-http`), isolated in ONE adapter
 * file (src/adapters/manager/v3/captured.ts). Every write reads first and stops (CheckError
 * `MRS3_CAPTURED_SHAPE`, exit 3) before writing when a reply does not have the captured shape.
 * Present only when `clusters.<name>.manager.trustDomains` is `captured`; otherwise the link
 * workflow prints the console checklist instead.
 */
export interface TrustDomainCalls {
  readonly cluster: string;
  /** The saved Peer Mutual Trust Domain rows (saved ≠ applied: restart-RealmConfig.sh applies). */
  readPeerDomains(): Promise<PeerEntry[]>;
  /** Saves the whole row list (the console's OK). Read-check-write: `expected` must still be current. */
  savePeerDomains(peers: PeerEntry[], options: { expected: PeerEntry[] }): Promise<void>;
  readClustersState(): Promise<ClustersRunState>;
  /** Stops all clusters of this Manager (downtime) and waits until stopped. */
  stopAllClusters(options: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
  startAllClusters(options: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
}

/** A 3.x Manager session (Basic auth). */
export interface ManagerV3 {
  readonly cluster: string;
  /** `GET /web/api/v2/session/status` with Basic auth: 401/403 → RemoteError MANAGER_LOGIN_FAILED (exit 4). */
  checkSession(): Promise<SessionInfo>;
  /** The captured calls, or undefined when the console checklist is the way (the default). */
  trustDomains(): TrustDomainCalls | undefined;
}
