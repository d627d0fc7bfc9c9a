import { CookieJar } from 'tough-cookie';
import type { ClusterConfig } from '../../../config/load.js';
import { resolveSecret } from '../../../config/secrets.js';
import { CheckError } from '../../../errors/index.js';
import type { ClusterInfo, CommandProgress, HostInfo, KerberosFacts, Manager, ServiceStatus } from '../../../ports/manager.js';
import type { ManagerV3, SessionInfo, TrustDomainCalls } from '../../../ports/manager-v3.js';
import { V3_PATHS } from '../../../wire/manager/v3.js';
import type { ManagerHttp } from '../http.js';
import { managerHttp } from '../connect.js';
import type { ManagerLog, ManagerOptions } from '../settings.js';
import { judgeSessionReply } from './session.js';
import { capturedTrustDomains } from './captured.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { readServerTime } from '../clock.js';
import type { ClockSample } from '../../../domain/precheck/outcomes.js';


/**
 * The MRS 3.x profile of the Manager adapter (FusionInsight Manager 8.x), chosen when
 * clusters.yaml `mrsVersion` is 3.x. HTTP Basic on every request (never CAS), the documented
 * session check as login. Realm, KDCs and peers are not read here (no public call): discovery
 * reads them from a node's krb5.conf. The 2.x calls stop with MRS3_ASSISTED (exit 3) before
 * anything is sent, naming the assisted procedure.
 */
export function createManagerV3(cluster: ClusterConfig, log: ManagerLog, options: ManagerOptions = {}): Manager & ManagerV3 {
  return new BasicManager(cluster, log, options);
}

class BasicManager implements Manager, ManagerV3 {
  readonly cluster: string;
  readonly #http: ManagerHttp;
  readonly #env: NodeJS.ProcessEnv;
  #authorized = false;

  constructor(
    readonly config: ClusterConfig,
    readonly log: ManagerLog,
    options: ManagerOptions,
  ) {
    this.cluster = config.name;
    this.#env = options.env ?? process.env;
    this.#http = managerHttp(config, new CookieJar(), log, options);
  }

  /** Basic credentials on the client, once: they are never logged (--trace-http redacts Authorization). */
  private async authorize(): Promise<void> {
    if (this.#authorized) return;
    const field = `clusters.${this.cluster}.manager.password`;
    const password = (await resolveSecret(this.config.manager.password, field, this.#env)).reveal();
    const token = Buffer.from(`${this.config.manager.user}:${password}`, 'utf8').toString('base64');
    this.#http.client.defaults.headers.common.Authorization = `Basic ${token}`;
    this.#authorized = true;
  }

  async checkSession(): Promise<SessionInfo> {
    await this.authorize();
    // Never retried on a refusal (send retries only network errors and 5xx): a repeated wrong password may lock the account.
    const reply = await this.#http.send('GET', this.config.manager.url + V3_PATHS.sessionStatus, `GET ${V3_PATHS.sessionStatus}`, true, undefined, false, undefined, 0);
    return judgeSessionReply(this.cluster, this.config.manager.user, reply);
  }

  /** The guessed calls (captured.ts) only when clusters.yaml says `manager.trustDomains: captured`; else the console checklist. */
  trustDomains(): TrustDomainCalls | undefined {
    if (this.config.manager.trustDomains !== 'captured') return undefined;
    return capturedTrustDomains(this.#http, { sleep: (ms, signal) => sleep(ms, undefined, { signal }), now: () => Date.now() });
  }

  /** One check per run however often asked (link starts it early, discovery asks again): a wrong password is sent once. */
  login(): Promise<void> {
    return (this.#checked ??= this.sessionCheck());
  }

  #checked?: Promise<void>;

  private async sessionCheck(): Promise<void> {
    this.log.debug(`${this.cluster}: MRS 3.x session check at ${this.config.manager.url} as ${this.config.manager.user} (HTTP Basic)`);
    await this.checkSession();
  }

  async logout(): Promise<void> {
    this.#checked = undefined;
    // Basic authentication has no session to end; the connections go.
    this.#http.agent.destroy();
  }

  /** The pre-check's clock: the `Date` header of a plain GET of the web root, as on 2.x (clock.ts; any status carries it). */
  readServerTime(): Promise<Omit<ClockSample, 'cluster'>> {
    return readServerTime(this.#http, `${this.config.manager.url}/web/`);
  }

  /** No public 3.x call returns cluster name, version or state: the configured values, state UNKNOWN. */
  async readClusterInfo(): Promise<ClusterInfo> {
    return { name: this.cluster, version: '-', kerberos: true, state: 'UNKNOWN' };
  }

  /** No public 3.x call lists services; discovery marks health as not read. */
  async readHealth(): Promise<ServiceStatus[]> {
    return [];
  }

  async readHosts(): Promise<HostInfo[]> {
    return [];
  }

  private assisted(what: string): CheckError {
    return new CheckError('MRS3_ASSISTED', `${this.cluster}: MRS ${this.config.mrsVersion ?? '3.x'} has no public Manager API for ${what}; trust on 3.x follows the assisted procedure (issue "MRS 3.x"): console steps under System > Permission > Domain and Mutual Trust, then restart-RealmConfig.sh as omm`, {
      hint: `\`mrs-trust status ${this.cluster}\` reads a 3.x cluster; see docs/mrs3.md`,
      details: { cluster: this.cluster },
    });
  }

  readKerberosFacts(): Promise<KerberosFacts> {
    return Promise.reject(this.assisted('the KrbServer configuration'));
  }

  readPeerRealms(): Promise<Pick<KerberosFacts, 'peers' | 'configVersion'>> {
    return Promise.reject(this.assisted('reading the Peer Mutual Trust Domain'));
  }

  savePeerRealms(): Promise<{ commandId?: string; configVersion?: string }> {
    return Promise.reject(this.assisted('saving the Peer Mutual Trust Domain'));
  }

  stopService(): Promise<string | undefined> {
    return Promise.reject(this.assisted('stopping a service'));
  }

  startService(): Promise<string | undefined> {
    return Promise.reject(this.assisted('starting a service'));
  }

  waitForCommand(): Promise<CommandProgress> {
    return Promise.reject(this.assisted('command progress'));
  }
}
