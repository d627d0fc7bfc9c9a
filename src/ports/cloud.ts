import type { SecurityGroupRule } from '../domain/security-groups.js';

export type { PortRange, SecurityGroupRule } from '../domain/security-groups.js';

/** What the cloud API says about one MRS cluster (`cluster_infos` + `hosts`). */
export interface CloudClusterInfo {
  clusterId: string;
  clusterName: string;
  clusterState: string;
  clusterVersion: string;
  /** `safeMode === 1`: Kerberos authentication is on. */
  kerberos: boolean;
  /** Absent when the region's reply omits it (informative only). */
  vpcId?: string;
  subnetId?: string;
  /** `securityGroupsId` then `slaveSecurityGroupsId` (deprecated, may differ), de-duplicated. */
  securityGroupIds: string[];
  masterNodeIp?: string;
  /** Every node's IP (hosts API, plus `masterNodeIp`). */
  nodeIps: string[];
  /** Node names and IPs from the hosts API (absent for an offline rules file). */
  hosts?: { name: string; ip: string }[];
}

export interface CreatedRule {
  /** false when the rule already existed (VPC.9902 duplicate, or found before creating). */
  created: boolean;
  ruleId?: string;
}

/**
 * The cloud API of one cluster's project (MRS cluster info, VPC security groups). Errors are
 * RemoteErrors with codes CLOUD_AUTH (401/403, hint names the credential field), CLOUD_QUOTA
 * (VPC.9905), CLOUD_NOT_FOUND (VPC.9904 or 404), CLOUD_MALFORMED (a reply that fails its schema,
 * naming the endpoint), CLOUD_UNREACHABLE, CLOUD_TLS, CLOUD_HTTP.
 */
export interface Cloud {
  readonly cluster: string;
  /** `api` (live endpoints) or `rules-file` (offline export; read-only). */
  readonly source: 'api' | 'rules-file';
  readClusterInfo(): Promise<CloudClusterInfo>;
  listRules(securityGroupId: string): Promise<SecurityGroupRule[]>;
  /** Adds an ingress IPv4 ANY rule from `remoteGroupId`; `created: false` when it already existed (VPC.9902). */
  addIngressFromGroup(securityGroupId: string, remoteGroupId: string, description: string): Promise<CreatedRule>;
  /** Removes one rule; a rule already gone is not an error. */
  deleteRule(ruleId: string): Promise<void>;
}
