import { randomBytes } from 'node:crypto';
import type { ClusterLayout } from '../layout.js';
import { KDC_PORT } from '../layout.js';
import { MRS3_VERSION, type ClusterOverrides, type ManagerProfile } from '../faults.js';
import type { PeerRow } from './rules.js';

export type SimHealth = 'GOOD' | 'CONCERNING' | 'BAD' | 'UNKNOWN';

export interface RestartRecord {
  commandId: string;
  services: string[];
  /**
   * `save`: save with restart_affected_components; `stop` / `start`: the documented service
   * calls (a stopped service stays stopped until started); `restart`: the guessed restart call,
   * no longer served (kept so older state files read back).
   */
  via: 'save' | 'restart' | 'stop' | 'start';
  requestedAt: string;
  outcome: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
}

interface Command {
  id: string;
  startedMs: number;
  durationMs: number;
  fail: boolean;
  record: RestartRecord;
}

/** Services of a typical MRS 2.x analysis cluster with Kerberos. */
const SERVICES = ['KrbServer', 'LdapServer', 'ZooKeeper', 'HDFS', 'Yarn', 'MapReduce', 'Hive', 'Spark2x'];

const token = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

/**
 * One simulated cluster's state: what the Manager reports and what it remembers. Commands
 * progress with the clock (no timers), so nothing is left running when the sandbox stops.
 */
export class SimCluster {
  readonly name: string;
  readonly realm: string;
  readonly user = 'admin';
  readonly version: string;
  readonly kerberos: boolean;
  readonly passwordMustChange: boolean;
  /** docs/sandbox.md "Manager profiles". */
  readonly profile: ManagerProfile;
  readonly layout: ClusterLayout;
  /** The configured MRS release (faults `mrsVersion`, `sandbox up --mrs-version`), if any. */
  readonly mrsVersion: string | undefined;
  /** An MRS 3.x cluster: Basic-auth Manager, no CAS; peers change only through restart-RealmConfig.sh. */
  readonly mrs3: boolean;
  /** MRS 3.x: applied peers = `peers`; the console's saved list and cluster run state (src/sandbox/v3/). */
  readonly console = { peers: [] as PeerRow[], clustersRunning: true, saves: 0 };
  /** MRS 3.x: each restart-RealmConfig.sh run. */
  readonly realmConfigRuns: { node: string; at: string; peers: PeerRow[]; clustersRunning: boolean; ok: boolean; output: string }[] = [];
  peers: PeerRow[] = [];
  configVersion = 1;
  krbConfigReads = 0;
  readonly health = new Map<string, SimHealth>();
  readonly restarts: RestartRecord[] = [];
  readonly commands = new Map<string, Command>();
  readonly counters = { logins: 0, logouts: 0, saves: 0, refusedLogins: 0 };
  /** casSessionId → pending lt; CASTGC → user; ST → service; JSESSIONID set. */
  readonly casSessions = new Map<string, string>();
  readonly tgts = new Set<string>();
  readonly tickets = new Map<string, string>();
  readonly sessions = new Set<string>();
  /** Services a completed stop left stopped (until a start). */
  readonly stopped = new Set<string>();
  #nextCommand = 100;

  constructor(
    layout: ClusterLayout,
    readonly password: string,
    readonly restartMs: number,
    readonly overrides: ClusterOverrides,
    readonly onChange: () => void,
  ) {
    this.layout = layout;
    this.name = layout.name;
    this.realm = layout.realm;
    this.mrsVersion = overrides.mrsVersion;
    this.mrs3 = MRS3_VERSION.test(overrides.mrsVersion ?? '');
    this.version = overrides.version ?? (overrides.mrsVersion ? `MRS ${overrides.mrsVersion}` : 'MRS 2.1.0');
    this.kerberos = overrides.kerberos ?? true;
    this.passwordMustChange = overrides.passwordMustChange ?? false;
    this.profile = overrides.manager ?? 'assumed';
    for (const s of SERVICES) {
      if (!this.kerberos && (s === 'KrbServer' || s === 'LdapServer')) continue;
      this.health.set(s, overrides.unhealthy?.includes(s) ? 'BAD' : 'GOOD');
    }
  }

  /** The documented profiles serve every reply at its strictest documented shape. */
  get strict(): boolean {
    return this.profile !== 'assumed';
  }

  get kdcs(): string[] {
    return this.layout.kdcIps.map((ip) => `${ip}:${KDC_PORT}`);
  }

  newToken(prefix: 'LT' | 'TGT' | 'ST' | 'CAS' | 'JS'): string {
    return token(prefix);
  }

  /** Starts an asynchronous command that restarts `services` and records it. */
  startRestart(services: string[], via: RestartRecord['via']): string {
    const id = String(this.#nextCommand++);
    if (via === 'start') for (const s of services) this.stopped.delete(s);
    const record: RestartRecord = { commandId: id, services, via, requestedAt: new Date().toISOString(), outcome: 'IN_PROGRESS' };
    this.restarts.push(record);
    this.commands.set(id, { id, startedMs: Date.now(), durationMs: this.overrides.restartMs ?? this.restartMs, fail: this.overrides.restartOutcome === 'FAILED', record });
    this.onChange();
    return id;
  }

  /** A command's progress now; settles it (and records the outcome) when its time is up. */
  progress(id: string): { state: RestartRecord['outcome']; percent: number; failures: { fail_entity: string; operation_type: string }[] } | undefined {
    const command = this.commands.get(id);
    if (!command) return undefined;
    const elapsed = Date.now() - command.startedMs;
    const percent = command.durationMs <= 0 ? 100 : Math.min(100, Math.floor((elapsed / command.durationMs) * 100));
    if (percent < 100) return { state: 'IN_PROGRESS', percent, failures: [] };
    if (command.record.outcome === 'IN_PROGRESS') {
      command.record.outcome = command.fail ? 'FAILED' : 'COMPLETE';
      if (command.record.via === 'stop' && !command.fail) for (const s of command.record.services) this.stopped.add(s);
      this.onChange();
    }
    // Documented fail_entity_list items: {fail_entity, operation_type: STOP | START}.
    const operation = command.record.via === 'stop' ? 'STOP' : 'START';
    const failures = command.fail ? command.record.services.map((s) => ({ fail_entity: `${s}/${this.layout.nodes[0]?.name ?? 'master1'}`, operation_type: operation })) : [];
    return { state: command.record.outcome, percent: command.fail ? 90 : 100, failures };
  }

  /** Services a running restart command is restarting right now. */
  restarting(): Set<string> {
    this.settle();
    return new Set([...this.commands.values()].filter((c) => c.record.outcome === 'IN_PROGRESS').flatMap((c) => c.record.services));
  }

  /** Reported health: UNKNOWN while the service restarts or is stopped (as the console shows it), else its state. */
  healthOf(name: string): SimHealth | undefined {
    const health = this.health.get(name);
    return health && (this.restarting().has(name) || this.stopped.has(name)) ? 'UNKNOWN' : health;
  }

  healthList(): { name: string; health: SimHealth; running: 'NORMAL' | 'RESTARTING' | 'STOPPED' }[] {
    const restarting = this.restarting();
    return [...this.health].map(([name, health]) => {
      if (restarting.has(name)) return { name, health: 'UNKNOWN' as const, running: 'RESTARTING' as const };
      if (this.stopped.has(name)) return { name, health: 'UNKNOWN' as const, running: 'STOPPED' as const };
      return { name, health, running: 'NORMAL' as const };
    });
  }

  /** Settles every command whose time is up (for snapshots). */
  settle(): void {
    for (const id of this.commands.keys()) this.progress(id);
  }

  /** MRS 3.x: the management node that is active (status-oms.sh HAActive). */
  get omActive(): 'master1' | 'master2' {
    return this.overrides.omActive ?? 'master2';
  }

  snapshot() {
    this.settle();
    return {
      name: this.name,
      realm: this.realm,
      version: this.version,
      ...(this.mrsVersion ? { mrsVersion: this.mrsVersion } : {}),
      ...(this.mrs3
        ? {
            mrs3: {
              activeNode: `${this.omActive}.${this.name}`,
              console: { peers: this.console.peers.map((p) => ({ ...p })), clustersRunning: this.console.clustersRunning, saves: this.console.saves },
              realmConfigRuns: this.realmConfigRuns.map((r) => ({ ...r, peers: r.peers.map((p) => ({ ...p })) })),
            },
          }
        : {}),
      kerberos: this.kerberos,
      managerProfile: this.profile,
      kdcs: this.kerberos ? this.kdcs : [],
      peers: this.peers.map((p) => ({ ...p })),
      configVersion: String(this.configVersion),
      services: this.healthList().map(({ name, health }) => ({ name, health })),
      restarts: this.restarts.map((r) => ({ ...r })),
      restartCount: this.restarts.length,
      saves: this.counters.saves,
      sessions: { active: this.sessions.size, logins: this.counters.logins, logouts: this.counters.logouts, refused: this.counters.refusedLogins },
    };
  }
}
