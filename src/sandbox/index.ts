/**
 * The sandbox: simulated MRS clusters on loopback (docs/sandbox.md is the contract).
 * `startSandbox()` starts them in this process; `mrs-trust sandbox up` runs it in a detached
 * process, `--sandbox` on a command runs it for that one command.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { managerCert } from './cert.js';
import { FaultPlan, loadFaultFile, type FaultFile, type ManagerProfile } from './faults.js';
import { ensureDir, FILES, writeAtomic, writeClustersYaml } from './files.js';
import { startSimKdc, type SimKdc } from './kdc/sim-kdc.js';
import { CAS_PORT, KDC_PORT, MANAGER_PORT, sandboxLayout, type SandboxLayout } from './layout.js';
import { SimServer } from './manager/server.js';
import { SimCluster } from './manager/state.js';
import { PLUGINS, type ClusterFragment, type PluginOptions, type SandboxHub, type StartedPlugin } from './plugins.js';
import { resolveNames, SandboxError } from './names.js';
import { startMrs3 } from './v3/index.js';

export { SandboxError } from './names.js';
export { parseFaultFile, type FaultFile } from './faults.js';

export interface SandboxOptions {
  /** Created if missing (mode 0700); clusters.yaml, secrets, certs and state.json go here. */
  stateDir: string;
  /** Cluster names; default `alpha, beta`. */
  clusters?: string[];
  /** Instead of names: N clusters named alpha, beta, gamma, … */
  count?: number;
  /** Cluster i lives on 127.<subnet>.<i>.0/24. Default 0. */
  subnet?: number;
  /** Each cluster starts with one unrelated peer realm (PARTNER.MRS). */
  seedPeer?: boolean;
  /** How long a restart command runs. Default 300 ms. */
  restartMs?: number;
  /** A faults file path (YAML/JSON) or its parsed content. */
  faults?: string | FaultFile;
  /** Skip the ssh/cloud plugins (tests of the Manager alone). */
  plugins?: boolean;
  /** The cloud API starts with the cross-cluster security-group rules missing. */
  closedGroups?: boolean;
  /** Every cluster's Manager profile; a faults file's `clusters.<name>.manager` overrides it. */
  manager?: ManagerProfile;
  /** Every cluster's MRS release (3.x: the MRS 3.x profile); a faults file's `clusters.<name>.mrsVersion` overrides it. */
  mrsVersion?: string;
}

export interface SandboxClusterInfo {
  name: string;
  realm: string;
  managerUrl: string;
  casUrl: string;
  fingerprint: string;
  kdcs: string[];
}

export interface RunningSandbox {
  stateDir: string;
  configPath: string;
  layout: SandboxLayout;
  clusters: SandboxClusterInfo[];
  /** The live state, as state.json holds it. */
  snapshot(): SandboxSnapshot;
  stop(): Promise<void>;
}

export type SandboxSnapshot = ReturnType<typeof snapshotOf>;

function snapshotOf(base: { stateDir: string; configPath: string; subnet: number; restartMs: number; running: boolean }, sims: SimCluster[], infos: SandboxClusterInfo[], plugins: Map<string, StartedPlugin>, types: Map<string, string>) {
  return {
    version: 1 as const,
    pid: process.pid,
    running: base.running,
    stateDir: base.stateDir,
    configPath: base.configPath,
    subnet: base.subnet,
    restartMs: base.restartMs,
    updatedAt: new Date().toISOString(),
    clusters: sims.map((sim, i) => ({ ...sim.snapshot(), type: types.get(sim.name) ?? 'analysis', manager: { url: infos[i]?.managerUrl, cas: infos[i]?.casUrl, fingerprint: infos[i]?.fingerprint } })),
    plugins: Object.fromEntries([...plugins].map(([name, p]) => [name, p.state?.() ?? {}])),
  };
}

async function startPlugins(layout: SandboxLayout, stateDir: string, hub: SandboxHub, started: Map<string, StartedPlugin>, options: PluginOptions): Promise<void> {
  for (const plugin of PLUGINS) started.set(plugin.name, await (await plugin.load())(layout, stateDir, hub, options));
}

/** `--manager` and `--mrs-version` for every cluster; the faults file's `clusters.<name>` wins. */
const overridesOf = (options: SandboxOptions, faults: FaultFile, name: string) => ({ ...(options.manager ? { manager: options.manager } : {}), ...(options.mrsVersion ? { mrsVersion: options.mrsVersion } : {}), ...faults.clusters[name] });

/** An MRS 3.x Manager has no CAS (HTTP Basic on 28443 only), nor has a cluster without Kerberos. */
const portsOf = (sim: SimCluster) => (sim.kerberos && !sim.mrs3 ? (['manager', 'cas'] as const) : (['manager'] as const));
const casUrlOf = (sim: SimCluster) => (sim.mrs3 ? '' : `https://${sim.layout.managerIp}:${CAS_PORT}`);

const kdcFaultsOf = (faults: FaultFile) => Object.fromEntries(Object.entries(faults.clusters).flatMap(([n, o]) => (o.kdc ? [[n, o.kdc]] : [])));

/** The simulated KDC on both KDC addresses of each cluster, honouring its `kdc` and `clockSkewSeconds` faults. */
async function startSimKdcs(all: SimCluster[], plugins: Map<string, StartedPlugin>): Promise<SimKdc[]> {
  const realKdcs = new Set(Object.keys(plugins.get('kdc')?.clusters ?? {}));
  const started: SimKdc[] = [];
  for (const sim of all.filter((s) => s.kerberos && !realKdcs.has(s.name))) {
    for (const ip of sim.layout.kdcIps) {
      const kdc = await startSimKdc(ip, KDC_PORT, sim.overrides.kdc ?? 'answer', (sim.overrides.clockSkewSeconds ?? 0) * 1000).catch(async (error: NodeJS.ErrnoException) => {
        await Promise.allSettled(started.map((k) => k.stop()));
        throw new SandboxError(error.code === 'EADDRINUSE' ? 'SANDBOX_ADDRESS_IN_USE' : 'SANDBOX_LISTEN', `cannot listen on ${ip}:${KDC_PORT} (simulated KDC: ${error.code ?? error.message})`);
      });
      started.push(kdc);
    }
  }
  return started;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const names = resolveNames(options.clusters, options.count);
  const subnet = options.subnet ?? 0;
  const layout = sandboxLayout(names, subnet);
  const stateDir = resolve(options.stateDir);
  const restartMs = options.restartMs ?? 300;
  const faults: FaultFile = typeof options.faults === 'string' ? await loadFaultFile(options.faults) : (options.faults ?? { faults: [], clusters: {} });
  for (const name of Object.keys(faults.clusters)) if (!names.includes(name)) throw new SandboxError('SANDBOX_FAULTS', `--faults: clusters.${name} is not one of the sandbox clusters (${names.join(', ')})`);
  ensureDir(stateDir);
  ensureDir(join(stateDir, FILES.secrets));
  ensureDir(join(stateDir, FILES.certs));
  const plan = new FaultPlan(faults.faults);
  const servers: SimServer[] = [];
  const simKdcs: SimKdc[] = [];
  const plugins = new Map<string, StartedPlugin>();
  const listeners: ((cluster: string, peers: { realm_name: string; ip_port: string }[]) => void | Promise<void>)[] = [];
  const lastPeers = new Map<string, string>();
  const runningListeners: ((cluster: string, running: boolean) => Promise<void>)[] = [];
  /** Tells the listeners (the kdc plugin) when a cluster's peers changed; settles when they have followed. */
  const peersChanged = async (sim: SimCluster): Promise<void> => {
    const now = JSON.stringify(sim.peers);
    if (now === lastPeers.get(sim.name)) return;
    lastPeers.set(sim.name, now);
    await Promise.all(listeners.map((l) => l(sim.name, sim.peers.map((p) => ({ ...p })))));
  };
  let mrs3: { stop(): Promise<void> } | undefined;
  const base = { stateDir, configPath: join(stateDir, FILES.config), subnet, restartMs, running: true };
  const types = new Map(names.map((n) => [n, faults.clusters[n]?.type ?? 'analysis']));
  const sims: SimCluster[] = [];
  const infos: SandboxClusterInfo[] = [];
  let pending = false;
  const persist = () => writeAtomic(join(stateDir, FILES.state), `${JSON.stringify(snapshotOf(base, sims, infos, plugins, types), null, 2)}\n`, 0o600);
  const onChange = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      persist();
    });
  };
  const stop = async () => {
    await mrs3?.stop();
    await Promise.allSettled([...servers.map((s) => s.close()), ...[...plugins.values()].map((p) => p.stop()), ...simKdcs.map((k) => k.stop())]);
    base.running = false;
    persist();
  };
  try {
    for (const cl of layout.clusters) {
      const overrides = overridesOf(options, faults, cl.name);
      const password = `Sbx-${randomBytes(9).toString('base64url')}@1`;
      const sim = new SimCluster(cl, password, restartMs, overrides, () => {
        void peersChanged(sim);
        onChange();
      });
      if (options.seedPeer) sim.peers = [{ realm_name: 'PARTNER.MRS', ip_port: `127.${subnet}.249.11:21732,127.${subnet}.249.12:21732` }];
      lastPeers.set(sim.name, JSON.stringify(sim.peers));
      const cert = await managerCert(cl.managerIp);
      writeFileSync(join(stateDir, FILES.secrets, `${cl.name}.password`), `${password}\n`, { mode: 0o600 });
      writeFileSync(join(stateDir, FILES.certs, `${cl.name}.pem`), cert.cert, { mode: 0o644 });
      sims.push(sim);
      infos.push({ name: cl.name, realm: cl.realm, managerUrl: `https://${cl.managerIp}:${MANAGER_PORT}`, casUrl: casUrlOf(sim), fingerprint: cert.fingerprint, kdcs: sim.kdcs });
      for (const port of portsOf(sim)) {
        const server = new SimServer(sim, port, cert, plan);
        await server.listen().catch((error: NodeJS.ErrnoException) => {
          throw new SandboxError(error.code === 'EADDRINUSE' ? 'SANDBOX_ADDRESS_IN_USE' : 'SANDBOX_LISTEN', `cannot listen on ${cl.managerIp}:${port === 'manager' ? MANAGER_PORT : CAS_PORT} (${error.code ?? error.message})`);
        });
        servers.push(server);
      }
    }
    const hub: SandboxHub = {
      managers: sims.map((s) => ({ name: s.name, realm: s.realm, kdcs: s.kdcs, peers: () => s.peers.map((p) => ({ ...p })) })),
      onPeerRealmsSaved: (listener) => listeners.push(listener),
      onClustersRunning: (listener) => runningListeners.push(listener),
    };
    // `cloud:` in the faults file (docs/sandbox.md "Faults") is read by the cloud plugin itself.
    const cloudFaults = (faults as { cloud?: Record<string, unknown> }).cloud;
    if (options.plugins !== false) await startPlugins(layout, stateDir, hub, plugins, {
      closedGroups: options.closedGroups,
      ...(cloudFaults ? { cloudFaults } : {}),
      kdc: Object.fromEntries(sims.map((s) => [s.name, { version: faults.clusters[s.name]?.version ?? s.mrsVersion, refuseKeyChange: faults.clusters[s.name]?.refuseKeyChange }])),
      kdcFaults: kdcFaultsOf(faults),
    });
    // Clusters without a real KDC (no krb5kdc, --no-plugins, or a faulted port) get the simulated one.
    simKdcs.push(...(await startSimKdcs(sims, plugins)));
    mrs3 = await startMrs3({
      stateDir, sims, sshRunning: plugins.has('ssh'), onChange,
      applyPeers: async (sim) => {
        await peersChanged(sim);
        onChange();
      },
      clustersRunning: async (sim, running) => void (await Promise.all(runningListeners.map((l) => l(sim.name, running)))),
    });
    const fragments = (name: string): ClusterFragment => Object.assign({}, ...[...plugins.values()].map((p) => p.clusters[name] ?? {})) as ClusterFragment;
    writeClustersYaml(stateDir, sims.map((sim, i) => ({ name: sim.name, type: types.get(sim.name) as 'analysis', managerUrl: infos[i]?.managerUrl ?? '', casUrl: infos[i]?.casUrl ?? '', ...(sim.mrsVersion ? { mrsVersion: sim.mrsVersion } : {}), user: sim.user, passwordFile: `${FILES.secrets}/${sim.name}.password`, fingerprint: infos[i]?.fingerprint ?? '', fragment: fragments(sim.name) })));
    persist();
  } catch (error) {
    await stop();
    throw error;
  }
  return { stateDir, configPath: base.configPath, layout, clusters: infos, snapshot: () => snapshotOf(base, sims, infos, plugins, types), stop };
}
