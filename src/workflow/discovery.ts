import type { KdcAddress } from '../domain/ip-port.js';
import type { PeerEntry } from '../domain/peers.js';
import { isMrs3, resolveVersion, type ResolvedVersion } from '../domain/version.js';
import { RemoteError, isMrsTrustError } from '../errors/index.js';
import type { ClusterInfo, HostInfo, KerberosFacts, Manager, ServiceStatus } from '../ports/manager.js';

/**
 * What one cluster is, read the way `manager.discovery` says — shared by `link`/`unlink`
 * (discover step) and `status`. docs/assumptions.md "Discovery modes" lists each call per mode.
 *
 * - api: realm, `kdc_ports` and peers from the KrbServer configuration read (ASSUMED), KDC hosts
 *   from the host list (ASSUMED);
 * - krb5conf: realm and KDCs (with ports) from a node's client krb5.conf over SSH; only the
 *   current `peer_realms` still needs the configuration read (nothing public documents another
 *   way), and a failure there stops before any write, naming the call.
 * MRS 3.x (clusters.yaml `mrsVersion` 3.x): always the node's krb5.conf — realm, KDC service IPs
 *   and the applied peers (its other realms); no Manager call is documented for any of them, nor
 *   for service health or hosts (docs/assumptions.md "MRS 3.x").
 * Both: health from the service list (ASSUMED) with the documented fallback inside the adapter;
 * host names for the overlap rule from the Manager host list or the cloud hosts API
 * (documented); the MRS version from clusters.yaml, the Manager's `MRS x.y.z`, the cloud
 * `clusterVersion`, else 2.x.
 */
export type DiscoveryMode = 'api' | 'krb5conf';

/** The documented cloud API as a second source (cluster details and hosts). */
export interface CloudFacts {
  clusterVersion?: string;
  hosts: HostInfo[];
}

export interface DiscoverySources {
  /** clusters.yaml name. */
  name: string;
  mode: DiscoveryMode;
  /** clusters.yaml `mrsVersion`. */
  mrsVersion?: string;
  /** Logged in already. */
  manager: Manager;
  /** krb5conf mode: realm and KDCs from a node's client krb5.conf. */
  fromNodes?: () => Promise<Pick<KerberosFacts, 'realm' | 'kdcs'> & { source?: string; peers?: PeerEntry[] }>;
  /** Present when clusters.<name>.cloud is configured; called only when needed. */
  cloud?: () => Promise<CloudFacts>;
  /** Which fallback was taken, for --verbose and step messages. */
  note(line: string): void;
}

export interface Discovered {
  info: ClusterInfo;
  version: ResolvedVersion;
  realm: string;
  kdcs: KdcAddress[];
  /** Where realm and KDC ports came from. */
  kdcSource: string;
  peers: PeerEntry[];
  configVersion: string;
  services: ServiceStatus[];
  /** false when no service health could be read (MRS 3.x: no public API lists it). */
  healthRead: boolean;
  hosts: HostInfo[];
}

const PEERS_CALL = 'GET /web/v1/config/cluster/1/service/KrbServer';

/** krb5conf mode: the peer list is the one thing only the (guessed) configuration read gives. */
async function peersOnly(s: DiscoverySources): Promise<Pick<KerberosFacts, 'peers' | 'configVersion'>> {
  try {
    return await s.manager.readPeerRealms();
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    throw new RemoteError(error.code, `${error.message} (the current peer_realms is read only through ${PEERS_CALL}; nothing was written)`, {
      hint: error.hint ?? `see docs/assumptions.md "Discovery modes"; run with --trace-http FILE to see what the Manager answered`,
      details: error.details,
      cause: error,
    });
  }
}

async function kerberosOf(s: DiscoverySources, info: ClusterInfo): Promise<Omit<KerberosFacts, 'kdcSource'> & { kdcSource: string }> {
  if (!info.kerberos) return { realm: '', kdcs: [], peers: [], configVersion: '', kdcSource: 'none (Kerberos is off)' };
  if (isMrs3(s.mrsVersion) && s.fromNodes) {
    const node = await s.fromNodes();
    return { realm: node.realm, kdcs: node.kdcs, peers: node.peers ?? [], configVersion: '', kdcSource: `krb5.conf ${node.source ?? 'on a node'}` };
  }
  if (s.mode === 'krb5conf') {
    if (!s.fromNodes) throw new Error(`${s.name}: krb5conf discovery without nodes`);
    const [node, peers] = await Promise.all([s.fromNodes(), peersOnly(s)]);
    return { realm: node.realm, kdcs: node.kdcs, ...peers, kdcSource: `krb5.conf ${node.source ?? 'on a node'}` };
  }
  const facts = await s.manager.readKerberosFacts();
  return { ...facts, kdcSource: facts.kdcSource ?? 'the KrbServer configuration' };
}

/** Host names and IPs for the overlap rule: Manager host list or the documented cloud hosts API. */
async function hostsOf(s: DiscoverySources, cloud: (() => Promise<CloudFacts>) | undefined): Promise<HostInfo[]> {
  if ((s.mode === 'krb5conf' || isMrs3(s.mrsVersion)) && cloud) return (await cloud()).hosts;
  if (isMrs3(s.mrsVersion)) {
    s.note(`${s.name}: MRS 3.x has no public host list; shared hosts are checked on the KDC IPs only (configure clusters.${s.name}.cloud for the documented hosts API)`);
    return [];
  }
  try {
    return await s.manager.readHosts();
  } catch (error) {
    if (!isMrsTrustError(error) || !['MANAGER_BAD_REPLY', 'MANAGER_REFUSED', 'MANAGER_HTTP_5XX'].includes(error.code)) throw error;
    if (cloud) {
      s.note(`${s.name}: the Manager host list failed (${error.message}); host names from the cloud hosts API`);
      return (await cloud()).hosts;
    }
    if (s.mode === 'api') throw error;
    s.note(`${s.name}: no host list (${error.message}); shared hosts are checked on the KDC IPs only (configure clusters.${s.name}.cloud for the documented hosts API)`);
    return [];
  }
}

async function versionOf(s: DiscoverySources, info: ClusterInfo, cloud: (() => Promise<CloudFacts>) | undefined): Promise<ResolvedVersion> {
  const known = resolveVersion({ configured: s.mrsVersion, manager: info.version });
  if (known) return known;
  if (cloud) {
    try {
      const fromCloud = resolveVersion({ cloud: (await cloud()).clusterVersion });
      if (fromCloud) return fromCloud;
    } catch (error) {
      s.note(`${s.name}: the cloud cluster details failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  // The Manager answered the MRS 2.x CAS login and /web/v1 API: 2.x (peer limit 16).
  s.note(`${s.name}: the Manager reports version "${info.version}", not "MRS x.y.z"; taken as MRS 2.x (set clusters.${s.name}.mrsVersion to say which)`);
  return { version: '2.x', source: 'assumed' };
}

function once<T>(fn: (() => Promise<T>) | undefined): (() => Promise<T>) | undefined {
  if (!fn) return undefined;
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}

/** Reads one cluster (read-only). The Manager must be logged in. */
export async function discoverCluster(s: DiscoverySources): Promise<Discovered> {
  const cloud = once(s.cloud);
  // Health and hosts do not depend on the cluster info: they are read alongside it (one round
  // trip less per cluster). The info's own error, if any, is the one reported.
  const servicesRead = s.manager.readHealth();
  const hostsRead = hostsOf(s, cloud);
  servicesRead.catch(() => undefined);
  hostsRead.catch(() => undefined);
  const info = await s.manager.readClusterInfo();
  const [services, kerberos, hosts, version] = await Promise.all([servicesRead, kerberosOf(s, info), hostsRead, versionOf(s, info, cloud)]);
  // The 3.x Manager profile lists no services (no public API): health is "not read", never "all GOOD".
  const healthRead = !(isMrs3(s.mrsVersion) && services.length === 0);
  if (!healthRead) s.note(`${s.name}: MRS 3.x has no public API for service health; check the Manager home page`);
  return { info, version, ...kerberos, services, healthRead, hosts };
}
