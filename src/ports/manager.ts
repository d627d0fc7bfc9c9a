import type { Health } from '../domain/facts.js';
import type { KdcAddress } from '../domain/ip-port.js';
import type { PeerEntry } from '../domain/peers.js';

/** What `readClusterInfo()` learns from `GET /web/v1/clusters`. */
export interface ClusterInfo {
  /** The Manager's own cluster name. */
  name: string;
  version: string;
  /** `stack_model === 'Sec'`: a security (Kerberos) cluster. */
  kerberos: boolean;
  state: 'GOOD' | 'BAD' | 'UNKNOWN';
}

export interface ServiceStatus {
  name: string;
  health: Health;
}

export interface HostInfo {
  name: string;
  ip: string;
}

export interface KerberosFacts {
  realm: string;
  kdcs: KdcAddress[];
  peers: PeerEntry[];
  /** Opaque; changes on every configuration save. */
  configVersion: string;
}

export interface CommandProgress {
  state: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  percent: number;
  /** Failure detail from the Manager (`fail_entity_list`), when FAILED. */
  failures?: string[];
}

/**
 * An MRS Manager, in the tool's verbs. One instance per cluster; `login()` first, `logout()`
 * always last (also after a failure). Writes are never retried by the adapter.
 */
export interface Manager {
  readonly cluster: string;
  login(): Promise<void>;
  logout(): Promise<void>;
  readClusterInfo(): Promise<ClusterInfo>;
  readHealth(): Promise<ServiceStatus[]>;
  readHosts(): Promise<HostInfo[]>;
  readKerberosFacts(): Promise<KerberosFacts>;
  /**
   * Saves the whole `peer_realms` list. Refuses (CheckError, code CONFIG_DRIFT) when the
   * Manager's config version is no longer `expectedVersion`. Returns the command id when
   * `restart` asks the Manager to restart the affected services, else undefined.
   */
  savePeerRealms(peers: PeerEntry[], options: { expectedVersion: string; restart: boolean }): Promise<{ commandId?: string; configVersion?: string }>;
  /** Restarts the named services; returns the command id to wait for. */
  restartServices(names: string[]): Promise<string>;
  waitForCommand(id: string, options: { timeoutMs: number; pollMs?: number; onProgress?: (p: CommandProgress) => void; signal?: AbortSignal }): Promise<CommandProgress>;
}
