import type { KdcAddress } from './ip-port.js';
import type { PeerEntry } from './peers.js';

export type Health = 'GOOD' | 'CONCERNING' | 'BAD' | 'UNKNOWN';
export type ClusterType = 'analysis' | 'streaming' | 'hybrid';

export interface ServiceHealth {
  name: string;
  health: Health;
}

export interface ClusterHost {
  name: string;
  ip: string;
}

/** What discovery learns about one cluster; the plan is computed from two of these. */
export interface ClusterFacts {
  /** The cluster's name in clusters.yaml. */
  name: string;
  type: ClusterType;
  mrsVersion: string;
  kerberos: boolean;
  realm: string;
  kdcs: KdcAddress[];
  peers: PeerEntry[];
  /** Opaque version of the KrbServer configuration; a write is refused if it moved. */
  configVersion: string;
  services: ServiceHealth[];
  hosts: ClusterHost[];
  peerLimit: number;
}
