import type { ClusterFacts } from '../../../domain/facts.js';
import { peerLimitFor } from '../../../domain/version.js';
import type { Step } from '../../engine.js';
import { sides, type LinkState } from '../context.js';

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
    // NOTE: the Manager reports versions as "MRS 2.1.0"; clusters.yaml uses "2.1.0".
    const mrsVersion = cluster.mrsVersion ?? info.version.replace(/^MRS\s*/i, '');
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
