/** A security-group rule as the checks see it, whatever API family it came from. */
export interface SecurityGroupRule {
  id: string;
  securityGroupId: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** undefined = any protocol. */
  protocol?: string;
  portMin?: number;
  portMax?: number;
  remoteGroupId?: string;
  remoteIpPrefix?: string;
  description?: string;
}

export interface CloudClusterInfo {
  clusterName: string;
  clusterState: string;
  clusterVersion: string;
  kerberos: boolean;
  vpcId: string;
  subnetId: string;
  securityGroupIds: string[];
  masterNodeIp?: string;
  nodeIps: string[];
}

/** The cloud API of one cluster's project (MRS cluster info, VPC security groups). */
export interface Cloud {
  readonly cluster: string;
  readClusterInfo(): Promise<CloudClusterInfo>;
  listRules(securityGroupId: string): Promise<SecurityGroupRule[]>;
  /** Adds an ingress ANY rule from `remoteGroupId`; `created: false` when it already existed (VPC.9902). */
  addIngressFromGroup(securityGroupId: string, remoteGroupId: string, description: string): Promise<{ created: boolean; ruleId?: string }>;
  deleteRule(ruleId: string): Promise<void>;
}
