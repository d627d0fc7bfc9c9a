import type { KdcAddress } from '../../src/domain/ip-port.js';
import type { PeerEntry } from '../../src/domain/peers.js';
import { CheckError, RemoteError } from '../../src/errors/index.js';
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
  /** The `restart` flag of every save. */
  saveRestarts: boolean[] = [];
  /** Stops, starts and waits, in order. */
  calls: string[] = [];
  /** Command ids this Manager knows (a journaled id of another Manager is refused). */
  commands = new Map<string, string>();
  /** The save answers without a command id (the restart then goes through stop + start). */
  saveGivesNoCommand = false;
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
  async readPeerRealms() {
    const { peers, configVersion } = await this.readKerberosFacts();
    return { peers, configVersion };
  }
  async savePeerRealms(peers: PeerEntry[], options: { expectedVersion: string; restart: boolean; ready?: Promise<void> }) {
    await options.ready;
    if (String(this.configVersion) !== options.expectedVersion) throw new CheckError('CONFIG_DRIFT', `${this.cluster}: config version moved`);
    this.peers = peers.map((p) => ({ ...p }));
    this.saves.push(this.peers);
    this.configVersion += 1;
    this.saveRestarts.push(options.restart);
    if (!options.restart || this.saveGivesNoCommand) return { configVersion: String(this.configVersion) };
    return { commandId: this.command('save'), configVersion: String(this.configVersion) };
  }
  async stopService(name: string) {
    this.calls.push(`stop ${name}`);
    return this.command('stop');
  }
  async startService(name: string) {
    this.calls.push(`start ${name}`);
    return this.command('start');
  }
  async waitForCommand(id: string, options: { onProgress?: (p: CommandProgress) => void }) {
    this.calls.push(`wait ${id}`);
    options.onProgress?.({ state: 'IN_PROGRESS', percent: 50 });
    const known = this.commands.get(id);
    if (!known) throw new RemoteError('MANAGER_REFUSED', `${this.cluster}: command ${id} does not exist`);
    return { state: this.restartOutcome, percent: 100 };
  }

  /** Save-restarts and start commands count as restarts (a stop alone does not). */
  private command(via: 'save' | 'stop' | 'start'): string {
    const id = `${this.cluster}-cmd-${this.commands.size + 1}`;
    this.commands.set(id, via);
    if (via !== 'stop') this.restarts += 1;
    return id;
  }
}
