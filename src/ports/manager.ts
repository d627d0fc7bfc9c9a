import type { Health } from '../domain/facts.js';
import type { KdcAddress } from '../domain/ip-port.js';
import type { PeerEntry } from '../domain/peers.js';
import type { ClockSample } from '../domain/precheck/outcomes.js';

export interface SaveOptions {
  expectedVersion: string;
  restart: boolean;
  ready?: Promise<void>;
}

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
  /** Where the KDC port came from (`kdc_ports 21732 from KrbServer service level (GET …)`). */
  kdcSource?: string;
}

export interface CommandProgress {
  /** COMPLETE and FAILED end a command; every other state word the Manager sends is IN_PROGRESS. */
  state: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  /** `total_progress`, else `res_obj.total_step_size` (0–100). */
  percent: number;
  /** The Manager's own state word when it is not one of the three (shown in progress). */
  rawState?: string;
  /** The last step's name or description (`res_obj.step_list`), for progress lines. */
  step?: string;
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
  /** Realm, KDCs (on `kdc_ports`, never defaulted: KDC_PORT_UNKNOWN, exit 3), peers, config version. */
  readKerberosFacts(): Promise<KerberosFacts>;
  /** Only the current `peer_realms` and config version (krb5conf discovery: no host list, no realm or port). */
  readPeerRealms(): Promise<Pick<KerberosFacts, 'peers' | 'configVersion'>>;
  /**
   * Saves the whole `peer_realms` list. Refuses (CheckError, code CONFIG_DRIFT) when the
   * Manager's config version is no longer `expectedVersion`. With `restart` the save asks the
   * Manager to restart the affected services (`restart_affected_components: true`, as the
   * console's "Restart the affected services or instances") and returns the command id of that
   * restart when the Manager gives one (none: the caller restarts with stop + start).
   * `ready` settles when the caller may write (its journal record of this save is on disk): the
   * re-read before the save runs meanwhile, and nothing is sent before it resolves; a rejection
   * stops the save unsent.
   */
  savePeerRealms(peers: PeerEntry[], options: SaveOptions): Promise<{ commandId?: string; configVersion?: string }>;
  /**
   * Documented `POST …/service/{name}/stop` and `…/start` with `only_self: true` (never false:
   * on a security cluster every service depends on KrbServer). Returns the command id to wait
   * for, or undefined when the Manager answered COMPLETE without one.
   */
  stopService(name: string): Promise<string | undefined>;
  startService(name: string): Promise<string | undefined>;
  /**
   * One request whose reply's HTTP `Date` header tells the Manager's clock (the pre-check's
   * clock-skew check), with this machine's time when it left and came back. Never throws: a
   * failure is in `error`. Optional: a Manager without it makes the clock check "unknown".
   */
  readServerTime?(): Promise<Omit<ClockSample, 'cluster'>>;
  /**
   * Polls the documented command progress until COMPLETE or FAILED (at most every 4 s, every
   * 0.5 s around the end the reported percentage predicts: domain/poll-schedule.ts; `pollMs`
   * fixes the interval). Throws COMMAND_TIMEOUT.
   */
  waitForCommand(id: string, options: { timeoutMs: number; pollMs?: number; onProgress?: (p: CommandProgress) => void; signal?: AbortSignal }): Promise<CommandProgress>;
}
