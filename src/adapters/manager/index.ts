import { setTimeout as sleep } from 'node:timers/promises';
import { CookieJar } from 'tough-cookie';
import type { ClusterConfig } from '../../config/load.js';
import { resolveSecret } from '../../config/secrets.js';
import { CheckError, InterruptedError, RemoteError } from '../../errors/index.js';
import { majorOf, resolveVersion } from '../../domain/version.js';
import type { PeerEntry } from '../../domain/peers.js';
import type { ClusterInfo, CommandProgress, HostInfo, KerberosFacts, Manager, ServiceStatus } from '../../ports/manager.js';
import { clusterStatusResObjSchema, clustersResObjSchema, envelopeOf, PATHS, progressSchema } from '../../wire/manager/documented.js';
import { kerberosFacts, readKrbConfig, readServices, readWireHosts, restart, saveBody, saveReplySchema, toHostInfo } from './assumed.js';
import { casLogin, casLogout } from './cas.js';
import { ManagerHttp, type HttpSettings } from './http.js';
import { createAgent } from './tls.js';

export interface ManagerLog {
  warn(line: string): void;
  debug(line: string): void;
}

/** `trace` (in HttpSettings): `--trace-http FILE`, see src/adapters/http-trace/. */
export interface ManagerOptions extends Partial<HttpSettings> {
  env?: NodeJS.ProcessEnv;
}

const warnedInsecure = new Set<string>();

/** Defaults; `MRS_TRUST_HTTP_TIMEOUT_MS` overrides the per-request timeout (docs/sandbox.md, README). */
export function httpSettings(options: ManagerOptions = {}): HttpSettings {
  const env = options.env ?? process.env;
  const fromEnv = Number(env.MRS_TRUST_HTTP_TIMEOUT_MS);
  return {
    timeoutMs: options.timeoutMs ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 30_000),
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 500,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
    ...(options.trace ? { trace: options.trace } : {}),
  };
}

/** The axios Manager adapter for one cluster of clusters.yaml. */
export function createManager(cluster: ClusterConfig, log: ManagerLog, options: ManagerOptions = {}): Manager {
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
    const settings = httpSettings(options);
    const agent = createAgent(
      config,
      this.#jar,
      () => {
        if (warnedInsecure.has(config.name)) return;
        warnedInsecure.add(config.name);
        log.warn(`clusters.${config.name}.manager.tls.insecure: the Manager certificate is NOT verified; pin it with tls.fingerprint`);
      },
      settings.timeoutMs,
    );
    this.#http = new ManagerHttp(config, agent, settings);
  }

  private url(path: string): string {
    return this.config.manager.url + path;
  }

  private async password(): Promise<string> {
    return (await resolveSecret(this.config.manager.password, `clusters.${this.cluster}.manager.password`, this.#env)).reveal();
  }

  async login(): Promise<void> {
    this.log.debug(`${this.cluster}: logging in to ${this.config.manager.url} as ${this.config.manager.user}`);
    await casLogin(this.#http, this.#jar, this.#env);
  }

  async logout(): Promise<void> {
    await casLogout(this.#http, this.log.debug);
    this.#http.agent.destroy();
  }

  async readClusterInfo(): Promise<ClusterInfo> {
    const list = await this.#http.call({ method: 'GET', url: this.url(PATHS.clusters), endpoint: `GET ${PATHS.clusters}`, schema: envelopeOf(clustersResObjSchema), read: true });
    const clusters = list.res_obj.clusters;
    const own = clusters.find((c) => String(c.id) === '1') ?? (clusters[0] as (typeof clusters)[number]);
    // Only `MRS x.y.z` is an MRS version (a 2.x Manager may report `6.5.1`); clusters.yaml wins.
    const trusted = resolveVersion({ configured: this.config.mrsVersion, manager: own.version });
    const major = trusted ? majorOf(trusted.version) : undefined;
    if (trusted?.source === 'manager' && major !== undefined && major >= 3) {
      throw new CheckError('MRS_VERSION_UNSUPPORTED', `${this.cluster}: the Manager reports ${own.version}; MRS 3.x is not supported yet (trust is set under System > Permission > Domain and Mutual Trust)`, {
        hint: `only MRS 2.x (and 1.9.2+) clusters can be linked by this release; if this is a 2.x cluster, set clusters.${this.cluster}.mrsVersion`,
      });
    }
    const status = await this.#http.call({ method: 'GET', url: this.url(PATHS.clusterStatus), endpoint: `GET ${PATHS.clusterStatus}`, schema: envelopeOf(clusterStatusResObjSchema), read: true });
    const state = status.res_obj.state.toUpperCase();
    return { name: own.name, version: own.version, kerberos: own.stack_model === 'Sec', state: state === 'GOOD' || state === 'BAD' ? state : 'UNKNOWN' };
  }

  readHealth(): Promise<ServiceStatus[]> {
    return readServices(this.#http);
  }

  async readHosts(): Promise<HostInfo[]> {
    return toHostInfo(await readWireHosts(this.#http));
  }

  async readKerberosFacts(): Promise<KerberosFacts> {
    const [config, hosts] = await Promise.all([readKrbConfig(this.#http), readWireHosts(this.#http)]);
    return kerberosFacts(config, hosts);
  }

  async savePeerRealms(peers: PeerEntry[], options: { expectedVersion: string; restart: boolean }): Promise<{ commandId?: string; configVersion?: string }> {
    // Re-read right before writing: another admin may have saved since discovery.
    const current = await readKrbConfig(this.#http);
    if (current.configVersion !== options.expectedVersion) {
      throw new CheckError('CONFIG_DRIFT', `${this.cluster}: the KrbServer configuration changed since it was read (version ${options.expectedVersion} → ${current.configVersion}); nothing was written`, {
        hint: 'someone else changed the cluster; run the command again to plan against the new state',
        details: { cluster: this.cluster, expectedVersion: options.expectedVersion, actualVersion: current.configVersion },
      });
    }
    const endpoint = `POST ${PATHS.save}`;
    const reply = await this.#http.call({ method: 'POST', url: this.url(PATHS.save), endpoint, schema: saveReplySchema, read: false, json: saveBody(peers, options.restart, await this.password()) });
    const id = reply.id === undefined || reply.id === null ? undefined : String(reply.id);
    if (options.restart && id === undefined) throw new RemoteError('MANAGER_BAD_REPLY', `${this.cluster}: ${endpoint}: no command id for the restart`);
    const version = reply.res_obj?.config_version;
    return {
      ...(options.restart || reply.state === 'IN_PROGRESS' ? { commandId: id } : {}),
      ...(version === undefined || version === null ? {} : { configVersion: String(version) }),
    };
  }

  async restartServices(names: string[]): Promise<string> {
    return restart(this.#http, names, await this.password());
  }

  async waitForCommand(id: string, options: { timeoutMs: number; pollMs?: number; onProgress?: (p: CommandProgress) => void; signal?: AbortSignal }): Promise<CommandProgress> {
    const deadline = Date.now() + options.timeoutMs;
    const path = PATHS.progress(id);
    for (;;) {
      if (options.signal?.aborted) throw new InterruptedError(`${this.cluster}: stopped waiting for command ${id}`);
      const reply = await this.#http.call({ method: 'GET', url: this.url(path), endpoint: `GET ${path}`, schema: progressSchema, read: true, allowFailed: true });
      const failures = (reply.res_obj?.fail_entity_list ?? []).map((f) => (typeof f === 'string' ? f : [f.name, f.reason].filter(Boolean).join(': ')));
      const progress: CommandProgress = { state: reply.state, percent: reply.total_progress, ...(failures.length > 0 ? { failures } : {}) };
      options.onProgress?.(progress);
      if (progress.state !== 'IN_PROGRESS') return progress;
      if (Date.now() >= deadline) {
        throw new RemoteError('COMMAND_TIMEOUT', `${this.cluster}: command ${id} still running after ${options.timeoutMs} ms (${progress.percent}%)`, { hint: 'check the task in the Manager web UI; the command may still finish' });
      }
      try {
        await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now())), undefined, { signal: options.signal });
      } catch {
        throw new InterruptedError(`${this.cluster}: stopped waiting for command ${id}`);
      }
    }
  }
}
