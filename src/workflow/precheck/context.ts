import type { Check } from '../../domain/precheck/check.js';
import type { ClusterFacts } from '../../domain/facts.js';
import type { Cloud } from '../../ports/cloud.js';
import type { EventSink } from '../../ports/events.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { Manager } from '../../ports/manager.js';
import type { NetworkProbe } from '../../ports/network.js';
import type { LinkDeps } from '../link/context.js';
import type { SgCheck } from './security-groups.js';

/** What `--only` can pick; all of them by default. */
export const AREAS = ['rules', 'managers', 'kdcs', 'clock', 'security-groups'] as const;
export type Area = (typeof AREAS)[number];

export interface Endpoint {
  what: string;
  host: string;
  port: number;
}

/** Everything the pre-check steps use, injected. */
export interface PrecheckDeps {
  clusters: LinkDeps['clusters'];
  managers: Record<string, Manager>;
  kerberosFallback?: LinkDeps['kerberosFallback'];
  /** The cloud API as a second discovery source (hosts, version), as link uses it. */
  cloudFacts?: LinkDeps['cloudFacts'];
  /** The Manager and CAS addresses of each cluster (clusters.yaml). */
  endpoints: Record<string, Endpoint[]>;
  /** Cloud access per cluster for the security-group check; absent = that check is unknown, with `cloudMissing` as the reason. */
  clouds?: Record<string, Cloud>;
  cloudMissing?: string;
  /** Needed by the network checks only (absent with `--only security-groups`). */
  network?: NetworkProbe;
  /** kadmin/kinit access per cluster (`kerberos.admin`): the default-password check; absent = unknown. */
  kdcAdmin?: Record<string, KdcAdmin>;
  events: EventSink;
  signal: AbortSignal;
  /** Per probe (TCP connect, KDC exchange). */
  timeoutMs: number;
}

export interface PrecheckRequest {
  a: string;
  b: string;
  only: readonly Area[];
}

/** Filled in by the steps, in order. */
export interface PrecheckState {
  request: PrecheckRequest;
  deps: PrecheckDeps;
  facts: Record<string, ClusterFacts>;
  /** Why a cluster's facts are missing (its discovery failed). */
  unread: Record<string, string>;
  checks: Check[];
  sg?: SgCheck;
}

export const wants = (s: PrecheckState, area: Area): boolean => s.request.only.includes(area);
export const pair = (s: PrecheckState): [string, string] => [s.request.a, s.request.b];
export const peerOf = (s: PrecheckState, name: string): string => (name === s.request.a ? s.request.b : s.request.a);

export function networkOf(s: PrecheckState): NetworkProbe {
  if (!s.deps.network) throw new Error('the network checks need a NetworkProbe');
  return s.deps.network;
}
