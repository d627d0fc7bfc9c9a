import type { KdcAddress } from '../ip-port.js';
import { parseKdcReply } from '../kerberos/probe.js';
import type { Check } from './check.js';
import type { ClockSample, ConnectOutcome, ExchangeOutcome } from './outcomes.js';

/**
 * Judging what was measured from where the tool runs: TCP to each Manager, the Kerberos probe to
 * each KDC over UDP and TCP, and the Managers' clocks. Pure: the measurements come in as data.
 */

const net = (id: string, title: string, cluster?: string) => ({ id, group: 'network' as const, title, ...(cluster ? { cluster } : {}) });

export interface KdcProbe {
  kdc: KdcAddress;
  udp: ExchangeOutcome;
  tcp: ExchangeOutcome;
}

/** One probe as a line, and whether it proves a KDC answers there. */
export function describeExchange(transport: 'udp' | 'tcp', o: ExchangeOutcome): { ok: boolean; line: string; kind: 'kdc' | 'closed' | 'filtered' | 'not-kdc' | 'error' } {
  const t = transport.toUpperCase();
  switch (o.outcome) {
    case 'reply': {
      const r = parseKdcReply(o.reply);
      if (r.kind === 'krb-error') return { ok: true, kind: 'kdc', line: `${t}: a KDC (KRB-ERROR ${r.name} for realm ${r.realm}, ${o.ms} ms)` };
      if (r.kind === 'as-rep') return { ok: true, kind: 'kdc', line: `${t}: a KDC (AS-REP for realm ${r.realm}, ${o.ms} ms)` };
      return { ok: false, kind: 'not-kdc', line: `${t}: something answers, but not Kerberos (${r.reason})` };
    }
    case 'refused':
      return { ok: false, kind: 'closed', line: transport === 'udp' ? `${t}: closed (ICMP port unreachable: nothing listens)` : `${t}: closed (connection refused: nothing listens)` };
    case 'timeout':
      return { ok: false, kind: 'filtered', line: transport === 'udp' ? `${t}: no reply in ${o.ms} ms (filtered, or no KDC listens)` : `${t}: no answer to connect in ${o.ms} ms (filtered)` };
    case 'silent':
      return { ok: false, kind: 'filtered', line: `${t}: connected, but no reply in ${o.ms} ms (not a KDC, or something in between swallows it)` };
    case 'closed':
      return { ok: false, kind: 'not-kdc', line: `${t}: connected, then closed without a Kerberos reply (not a KDC)` };
    default:
      return { ok: false, kind: 'error', line: `${t}: ${o.message}` };
  }
}

function kdcFix(cluster: string, peer: string | undefined, probes: KdcProbe[], kinds: Set<string>): string[] {
  const ports = [...new Set(probes.map((p) => p.kdc.port))].join(', ');
  const fix: string[] = [];
  if (kinds.has('closed')) {
    fix.push(`${cluster} Manager > Services > KrbServer: start it (More > Start Service) and check its health is Good`);
    fix.push(`${cluster} Manager > Services > KrbServer > Service Configuration > All: kdc_ports must be ${ports}, the port the KDCs listen on`);
  }
  if (kinds.has('filtered') || kinds.has('error')) {
    fix.push(`open UDP and TCP ${ports} to ${probes.map((p) => p.kdc.ip).join(', ')} from this machine${peer ? ` and from every node of ${peer}` : ''}: security-group rules (\`mrs-trust precheck ${cluster} ${peer ?? '<peer>'} --fix\` adds inbound ANY from the peer's groups), network ACLs and host firewalls on the path`);
  }
  if (kinds.has('not-kdc')) fix.push(`another service answers on ${ports}: check kdc_ports in ${cluster} Manager > Services > KrbServer > Service Configuration > All`);
  return fix;
}

/**
 * The KDCs of one cluster: pass when each answers over UDP and TCP; fail when none answers at
 * all; warn in between (a transport or a KDC missing: slower fallbacks, no failover).
 */
export function kdcReachability(cluster: string, peer: string | undefined, probes: KdcProbe[]): Check {
  const base = net('kdc-reachable', 'KDCs answer a Kerberos probe (UDP and TCP)', cluster);
  const expected = 'a KRB-ERROR from every KDC over UDP and TCP (an AS-REQ for a principal that does not exist)';
  if (probes.length === 0) return { ...base, status: 'unknown', expected, found: ['no KDC address known'], fix: [] };
  const kinds = new Set<string>();
  const found: string[] = [];
  let answered = 0;
  let total = 0;
  for (const p of probes) {
    for (const [transport, o] of [['udp', p.udp], ['tcp', p.tcp]] as const) {
      const d = describeExchange(transport, o);
      total += 1;
      if (d.ok) answered += 1;
      else kinds.add(d.kind);
      found.push(`${p.kdc.ip}:${p.kdc.port} ${d.line}`);
    }
  }
  const status = answered === total ? 'pass' : answered === 0 ? 'fail' : 'warn';
  return { ...base, status, expected, found, fix: status === 'pass' ? [] : kdcFix(cluster, peer, probes, kinds), ...(status === 'fail' ? { code: 'KDC_UNREACHABLE' } : {}) };
}

export interface Endpoint {
  what: string;
  host: string;
  port: number;
  outcome: ConnectOutcome;
}

const describeConnect = (o: ConnectOutcome) =>
  o.outcome === 'open' ? `open (${o.ms} ms)` : o.outcome === 'refused' ? 'closed (connection refused)' : o.outcome === 'timeout' ? `no answer in ${o.ms} ms (filtered)` : o.message;

/** TCP to the Manager (and CAS) of one cluster. */
export function managerReachability(cluster: string, endpoints: Endpoint[]): Check {
  const base = net('manager-reachable', 'Manager reachable over TCP', cluster);
  const expected = endpoints.map((e) => `TCP ${e.host}:${e.port} (${e.what}) open`).join(', ');
  const found = endpoints.map((e) => `${e.what} ${e.host}:${e.port}: ${describeConnect(e.outcome)}`);
  if (endpoints.length === 0) return { ...base, status: 'unknown', expected: 'TCP to the Manager open', found: ['no Manager address known'], fix: [] };
  const closed = endpoints.filter((e) => e.outcome.outcome !== 'open');
  if (closed.length === 0) return { ...base, status: 'pass', expected, found, fix: [] };
  return {
    ...base,
    status: 'fail',
    code: 'MANAGER_UNREACHABLE',
    expected,
    found,
    fix: [
      `check clusters.${cluster}.manager.url (and .cas) in clusters.yaml: the Manager floating IP, port 28443 (CAS 20009)`,
      `run the tool from a machine inside ${cluster}'s VPC, or allow TCP ${closed.map((e) => e.port).join(', ')} from this machine in the Master security group`,
    ],
  };
}

export const SKEW_WARN_S = 60;
/** MIT Kerberos' default `clockskew`: 300 s. */
export const SKEW_MAX_S = 300;

/** A Manager clock minus this machine's, in ms, and how sure (±ms): Date has 1 s resolution. */
export function offsetOf(s: ClockSample): { offsetMs: number; errorMs: number } | undefined {
  if (!s.date) return undefined;
  const server = Date.parse(s.date);
  if (Number.isNaN(server)) return undefined;
  const mid = (s.sentAtMs + s.receivedAtMs) / 2;
  // The header truncates to the second: the true time is in [server, server + 1000).
  return { offsetMs: server + 500 - mid, errorMs: 500 + (s.receivedAtMs - s.sentAtMs) / 2 };
}

const seconds = (ms: number) => `${ms >= 0 ? '+' : '-'}${(Math.abs(ms) / 1000).toFixed(1)} s`;

/** The clocks of the two clusters (Manager `Date` headers) against Kerberos' 5-minute limit. */
export function clockSkew(a: ClockSample, b: ClockSample): Check {
  const base = net('clock-skew', 'Clocks within Kerberos skew');
  const expected = `the clusters' clocks less than ${SKEW_WARN_S} s apart (Kerberos refuses more than ${SKEW_MAX_S} s: "Clock skew too great")`;
  const oa = offsetOf(a);
  const ob = offsetOf(b);
  const line = (s: ClockSample, o: ReturnType<typeof offsetOf>) =>
    o ? `${s.cluster} Manager Date ${s.date} = this machine ${seconds(o.offsetMs)} (±${(o.errorMs / 1000).toFixed(1)} s)` : `${s.cluster}: no usable Date header${s.error ? ` (${s.error})` : ''}`;
  const found = [line(a, oa), line(b, ob)];
  if (!oa || !ob) return { ...base, status: 'unknown', expected, found, fix: [] };
  const skewMs = Math.abs(oa.offsetMs - ob.offsetMs);
  const margin = oa.errorMs + ob.errorMs;
  found.push(`${a.cluster} − ${b.cluster}: ${seconds(oa.offsetMs - ob.offsetMs)} (±${(margin / 1000).toFixed(1)} s)`);
  const behind = oa.offsetMs < ob.offsetMs ? a.cluster : b.cluster;
  const fix = [
    `synchronise both clusters with the same NTP source; ${behind} is behind`,
    `on each node of ${behind} (as root): \`ntpq -p\` (or \`chronyc sources\`) must list a reachable server; MRS nodes follow the active management node, which follows the NTP server set in the MRS console`,
    'compare with `date -u` on a node of each cluster; after the fix run the pre-check again',
  ];
  if (skewMs >= SKEW_MAX_S * 1000) return { ...base, status: 'fail', code: 'CLOCK_SKEW', expected, found, fix };
  if (skewMs >= SKEW_WARN_S * 1000) return { ...base, status: 'warn', expected, found, fix };
  return { ...base, status: 'pass', expected, found, fix: [] };
}
