import { parseKrb5Conf, realmAndKdcs } from '../../domain/krb5conf.js';
import { krb5Peers } from '../../domain/mrs3/console-check.js';
import { NO_BIGDATA_HOME_EXIT, realmScriptCommand, realmScriptSucceeded, statusOmsCommand } from '../../domain/mrs3/node-commands.js';
import { activeNode, configuredIndex, parseStatusOms } from '../../domain/mrs3/status-oms.js';
import { CheckError, RemoteError } from '../../errors/index.js';
import type { ActiveNode, NodeKrb5, OmNodes } from '../../ports/om-node.js';
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

/** status-oms.sh on one node → the active row, matched to a configured node. */
async function activeFrom(node: NodeLogin, nodes: readonly NodeLogin[], cluster: string, signal?: AbortSignal): Promise<ActiveNode> {
  const result = await node.remote.exec(statusOmsCommand(node.user), { timeoutMs: STATUS_TIMEOUT_MS, ...(signal ? { signal } : {}) });
  if (result.exitCode === NO_BIGDATA_HOME_EXIT) throw bigdataHomeMissing(node, 'status-oms.sh');
  const parsed = parseStatusOms(result.stdout);
  if (!parsed.ok) throw new RemoteError('STATUS_OMS_UNREADABLE', `${node.remote.label}: status-oms.sh (exit ${result.exitCode ?? '?'}): ${parsed.reason}`, { hint: `run \`sh \${BIGDATA_HOME}/om-server/om/sbin/status-oms.sh\` as omm on ${node.host} to see why` });
  const hosts = nodes.map((n) => n.host);
  const rows = parsed.value.map((r) => ({ nodeName: r.nodeName, hostName: r.hostName, haActive: r.haActive, ...(configuredIndex(r, hosts) >= 0 ? { index: configuredIndex(r, hosts) } : {}) }));
  const found = activeNode(parsed.value);
  if (!found.ok) throw new CheckError('ACTIVE_NODE_UNKNOWN', `${cluster}: ${found.reason}`, { hint: 'wait until the OMS switchover finishes (status-oms.sh shows one node active), then run the same command again' });
  const index = configuredIndex(found.value, hosts);
  if (index < 0) {
    throw new CheckError('OM_NO_ACTIVE_NODE', `${cluster}: the active management node is ${found.value.hostName} (${found.value.ip ?? found.value.nodeName}), which clusters.${cluster}.nodes does not list`, {
      hint: `add it under clusters.${cluster}.nodes (host ${found.value.ip ?? found.value.hostName}, user omm or root)`,
    });
  }
  return { index, label: `${(nodes[index] as NodeLogin).remote.label} (${found.value.hostName})`, rows };
}

/** Tries the nodes in order: another may answer (Master2 while Master1 is down); a clear refusal ends the search. */
async function firstAnswer<T>(cluster: string, nodes: readonly NodeLogin[], run: (node: NodeLogin) => Promise<T>): Promise<T> {
  let last: unknown = new CheckError('NO_MANAGEMENT_NODE', `clusters.${cluster}.nodes lists no node`, { hint: `add the management nodes under clusters.${cluster}.nodes` });
  for (const node of nodes) {
    try {
      return await run(node);
    } catch (error) {
      if (error instanceof CheckError) throw error;
      last = error;
    }
  }
  throw last;
}

async function krb5Of(node: NodeLogin): Promise<NodeKrb5> {
  const result = await node.remote.exec(readFirstCommand(KRB5_CONF_CANDIDATES), { timeoutMs: 30_000 });
  const read = splitReadFirst(result.stdout);
  if (result.exitCode !== 0 || !read) throw new RemoteError('KRB5CONF_NOT_FOUND', `${node.remote.label}: no readable krb5.conf (looked at ${KRB5_CONF_CANDIDATES.join(', ')})`, { hint: `check ${node.field}.user can read the Kerberos client configuration on that node` });
  const conf = parseKrb5Conf(read.text);
  const own = realmAndKdcs(conf);
  if (!own.ok) throw new RemoteError('KRB5CONF_INVALID', `${node.remote.label}:${read.path}: ${own.reason}`, { hint: `fix that file on the node` });
  return { ...own.value, peers: krb5Peers(conf, own.value.realm), source: `${node.remote.label}:${read.path}` };
}

/**
 * The OMS nodes of one 3.x cluster over SSH (ports/om-node.ts): status-oms.sh and
 * restart-RealmConfig.sh as omm (domain/mrs3/node-commands.ts), the nodes' krb5.conf.
 */
export function omNodes(cluster: string, nodes: readonly NodeLogin[]): OmNodes & { close(): Promise<void> } {
  return {
    cluster,
    findActive: (options) => firstAnswer(cluster, nodes, (node) => activeFrom(node, nodes, cluster, options?.signal)),
    async restartRealmConfig(active, { timeoutMs, signal }) {
      const node = nodes[active.index] as NodeLogin;
      const result = await node.remote.exec(realmScriptCommand(node.user), { timeoutMs, ...(signal ? { signal } : {}) });
      if (result.exitCode === NO_BIGDATA_HOME_EXIT) throw bigdataHomeMissing(node, 'restart-RealmConfig.sh');
      const output = `${result.stdout}${result.stderr ? `\n${result.stderr}` : ''}`;
      if (!realmScriptSucceeded(result.stdout)) {
        const tail = output.trim().split('\n').slice(-5).join(' | ');
        throw new RemoteError('REALM_CONFIG_FAILED', `${cluster}: restart-RealmConfig.sh on ${active.label} did not print "Modify realm successfully" (exit ${result.exitCode ?? result.signal ?? '?'}): ${tail}`, {
          hint: `read the output on ${active.label} (as omm); when the console step is done and the script runs cleanly, run the same resume again`,
          details: { cluster, node: active.label, exitCode: result.exitCode },
        });
      }
      return { output };
    },
    readKrb5: () => firstAnswer(cluster, nodes, krb5Of),
    async close() {
      await Promise.allSettled(nodes.map((n) => n.remote.close()));
    },
  };
}
