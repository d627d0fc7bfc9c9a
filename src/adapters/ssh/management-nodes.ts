import { NO_BIGDATA_HOME_EXIT, realmScriptCommand, statusOmsCommand } from '../../domain/mrs3/node-commands.js';
import { activeNode, configuredIndex, parseStatusOms } from '../../domain/mrs3/status-oms.js';
import { CheckError, RemoteError } from '../../errors/index.js';
import type { ActiveManagementNode, ManagementNodes } from '../../ports/management-node.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { KRB5_CONF_CANDIDATES, readFirstCommand, splitReadFirst } from './krb5conf-discovery.js';

/** One `clusters.<name>.nodes[i]` entry: its login user (omm, or root switching with su) and its connection. */
export interface NodeLogin {
  host: string;
  user: string;
  field: string;
  remote: RemoteHost;
}

const STATUS_TIMEOUT_MS = 60_000;

function bigdataHomeMissing(node: NodeLogin, what: string): CheckError {
  return new CheckError('BIGDATA_HOME_UNSET', `${node.remote.label}: BIGDATA_HOME is not set for omm, so ${what} cannot be found`, {
    hint: `check ${node.field} is a management node of the cluster (MRS sets BIGDATA_HOME in omm's environment there)`,
  });
}

function active(node: NodeLogin, hostName: string): ActiveManagementNode {
  const label = `${node.remote.label}${hostName ? ` (${hostName})` : ''}`;
  return {
    label,
    async runRealmScript({ timeoutMs, signal }) {
      const result = await node.remote.exec(realmScriptCommand(node.user), { timeoutMs, ...(signal ? { signal } : {}) });
      if (result.exitCode === NO_BIGDATA_HOME_EXIT) throw bigdataHomeMissing(node, 'restart-RealmConfig.sh');
      return result;
    },
    async readKrb5Conf() {
      const result = await node.remote.exec(readFirstCommand(KRB5_CONF_CANDIDATES), { timeoutMs: 30_000 });
      const read = splitReadFirst(result.stdout);
      if (result.exitCode !== 0 || !read) {
        throw new RemoteError('KRB5CONF_NOT_FOUND', `${label}: no readable krb5.conf (looked at ${KRB5_CONF_CANDIDATES.join(', ')})`, { hint: `check ${node.field}.user can read the Kerberos client configuration on that node` });
      }
      return { source: `${label}:${read.path}`, text: read.text };
    },
  };
}

/** Runs status-oms.sh on one node and returns the active node's index among `nodes`. */
async function findActive(node: NodeLogin, nodes: readonly NodeLogin[], cluster: string, signal?: AbortSignal): Promise<{ index: number; hostName: string }> {
  const result = await node.remote.exec(statusOmsCommand(node.user), { timeoutMs: STATUS_TIMEOUT_MS, ...(signal ? { signal } : {}) });
  if (result.exitCode === NO_BIGDATA_HOME_EXIT) throw bigdataHomeMissing(node, 'status-oms.sh');
  const parsed = parseStatusOms(result.stdout);
  if (!parsed.ok) throw new RemoteError('STATUS_OMS_UNREADABLE', `${node.remote.label}: status-oms.sh (exit ${result.exitCode ?? '?'}): ${parsed.reason}`, { hint: `run \`sh \${BIGDATA_HOME}/om-server/om/sbin/status-oms.sh\` as omm on ${node.host} to see why` });
  const found = activeNode(parsed.value);
  if (!found.ok) throw new CheckError('ACTIVE_NODE_UNKNOWN', `${cluster}: ${found.reason}`, { hint: `wait until the OMS switchover finishes (status-oms.sh shows one node active), then run the same command again` });
  const index = configuredIndex(found.value, nodes.map((n) => n.host));
  if (index < 0) {
    throw new CheckError('ACTIVE_NODE_NOT_CONFIGURED', `${cluster}: the active management node is ${found.value.hostName} (${found.value.ip ?? found.value.nodeName}), which clusters.${cluster}.nodes does not list`, {
      hint: `add it under clusters.${cluster}.nodes (host ${found.value.ip ?? found.value.hostName}, user omm or root)`,
    });
  }
  return { index, hostName: found.value.hostName };
}

/**
 * The management nodes of one 3.x cluster. The active one is found as mrs_01_0086 says (status-oms.sh
 * on any management node lists both); the first configured node that answers is asked. Memoized.
 */
export function managementNodes(cluster: string, nodes: readonly NodeLogin[]): ManagementNodes {
  let found: Promise<ActiveManagementNode> | undefined;
  const locate = async (signal?: AbortSignal): Promise<ActiveManagementNode> => {
    let last: unknown = new CheckError('NO_MANAGEMENT_NODE', `clusters.${cluster}.nodes lists no node`, { hint: `add the management nodes under clusters.${cluster}.nodes` });
    for (const node of nodes) {
      try {
        const { index, hostName } = await findActive(node, nodes, cluster, signal);
        return active(nodes[index] as NodeLogin, hostName);
      } catch (error) {
        // Another node may answer (Master2 while Master1 is down); a clear refusal ends the search.
        if (error instanceof CheckError) throw error;
        last = error;
      }
    }
    throw last;
  };
  return {
    active(signal) {
      found ??= locate(signal).catch((error: unknown) => {
        found = undefined;
        throw error;
      });
      return found;
    },
    async close() {
      await Promise.allSettled(nodes.map((n) => n.remote.close()));
    },
  };
}
