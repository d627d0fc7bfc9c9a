import type { KdcAddress } from '../../src/domain/ip-port.js';
import type { PeerEntry } from '../../src/domain/peers.js';
import { CheckError } from '../../src/errors/index.js';
import type { CommandProgress, Manager, ServiceStatus } from '../../src/ports/manager.js';

/** A stateful in-memory Manager for workflow tests: holds peer_realms, a config version and a write log. */
export class FakeManager implements Manager {
  peers: PeerEntry[] = [];
  configVersion = 1;
  restarts = 0;
  saves: PeerEntry[][] = [];
  loggedIn = false;
  logouts = 0;
  restartOutcome: CommandProgress['state'] = 'COMPLETE';
  /** Called on every readKerberosFacts; lets a test change state "between read and write". */
  onRead?: (self: FakeManager, count: number) => void;
  private reads = 0;

  constructor(
    readonly cluster: string,
    readonly realm: string,
    readonly kdcs: KdcAddress[],
    readonly opts: { version?: string; kerberos?: boolean; services?: ServiceStatus[]; hosts?: { name: string; ip: string }[] } = {},
  ) {}

  async login() {
    this.loggedIn = true;
  }
  async logout() {
    this.loggedIn = false;
    this.logouts += 1;
  }
  async readClusterInfo() {
    return { name: this.cluster, version: this.opts.version ?? 'MRS 2.1.0', kerberos: this.opts.kerberos ?? true, state: 'GOOD' as const };
  }
  async readHealth() {
    return this.opts.services ?? [{ name: 'KrbServer', health: 'GOOD' as const }];
  }
  async readHosts() {
    return this.opts.hosts ?? this.kdcs.map((k, i) => ({ name: `master${i + 1}.${this.cluster}`, ip: k.ip }));
  }
  async readKerberosFacts() {
    this.reads += 1;
    this.onRead?.(this, this.reads);
    return { realm: this.realm, kdcs: this.kdcs, peers: this.peers.map((p) => ({ ...p })), configVersion: String(this.configVersion) };
  }
  async savePeerRealms(peers: PeerEntry[], options: { expectedVersion: string; restart: boolean }) {
    if (String(this.configVersion) !== options.expectedVersion) throw new CheckError('CONFIG_DRIFT', `${this.cluster}: config version moved`);
    this.peers = peers.map((p) => ({ ...p }));
    this.saves.push(this.peers);
    this.configVersion += 1;
    return { configVersion: String(this.configVersion) };
  }
  async restartServices() {
    this.restarts += 1;
    return `cmd-${this.restarts}`;
  }
  async waitForCommand(_id: string, options: { onProgress?: (p: CommandProgress) => void }) {
    options.onProgress?.({ state: 'IN_PROGRESS', percent: 50 });
    return { state: this.restartOutcome, percent: 100 };
  }
}
