import type { ClusterFacts } from '../../src/domain/facts.js';

/** Healthy 2.x facts for a cluster named `name` at 10.<n>.0.x. */
export function facts(name: string, n: number, over: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    name,
    type: 'analysis',
    mrsVersion: '2.1.0',
    kerberos: true,
    realm: `${name.toUpperCase()}.MRS`,
    kdcs: [{ ip: `10.${n}.0.11`, port: 21732 }, { ip: `10.${n}.0.12`, port: 21732 }],
    peers: [],
    configVersion: '1',
    services: [{ name: 'KrbServer', health: 'GOOD' }, { name: 'HDFS', health: 'GOOD' }],
    hosts: [{ name: `master1.${name}`, ip: `10.${n}.0.11` }, { name: `master2.${name}`, ip: `10.${n}.0.12` }],
    peerLimit: 16,
    ...over,
  };
}
