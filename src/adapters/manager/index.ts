import { setTimeout as sleep } from 'node:timers/promises';
import { CookieJar } from 'tough-cookie';
import type { ClusterConfig } from '../../config/load.js';
import { resolveSecret } from '../../config/secrets.js';
import { CheckError, RemoteError } from '../../errors/index.js';
import { samePeerList } from '../../domain/peers.js';
import { isMrs3, majorOf, resolveVersion } from '../../domain/version.js';
import { createManagerV3 } from './v3/index.js';
import type { ManagerLog, ManagerOptions } from './settings.js';
import type { PeerEntry } from '../../domain/peers.js';
import type { ClusterInfo, CommandProgress, HostInfo, KerberosFacts, Manager, SaveOptions, ServiceStatus } from '../../ports/manager.js';
import { clusterStatusResObjSchema, clustersResObjSchema, envelopeOf, PATHS } from '../../wire/manager/documented.js';
import { ASSUMED_PATHS, KRB } from '../../wire/manager/assumed.js';
import { kerberosFacts, readKrbConfig, readWireHosts, saveBody, saveReplySchema, toHostInfo } from './assumed.js';
import { commandIdOf, serviceAction, waitForCommand, type WaitOptions } from './commands.js';
import { readHealth } from './health.js';
import { casLogin, casLogout } from './cas.js';
import { readServerTime } from './clock.js';
import type { ClockSample } from '../../domain/precheck/outcomes.js';
import type { ManagerHttp } from './http.js';
import { managerHttp } from './connect.js';

export { httpSettings, type ManagerLog, type ManagerOptions } from './settings.js';


/** Save failures after which the Manager may or may not have applied the save. */
const UNKNOWN_OUTCOME = new Set(['MANAGER_SESSION', 'MANAGER_TIMEOUT', 'MANAGER_CONNECTION_RESET', 'MANAGER_HTTP_5XX', 'MANAGER_HTTP_ERROR', 'MANAGER_BAD_REPLY']);

/** The axios Manager adapter for one cluster of clusters.yaml. */
export function createManager(cluster: ClusterConfig, log: ManagerLog, options: ManagerOptions = {}): Manager {
  // The profile follows clusters.yaml only (src/domain/version.ts isMrs3): 3.x is Basic auth, never CAS.
  if (isMrs3(cluster.mrsVersion)) return createManagerV3(cluster, log, options);
  return new HttpManager(cluster, log, options);
}

class HttpManager implements Manager {
  readonly cluster: string;
  readonly #http: ManagerHttp;
  readonly #jar = new CookieJar();
  readonly #env: NodeJS.ProcessEnv;

  constructor(
    readonly config: ClusterConfig,
    readonly log: ManagerLog,
    options: ManagerOptions,
  ) {
    this.cluster = config.name;
    this.#env = options.env ?? process.env;
    this.#http = managerHttp(config, this.#jar, log, options);
  }

  private url(path: string): string {
    return this.config.manager.url + path;
  }

  private async password(): Promise<string> {
    return (await resolveSecret(this.config.manager.password, `clusters.${this.cluster}.manager.password`, this.#env)).reveal();
  }

  /**
   * One login per session: `link` starts it as soon as the Manager exists (so the CAS round trips
   * overlap the rest of the start-up) and discovery asks again; both wait for the same one. A
   * failed login stays failed: asking again must not send a wrong password twice (account lockout).
   */
  login(): Promise<void> {
    return (this.#session ??= this.casLogin());
  }

  #session?: Promise<void>;

  private async casLogin(): Promise<void> {
    this.log.debug(`${this.cluster}: logging in to ${this.config.manager.url} as ${this.config.manager.user}`);
    await casLogin(this.#http, this.#jar, this.#env);
    // From now on a read that finds the session expired logs in again once (ManagerHttp.call).
    this.#http.relogin = () => (this.#session = this.casLogin());
  }

  async logout(): Promise<void> {
    // A read still in flight must not log in again after this.
    this.#http.relogin = undefined;
    // A login started early and still in flight (the run stopped before discovery) ends first, so
    // the session it opens is the one closed; bounded like the logout calls (a hung Manager after
    // Ctrl-C must not hold the exit for a full timeout).
    if (this.#session) await Promise.race([this.#session.catch(() => undefined), sleep(Math.min(this.#http.settings.timeoutMs, 5000), undefined, { ref: false })]);
    this.#session = undefined;
    await casLogout(this.#http, this.log.debug);
    this.#http.agent.destroy();
  }

  async readClusterInfo(): Promise<ClusterInfo> {
    // Both reads at once (one round trip); the status is looked at only after the version check.
    const reading = this.#http.call({ method: 'GET', url: this.url(PATHS.clusterStatus), endpoint: `GET ${PATHS.clusterStatus}`, schema: envelopeOf(clusterStatusResObjSchema), read: true });
    reading.catch(() => undefined);
    const list = await this.#http.call({ method: 'GET', url: this.url(PATHS.clusters), endpoint: `GET ${PATHS.clusters}`, schema: envelopeOf(clustersResObjSchema), read: true });
    const clusters = list.res_obj.clusters;
    const own = clusters.find((c) => String(c.id) === '1') ?? (clusters[0] as (typeof clusters)[number]);
    // Only `MRS x.y.z` is an MRS version (a 2.x Manager may report `6.5.1`); clusters.yaml wins.
    const trusted = resolveVersion({ configured: this.config.mrsVersion, manager: own.version });
    const major = trusted ? majorOf(trusted.version) : undefined;
    if (trusted?.source === 'manager' && major !== undefined && major >= 3) {
      throw new CheckError('MRS_VERSION_UNSUPPORTED', `${this.cluster}: the Manager reports ${own.version}, but it was read with the MRS 2.x profile (CAS, /web/v1)`, {
        hint: `set clusters.${this.cluster}.mrsVersion to that version ("${trusted.version}") for the 3.x profile (HTTP Basic, node krb5.conf); if this is a 2.x cluster, set mrsVersion to its 2.x version`,
      });
    }
    const status = await reading;
    const state = status.res_obj.state.toUpperCase();
    return { name: own.name, version: own.version, kerberos: own.stack_model === 'Sec', state: state === 'GOOD' || state === 'BAD' ? state : 'UNKNOWN' };
  }

  readHealth(): Promise<ServiceStatus[]> {
    return readHealth(this.#http, this.log.debug);
  }

  async readHosts(): Promise<HostInfo[]> {
    return toHostInfo(await readWireHosts(this.#http));
  }

  async readKerberosFacts(): Promise<KerberosFacts> {
    const [config, hosts] = await Promise.all([readKrbConfig(this.#http), readWireHosts(this.#http)]);
    return kerberosFacts(config, hosts, { cluster: this.cluster, endpoint: `GET ${ASSUMED_PATHS.serviceConfig(KRB.service)}` });
  }

  async readPeerRealms(): Promise<Pick<KerberosFacts, 'peers' | 'configVersion'>> {
    const { peers, configVersion } = await readKrbConfig(this.#http);
    return { peers, configVersion };
  }

  async savePeerRealms(peers: PeerEntry[], options: SaveOptions): Promise<{ commandId?: string; configVersion?: string }> {
    // Re-read right before writing: another admin may have saved since discovery. The caller's
    // journal write (`ready`) goes to disk meanwhile; nothing is sent before both are done.
    const [current] = await Promise.all([readKrbConfig(this.#http), options.ready]);
    if (current.configVersion !== options.expectedVersion) {
      throw new CheckError('CONFIG_DRIFT', `${this.cluster}: the KrbServer configuration changed since it was read (version ${options.expectedVersion} → ${current.configVersion}); nothing was written`, {
        hint: 'someone else changed the cluster; run the command again to plan against the new state',
        details: { cluster: this.cluster, expectedVersion: options.expectedVersion, actualVersion: current.configVersion },
      });
    }
    const body = saveBody(peers, options.restart, await this.password(), current.peersLevel);
    const send = () => this.#http.call({ method: 'POST', url: this.url(PATHS.save), endpoint: `POST ${PATHS.save}`, schema: saveReplySchema, read: false, json: body });
    let reply: Awaited<ReturnType<typeof send>>;
    try {
      reply = await send();
    } catch (error) {
      const outcome = await this.saveOutcome(error, peers, options.expectedVersion);
      if (outcome === 'applied') return {};
      reply = await send();
    }
    // The documented reply's `id` is the asynchronous task: with restart, the restart to wait on.
    const id = options.restart ? commandIdOf(reply.id) : undefined;
    const version = reply.res_obj?.config_version;
    return {
      ...(id === undefined ? {} : { commandId: id }),
      ...(version === undefined || version === null ? {} : { configVersion: String(version) }),
    };
  }

  /**
   * A save that failed without a clear refusal (session lost, timeout, reset, 5xx) may or may not
   * have been applied: it is never sent again blindly. Re-read (logging in again if needed):
   * `applied` = the new list is there (the restart is then owed without a command id); `resend`
   * = only after the Manager answered its login page (the request never reached the save) and
   * the configuration is unchanged; anything else rethrows.
   */
  private async saveOutcome(error: unknown, peers: PeerEntry[], expectedVersion: string): Promise<'applied' | 'resend'> {
    const code = error instanceof RemoteError ? error.code : undefined;
    if (!code || !UNKNOWN_OUTCOME.has(code)) throw error;
    let now: Awaited<ReturnType<typeof readKrbConfig>>;
    try {
      now = await readKrbConfig(this.#http);
    } catch {
      throw error;
    }
    if (samePeerList(now.peers, peers)) {
      this.log.debug(`${this.cluster}: the save answered ${code}, but peer_realms now holds the new list: it was applied`);
      return 'applied';
    }
    if (code === 'MANAGER_SESSION' && now.configVersion === expectedVersion) return 'resend';
    throw error;
  }

  readServerTime(): Promise<Omit<ClockSample, 'cluster'>> {
    return readServerTime(this.#http, this.url('/web/'));
  }

  async stopService(name: string): Promise<string | undefined> {
    return serviceAction(this.#http, name, 'stop', await this.password());
  }

  async startService(name: string): Promise<string | undefined> {
    return serviceAction(this.#http, name, 'start', await this.password());
  }

  waitForCommand(id: string, options: WaitOptions): Promise<CommandProgress> {
    return waitForCommand(this.#http, id, options);
  }
}
