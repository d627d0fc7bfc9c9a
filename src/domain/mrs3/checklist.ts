import { formatIpPort, type KdcAddress } from '../ip-port.js';
import type { PeerEntry } from '../peers.js';
import { downtimeOf, type Mrs3Role } from './procedure.js';
import { REALM_SCRIPT, REALM_SCRIPT_SUCCESS } from './node-commands.js';

/**
 * The console steps of the 3.x procedures as data, with the values to type. Two phases per
 * side: `console` (before the tool runs restart-RealmConfig.sh) and `start` (after it). The
 * wording follows the public pages: "Configuring Cross-Manager Mutual Trust Between Clusters"
 * (two-way) and "… for Unidirectional Access" (3.6.0+). Never holds a secret: where the console
 * asks for the administrator's password, the item says so without a value.
 */
export type ChecklistPhase = 'console' | 'start';

export interface ChecklistItem {
  /** Who does it: the person at the console, or mrs-trust (shown so the order is clear). */
  by: 'you' | 'mrs-trust';
  text: string;
  /** Values to type, in the console's own field names. */
  values?: Record<string, string>;
}

export interface Checklist {
  /** `console-<cluster>` / `start-<cluster>`: journal and `--json` key. */
  id: string;
  cluster: string;
  phase: ChecklistPhase;
  role: Mrs3Role;
  title: string;
  items: ChecklistItem[];
}

export interface ChecklistSide {
  cluster: string;
  realm: string;
  managerUrl?: string;
  role: Mrs3Role;
  /** The row to add (the other side's realm and its KerberosServer service IPs with kdc_ports). */
  row: PeerEntry;
  /** The row of that realm found now, when it differs (the person changes it). */
  rowBefore?: PeerEntry;
  /** Rows of other peers, found now: kept as they are. */
  keep: PeerEntry[];
  peerCluster: string;
}

/** The value of `ip_port`: KerberosServer service IPs (never the OM IPs), IPv6 in brackets, `kdc_ports`. */
export const ipPortValue = (kdcs: readonly KdcAddress[]): string => formatIpPort(kdcs);

const where = (s: ChecklistSide) => `${s.cluster}'s FusionInsight Manager${s.managerUrl ? ` (${s.managerUrl})` : ''}`;

function rowItems(s: ChecklistSide): ChecklistItem[] {
  const add: ChecklistItem = s.rowBefore
    ? { by: 'you', text: `Peer Mutual Trust Domain: the row of ${s.row.realm_name} holds ip_port ${s.rowBefore.ip_port}; change it to:`, values: { realm_name: s.row.realm_name, ip_port: s.row.ip_port } }
    : { by: 'you', text: 'Peer Mutual Trust Domain: add a row (the + icon) with:', values: { realm_name: s.row.realm_name, ip_port: s.row.ip_port } };
  const items: ChecklistItem[] = [
    { by: 'you', text: 'Choose System > Permission > Domain and Mutual Trust.' },
    add,
    {
      by: 'you',
      text: `(ip_port = the Service IP Address of each KerberosServer instance of ${s.peerCluster} (KrbServer > Instances), not the OM/management IP, with its kdc_ports; IPv6 in [brackets]; comma-separated, no spaces)`,
    },
  ];
  if (s.keep.length > 0) items.push({ by: 'you', text: `Keep the other rows as they are: ${s.keep.map((p) => `${p.realm_name} ${p.ip_port}`).join('; ')}.` });
  items.push({ by: 'you', text: 'Click OK.' });
  return items;
}

function consoleItems(s: ChecklistSide): ChecklistItem[] {
  const login: ChecklistItem = { by: 'you', text: `Log in to ${where(s)} as an administrator.` };
  const script: ChecklistItem = { by: 'mrs-trust', text: `Then mrs-trust runs \`sh ${REALM_SCRIPT}\` as omm on ${s.cluster}'s active management node and checks for "${REALM_SCRIPT_SUCCESS}".` };
  if (s.role === 'two-way') {
    const stop: ChecklistItem = { by: 'you', text: 'Stop all clusters: on the home page, for each cluster click the menu next to its name > Stop, enter the administrator password, click OK, and wait until it is stopped. (Downtime starts.)' };
    return [login, stop, ...rowItems(s), script];
  }
  if (s.role === 'one-way-local') return [login, ...rowItems(s), script];
  return [login, ...rowItems(s), { by: 'mrs-trust', text: `${s.cluster} is the accessed side of a one-way trust: no script and no restart here (admin_guide_000429); the ticket test proves this row.` }];
}

/**
 * "After cross-Manager cluster mutual trust is configured, the clients of each cluster need to be
 * downloaded and installed again": the configuration files go to a node, where refresh-clients
 * fetches them (docs/clients.md, the 3.x "Download Client → Server" path).
 */
const downloadClient = (s: ChecklistSide): ChecklistItem => ({
  by: 'you',
  text: `Download the client configuration to a node: home page > More > Download Client > Configuration Files Only > Save to Path on Server /tmp/FusionInsight-Client/ on a node listed in clusters.${s.cluster}.nodes (mrs-trust then refreshes the client hosts from it).`,
});

function startItems(s: ChecklistSide): ChecklistItem[] {
  const login: ChecklistItem = { by: 'you', text: `Log in to ${where(s)} again.` };
  if (s.role === 'one-way-local') {
    return [
      login,
      { by: 'you', text: 'Choose More > Restart Configuration-Expired Instances (upper right of the home page), enter the administrator password, tick the impact confirmation, click OK, and wait until the restart finishes. (If the system domain name was changed, More > Restart instead.)' },
      { by: 'you', text: 'Log out of the Manager and log in again: a successful login means the configuration is in effect.' },
      downloadClient(s),
      { by: 'mrs-trust', text: `Then mrs-trust waits for every service of ${s.cluster} to be healthy.` },
    ];
  }
  return [
    login,
    { by: 'you', text: 'Start all clusters: on the home page, for each cluster click the menu next to its name > Start, click OK, and wait until it is started.' },
    downloadClient(s),
    { by: 'mrs-trust', text: `Then mrs-trust waits for every service of ${s.cluster} to be healthy.` },
  ];
}

export function buildChecklist(s: ChecklistSide, phase: ChecklistPhase): Checklist {
  const items = phase === 'console' ? consoleItems(s) : startItems(s);
  const title = phase === 'console' ? `${s.cluster} (${s.realm}): add ${s.row.realm_name} in the console` : s.role === 'one-way-local' ? `${s.cluster}: restart the configuration-expired instances` : `${s.cluster}: start all clusters`;
  return { id: `${phase}-${s.cluster}`, cluster: s.cluster, phase, role: s.role, title, items };
}

/** Whether this phase has anything for the person to do on that side (the accessed side of a one-way link has no start phase). */
export const hasPhase = (role: Mrs3Role, phase: ChecklistPhase): boolean => phase === 'console' || role !== 'one-way-peer';

/** The checklist as numbered lines for a terminal, the journal and `--json`. */
export function renderChecklist(c: Checklist): string[] {
  const lines = [`Checklist ${c.title}:`];
  const downtime = (c.phase === 'console' && c.role === 'two-way') || (c.phase === 'start' && c.role === 'one-way-local') ? downtimeOf(c.role) : undefined;
  if (downtime) lines.push(`  (downtime: ${downtime})`);
  c.items.forEach((item, i) => {
    lines.push(`  ${i + 1}. ${item.by === 'mrs-trust' ? '[mrs-trust] ' : ''}${item.text}`);
    for (const [k, v] of Object.entries(item.values ?? {})) lines.push(`       ${k.padEnd(10)} ${v}`);
  });
  return lines;
}
