import type { ExecResult } from './remote-host.js';

/**
 * The omm side of an MRS 3.x cluster: its management nodes over SSH (`clusters.<name>.nodes`).
 * The adapter runs the documented commands (domain/mrs3/node-commands.ts) and parses with the
 * domain; errors are RemoteErrors (SSH) or CheckErrors naming the config field to fix.
 */
export interface ManagementNodes {
  /**
   * The active management node: `status-oms.sh` as omm on the configured nodes (first that
   * answers), the row whose HAActive is `active`, matched to a configured node. Memoized.
   */
  active(signal?: AbortSignal): Promise<ActiveManagementNode>;
  close(): Promise<void>;
}

export interface ActiveManagementNode {
  /** `user@host:port (HostName)`, for messages. */
  readonly label: string;
  /** `sh ${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh` as omm. A non-zero exit is a result. */
  runRealmScript(options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult>;
  /** The node's krb5.conf (first readable of the candidates): where it was read and its text. */
  readKrb5Conf(): Promise<{ source: string; text: string }>;
}
