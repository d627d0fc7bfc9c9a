import type { ClientEntry, NodeEntry } from '../../config/schema.js';
import type { ClusterConfig } from '../../config/load.js';
import type { ProfileName } from '../../domain/version.js';
import type { ClientConfigDownloader, LocalClientFiles } from '../../ports/client-config.js';
import type { Clock } from '../../ports/clock.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import type { Scenario } from './routing.js';

/** One cluster taking part in a refresh. */
export interface RefreshCluster {
  config: ClusterConfig;
  /** Decides the refreshConfig.sh argument: the tar (2.x) or the extracted directory (3.x). */
  profile: ProfileName;
  /** The cluster's realm when known (link knows it from discovery). */
  realm?: string;
}

/** What `clients refresh` and link's `refresh-clients` step ask for. */
export interface ClientRefreshRequest {
  /** One or two clusters (two: scenario routing applies). */
  clusters: RefreshCluster[];
  /** Default: from the cluster types (scenarioFor); 1 with one cluster. */
  scenario?: Scenario;
  /** `--tarball NAME=PATH`: absolute local paths by cluster name; tried first. */
  tarballs?: Record<string, string>;
  /** `--hosts h1,h2`: only these client hosts (by `host` as written in clusters.yaml). */
  hosts?: string[];
  /** Hosts refreshed at once (default 8). */
  parallel?: number;
  /** Per-host limit for the whole procedure (default 10 minutes). */
  hostTimeoutMs?: number;
  /** Connection attempts for transport errors before the script starts (default 3). */
  attempts?: number;
  /** First retry delay, doubled each time (default 500 ms). */
  retryDelayMs?: number;
  /**
   * What the client krb5.conf must say about the peer realm afterwards: `named` after link
   * (default), `absent` after unlink. Applies only when the peer's realm is known.
   */
  peerRealm?: 'named' | 'absent';
  /**
   * `mesh`: per cluster, more realms its client krb5.conf must name (`named`: every partner of the
   * topology) or must no longer name (`absent`: partners a rollback or `--prune` removed), checked
   * on every host exactly as a pair's peer realm is (KRB5_PEER_MISSING, KRB5_PEER_STILL_NAMED).
   */
  partners?: Record<string, PartnerRealms>;
  /** link/unlink: a `--tarball` whose krb5.conf contradicts `peerRealm` is refused (exit 2) instead of warned about. */
  strictTarballs?: boolean;
  /** `--manager-download`: also try the guessed Manager download endpoint for every cluster. */
  managerDownload?: boolean;
  /** Refresh even hosts whose marker says they are current. */
  force?: boolean;
  signal?: AbortSignal;
}

/** Realms a cluster's client krb5.conf must name, or must no longer name, after a refresh. */
export interface PartnerRealms {
  named: string[];
  absent: string[];
}

/** Where the refresh connects: a client host (`clients`) or a cluster node (`nodes`). */
export type SshEntry = ClientEntry | NodeEntry;

/** Collaborators, handed in whole (tests pass fakes). */
export interface ClientRefreshDeps {
  /** A not-yet-connected host; the refresh calls `connect()` and always `close()`. */
  openHost(entry: SshEntry, where: { cluster: string; field: string }): Promise<RemoteHost>;
  files: LocalClientFiles;
  /** The Manager download (assumed endpoint); absent when not available. */
  managerDownload?(cluster: ClusterConfig): Promise<ClientConfigDownloader>;
  clock: Clock;
}

/** A tarball ready to upload. */
export interface PreparedTarball {
  cluster: string;
  origin: 'flag' | 'node' | 'manager';
  from: string;
  path: string;
  bytes: number;
  sha256: string;
  fileName: string;
  realm?: string;
  realms: string[];
}

export const DEFAULTS = { parallel: 8, hostTimeoutMs: 600_000, attempts: 3, retryDelayMs: 500 } as const;

/** Where "Download Client → save to server" leaves the tarball on a cluster node (MRS manual). */
export const NODE_TARBALL_PATH: Record<ProfileName, string> = {
  '2.x': '/tmp/MRS-client/MRS_Services_Client.tar',
  '3.x': '/tmp/FusionInsight-Client/FusionInsight_Cluster_1_Services_Client.tar',
};
