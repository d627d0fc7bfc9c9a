import { z } from '../../zod.js';

/**
 * MRS cloud API payloads (public API reference: "Querying Cluster Details",
 * `GET /v1.1/{project_id}/cluster_infos/{cluster_id}`; "Querying a Host List",
 * `GET /v1.1/{project_id}/clusters/{cluster_id}/hosts`). Objects are not strict: the real replies
 * carry dozens of fields the tool does not use.
 */
const text = z.string();
const optionalText = z.string().nullish();

export const clusterInfoSchema = z.object({
  clusterId: optionalText,
  clusterName: text,
  clusterState: text,
  clusterVersion: text,
  /** 1 = Kerberos authentication on. Documented as Integer; some regions send it as a string. */
  safeMode: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
  /** Informative only; in the SDK model but not in every region's reply (OTC's table omits vpcId). */
  vpcId: optionalText,
  subnetId: optionalText,
  securityGroupsId: text.min(1),
  /** Deprecated but still sent; may differ from securityGroupsId. */
  slaveSecurityGroupsId: optionalText,
  masterNodeIp: optionalText,
});
export const clusterInfoReplySchema = z.object({ cluster: clusterInfoSchema });
export type ClusterInfoWire = z.infer<typeof clusterInfoSchema>;
export type ClusterInfoReply = z.input<typeof clusterInfoReplySchema>;

export const hostSchema = z.object({
  id: optionalText,
  name: text,
  ip: text.min(1),
  /** MasterNode, CoreNode, TaskNode (examples also show Master/Core). */
  type: optionalText,
  status: optionalText,
});
export const hostsReplySchema = z.object({
  /** Documented as Integer; the Chinese reference's example sends "5". */
  total: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
  hosts: z.array(hostSchema),
});
export type HostWire = z.infer<typeof hostSchema>;
export type HostsReply = z.input<typeof hostsReplySchema>;
