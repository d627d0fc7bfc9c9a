import type { KdcAddress } from '../domain/ip-port.js';
import type { PeerEntry } from '../domain/peers.js';

/**
 * The management nodes of an MRS 3.x cluster (the OMS nodes, master1/master2), reached over
 * SSH through `clusters.<name>.nodes`. Everything here follows public pages:
 *
 * - "Determining Active and Standby Management Nodes of Manager" (mrs_01_0086): log in, switch
 *   with `su - omm`, run `sh ${BIGDATA_HOME}/om-server/om/sbin/status-oms.sh`; the row whose
 *   `HAActive` column is `active` is the active management node, `standby` the other;
 * - "Configuring Cross-Manager Mutual Trust Between Clusters" (admin_guide_000177): as `omm` on
 *   the ACTIVE management node run `sh ${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh`;
 *   success prints `Modify realm successfully. Use the new password to log into FusionInsight again.`
 *
 * Running as omm: a node entry whose `user` is `omm` runs the command directly; any other user
 * (the usual `root`) runs it through `su - omm -c '…'` (omm's login shell sets BIGDATA_HOME), as
 * the pages' "su - omm" step does.
 */

/** The success line restart-RealmConfig.sh prints (the prefix is what is checked). */
export const REALM_CONFIG_SUCCESS = 'Modify realm successfully';

/** One row of status-oms.sh. */
export interface OmNodeState {
  /** `nodes[i]` index in clusters.yaml of the node the row was read on / matched to, when known. */
  index?: number;
  /** `NodeName` (the IP with dashes, `192-168-0-30`) and `HostName` columns. */
  nodeName: string;
  hostName: string;
  /** `HAActive`: active | standby | what else the node printed. */
  haActive: string;
}

export interface ActiveNode {
  /** `nodes[index]` of clusters.yaml. */
  index: number;
  /** `user@host:port` of that node. */
  label: string;
  /** All rows status-oms.sh printed (for the journal and messages). */
  rows: OmNodeState[];
}

/** What a node's krb5.conf says: own realm and KDCs, and every other realm listed (the peers). */
export interface NodeKrb5 {
  realm: string;
  kdcs: KdcAddress[];
  /** Realms other than the default, with their `kdc` lines as an `ip_port` string. */
  peers: PeerEntry[];
  /** `user@host:port:/path` the values came from. */
  source: string;
}

/**
 * The OMS nodes of one 3.x cluster. Errors: RemoteError (SSH codes; OM_COMMAND_FAILED with the
 * output tail), CheckError OM_NO_ACTIVE_NODE when no configured node is the active one.
 */
export interface OmNodes {
  readonly cluster: string;
  /** Runs status-oms.sh (as omm) on the configured nodes until one reports itself `active`. */
  findActive(options?: { signal?: AbortSignal }): Promise<ActiveNode>;
  /**
   * Runs restart-RealmConfig.sh as omm on the active node. Resolves only when the output has
   * {@link REALM_CONFIG_SUCCESS}; anything else is RemoteError REALM_CONFIG_FAILED (exit 4).
   */
  restartRealmConfig(node: ActiveNode, options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ output: string }>;
  /** Reads a node's krb5.conf (the krb5conf discovery paths): realm, KDCs and peers. */
  readKrb5(options?: { signal?: AbortSignal }): Promise<NodeKrb5>;
}
