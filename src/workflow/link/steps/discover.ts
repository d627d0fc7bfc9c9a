import type { ClusterFacts } from '../../../domain/facts.js';
import { peerLimitFor } from '../../../domain/version.js';
import type { Manager } from '../../../ports/manager.js';
import { discoverCluster } from '../../discovery.js';
import type { Step } from '../../engine.js';
import { sides, type LinkDeps, type LinkState } from '../context.js';

/**
 * Login and read one cluster the way `manager.discovery` says, into the facts the plan (and the
 * pre-check) use, with a one-line summary. Read-only. Shared by `link` and `precheck`.
 */
export async function discoverFacts(deps: Pick<LinkDeps, 'clusters' | 'kerberosFallback' | 'cloudFacts'>, manager: Manager, name: string): Promise<{ facts: ClusterFacts; message: string }> {
  const cluster = deps.clusters[name];
  if (!cluster) throw new Error(`no cluster ${name} in the run`);
  await manager.login();
  const fromNodes = deps.kerberosFallback?.[name];
  const notes: string[] = [];
  const found = await discoverCluster({
    name,
    mode: fromNodes ? 'krb5conf' : 'api',
    ...(cluster.mrsVersion ? { mrsVersion: cluster.mrsVersion } : {}),
    manager,
    ...(fromNodes ? { fromNodes } : {}),
    ...(deps.cloudFacts?.[name] ? { cloud: deps.cloudFacts[name] } : {}),
    note: (line) => notes.push(line),
  });
  const mrsVersion = found.version.version;
  const facts: ClusterFacts = {
    name,
    type: cluster.type,
    mrsVersion,
    kerberos: found.info.kerberos,
    realm: found.realm,
    kdcs: found.kdcs,
    peers: found.peers,
    configVersion: found.configVersion,
    services: found.services,
    hosts: found.hosts,
    peerLimit: peerLimitFor(mrsVersion, cluster.peerLimit),
  };
  const kdcs = facts.kdcs.map((k) => `${k.ip}:${k.port}`).join(',');
  const version = found.version.source === 'manager' ? `MRS ${mrsVersion}` : `MRS ${mrsVersion} (${found.version.source})`;
  return { facts, message: [`${facts.realm}, ${version}, KDCs ${kdcs || 'none'} (${found.kdcSource}), ${facts.peers.length} peer(s)`, ...notes].join('; ') };
}

/** What discovery reads and fills in; `link` and `mesh` states both have it. */
export interface DiscoverContext {
  deps: Pick<LinkDeps, 'clusters' | 'kerberosFallback' | 'cloudFacts'>;
  managers: Record<string, Manager>;
  facts: Record<string, ClusterFacts>;
}

/** Login and read everything a plan needs about one cluster. Read-only. Shared by link and mesh. */
export const discoverOne: Omit<Step<DiscoverContext>, 'scopes'> = {
  id: 'discover',
  title: 'Read realm, KDCs, peers and health from the Manager',
  readOnly: true,
  async run(s, scope) {
    const name = scope as string;
    const manager = s.managers[name];
    if (!manager) throw new Error(`no cluster ${name} in the run`);
    const { facts, message } = await discoverFacts(s.deps, manager, name);
    s.facts[name] = facts;
    return { message };
  },
};

/** link: both sides in parallel. */
export const discover: Step<LinkState> = { ...discoverOne, scopes: sides };
