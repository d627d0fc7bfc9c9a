import type { ClusterFacts } from '../../../domain/facts.js';
import { peerLimitFor, resolveVersion, type ResolvedVersion } from '../../../domain/version.js';
import type { Step } from '../../engine.js';
import { sides, type LinkState } from '../context.js';

/**
 * clusters.yaml `mrsVersion`, else the Manager's `MRS x.y.z`; a Manager that only reports an
 * internal build string (`6.5.1`) but answered the 2.x login and API is taken as 2.x.
 */
export function versionOf(configured: string | undefined, reported: string): ResolvedVersion {
  return resolveVersion({ configured, manager: reported }) ?? { version: '2.x', source: 'assumed' };
}

/** Login and read everything the plan needs, both sides in parallel. Read-only. */
export const discover: Step<LinkState> = {
  id: 'discover',
  title: 'Read realm, KDCs, peers and health from the Manager',
  scopes: sides,
  async run(s, scope) {
    const name = scope as string;
    const cluster = s.deps.clusters[name];
    const manager = s.managers[name];
    if (!cluster || !manager) throw new Error(`no cluster ${name} in the run`);
    await manager.login();
    const info = await manager.readClusterInfo();
    const [health, hosts, kerberos] = await Promise.all([manager.readHealth(), manager.readHosts(), manager.readKerberosFacts()]);
    const fallback = s.deps.kerberosFallback?.[name];
    const fromNode = fallback ? await fallback() : undefined;
    const version = versionOf(cluster.mrsVersion, info.version);
    const mrsVersion = version.version;
    const facts: ClusterFacts = {
      name,
      type: cluster.type,
      mrsVersion,
      kerberos: info.kerberos,
      realm: fromNode?.realm ?? kerberos.realm,
      kdcs: fromNode?.kdcs ?? kerberos.kdcs,
      peers: kerberos.peers,
      configVersion: kerberos.configVersion,
      services: health,
      hosts,
      peerLimit: peerLimitFor(mrsVersion, cluster.peerLimit),
    };
    s.facts[name] = facts;
    const kdcs = facts.kdcs.map((k) => `${k.ip}:${k.port}`).join(',');
    return { message: `${facts.realm}, MRS ${mrsVersion}, KDCs ${kdcs || 'none'}, ${facts.peers.length} peer(s)` };
  },
};
