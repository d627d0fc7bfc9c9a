import type { SandboxLayout } from './layout.js';

/**
 * Extension point for the other simulated systems (SSH hosts, the cloud API). The orchestrator
 * (index.ts) imports each module below if it exists and calls its start function once, after
 * the Managers listen and before clusters.yaml is written. docs/sandbox.md "Plugins".
 */

/** What a plugin adds to one cluster's entry of clusters.yaml (format of src/config/schema.ts). */
export interface ClusterFragment {
  clients?: Record<string, unknown>[];
  nodes?: Record<string, unknown>[];
  cloud?: Record<string, unknown>;
  /** kdc plugin: the user and service of the cross-realm ticket test. */
  verify?: Record<string, unknown>;
  /** kdc plugin: the admin principal, its password file and the host that runs kadmin. */
  kerberos?: Record<string, unknown>;
}

/** Read-only view of a simulated Manager, and what happens on it. */
export interface ManagerView {
  name: string;
  realm: string;
  /** `ip:port` of the two KerberosServer instances. */
  kdcs: string[];
  peers(): { realm_name: string; ip_port: string }[];
}

export interface SandboxHub {
  managers: ManagerView[];
  /**
   * Called after every accepted `peer_realms` save (e.g. to create cross-realm principals in a
   * KDC); on MRS 3.x after restart-RealmConfig.sh applied the console's save. A listener may
   * return a promise: restart-RealmConfig.sh returns only after it settled.
   */
  onPeerRealmsSaved(listener: (cluster: string, peers: { realm_name: string; ip_port: string }[]) => void | Promise<void>): void;
  /**
   * MRS 3.x: the person at the console stopped (false) or started (true) all clusters; a KDC
   * stops answering while its cluster is stopped (KrbServer is one of the cluster's services).
   */
  onClustersRunning(listener: (cluster: string, running: boolean) => Promise<void>): void;
}

export interface StartedPlugin {
  clusters: Record<string, ClusterFragment>;
  /** Extra state shown under `plugins.<name>` by `sandbox status --json`. */
  state?(): unknown;
  stop(): Promise<void>;
}

/** Sandbox options a plugin may act on. */
export interface PluginOptions {
  /** cloud: the security groups start without the cross-cluster rules (`sandbox up --closed-groups`). */
  closedGroups?: boolean;
  /** kdc: clusters whose KDC ports are faulted (`clusters.<name>.kdc` in the faults file): no real KDC there. */
  kdcFaults?: Record<string, 'closed' | 'silent'>;
  /** cloud: the `cloud:` section of the faults file, when there is one. */
  cloudFaults?: Record<string, unknown>;
  /** kdc: per cluster, the MRS version (default password of the cross-realm principals) and faults. */
  kdc?: Record<string, { version?: string | undefined; refuseKeyChange?: boolean | undefined }>;
}

/** What a plugin exports to start it: `(layout, stateDir, hub, options) => StartedPlugin`. */
export type PluginStart = (layout: SandboxLayout, stateDir: string, hub: SandboxHub, options: PluginOptions) => Promise<StartedPlugin>;

/**
 * The plugins, started in this order. Literal imports, loaded only when a sandbox starts: the CLI
 * bundle (scripts/bundle.mjs) can only include a module it sees named.
 */
export const PLUGINS: readonly { name: string; load: () => Promise<PluginStart> }[] = [
  { name: 'ssh', load: async () => (await import('./ssh/index.js')).startSshHosts },
  { name: 'cloud', load: async () => (await import('./cloud/index.js')).startCloud as PluginStart },
  { name: 'kdc', load: async () => (await import('./kdc/index.js')).startKdcs },
];
