import { fail, ok, type Result } from '../result.js';

/**
 * The active management node, as "Determining Active and Standby Management Nodes of Manager"
 * (mrs_01_0086) finds it: as omm, `sh ${BIGDATA_HOME}/om-server/om/sbin/status-oms.sh` (MRS 3.x
 * path) prints a table
 *
 *     NodeName      HostName             HAVersion    StartTime            HAActive  HAAllResOK  HARunPhase
 *     192-168-0-30  mgtomsdat-sh-3-01-1  V100R001C01  2014-11-18 23:43:02  active    normal      Actived
 *
 * and "the node whose HAActive is active is the active management node". NodeName is the node's
 * IP with dashes (the page's example). StartTime holds a space, so columns are read by the
 * header's positions, not by splitting on blanks.
 */
export interface OmsNode {
  nodeName: string;
  hostName: string;
  haActive: string;
  /** NodeName read as an IPv4 address (`192-168-0-30` → `192.168.0.30`), when it is one. */
  ip?: string;
}

export const STATUS_OMS_SCRIPT = '${BIGDATA_HOME}/om-server/om/sbin/status-oms.sh';

function column(line: string, start: number, end: number | undefined): string {
  return line.slice(start, end).trim();
}

export function parseStatusOms(output: string): Result<OmsNode[]> {
  const lines = output.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => /\bNodeName\b/.test(l) && /\bHAActive\b/.test(l));
  if (headerAt < 0) return fail('no "NodeName … HAActive" header in the status-oms.sh output');
  const header = lines[headerAt] as string;
  const names = ['NodeName', 'HostName', 'HAVersion', 'StartTime', 'HAActive', 'HAAllResOK', 'HARunPhase'].map((n) => ({ n, at: header.indexOf(n) })).filter((c) => c.at >= 0).sort((x, y) => x.at - y.at);
  const span = (name: string): [number, number | undefined] => {
    const i = names.findIndex((c) => c.n === name);
    return [names[i]?.at ?? 0, names[i + 1]?.at];
  };
  const nodes: OmsNode[] = [];
  for (const line of lines.slice(headerAt + 1)) {
    if (line.trim() === '' || /^\s*-+\s*$/.test(line)) continue;
    // A resource table may follow the node table (`ResName …`): stop there.
    if (/\bResName\b/.test(line)) break;
    const [nodeName, hostName, haActive] = [span('NodeName'), span('HostName'), span('HAActive')].map(([s, e]) => column(line, s, e)) as [string, string, string];
    if (!nodeName) continue;
    const ip = /^\d{1,3}(-\d{1,3}){3}$/.test(nodeName) ? nodeName.replace(/-/g, '.') : undefined;
    nodes.push({ nodeName, hostName, haActive: haActive.toLowerCase(), ...(ip ? { ip } : {}) });
  }
  if (nodes.length === 0) return fail('the status-oms.sh table lists no node');
  return ok(nodes);
}

/** The one node whose HAActive is `active`; a reason when there is none or more than one. */
export function activeNode(nodes: readonly OmsNode[]): Result<OmsNode> {
  const active = nodes.filter((n) => n.haActive === 'active');
  if (active.length === 1) return ok(active[0] as OmsNode);
  if (active.length === 0) return fail(`no management node is active (HAActive: ${nodes.map((n) => `${n.hostName || n.nodeName} ${n.haActive}`).join(', ')})`);
  return fail(`${active.length} management nodes report HAActive active (${active.map((n) => n.hostName || n.nodeName).join(', ')})`);
}

/** Which configured node (clusters.yaml `nodes[].host`: an IP or a host name) is the active one; -1 when none. */
export function configuredIndex(active: OmsNode, hosts: readonly string[]): number {
  const wanted = new Set([active.ip, active.nodeName, active.hostName].filter((x): x is string => Boolean(x)).map((x) => x.toLowerCase()));
  return hosts.findIndex((h) => wanted.has(h.toLowerCase()));
}
