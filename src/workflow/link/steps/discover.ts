import type { ClusterFacts } from '../../../domain/facts.js';
import { peerLimitFor } from '../../../domain/version.js';
import { discoverCluster } from '../../discovery.js';
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
    const fromNodes = s.deps.kerberosFallback?.[name];
    const notes: string[] = [];
    const found = await discoverCluster({
      name,
      mode: fromNodes ? 'krb5conf' : 'api',
      ...(cluster.mrsVersion ? { mrsVersion: cluster.mrsVersion } : {}),
      manager,
      ...(fromNodes ? { fromNodes } : {}),
      ...(s.deps.cloudFacts?.[name] ? { cloud: s.deps.cloudFacts[name] } : {}),
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
    s.facts[name] = facts;
    const kdcs = facts.kdcs.map((k) => `${k.ip}:${k.port}`).join(',');
    const version = found.version.source === 'manager' ? `MRS ${mrsVersion}` : `MRS ${mrsVersion} (${found.version.source})`;
    return { message: [`${facts.realm}, ${version}, KDCs ${kdcs || 'none'} (${found.kdcSource}), ${facts.peers.length} peer(s)`, ...notes].join('; ') };
  },
};
