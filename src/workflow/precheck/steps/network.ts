import { buildProbeRequest } from '../../../domain/kerberos/probe.js';
import { unknownCheck } from '../../../domain/precheck/check.js';
import { clockSkew, kdcReachability, managerReachability, type KdcProbe } from '../../../domain/precheck/network.js';
import type { ClockSample } from '../../../domain/precheck/outcomes.js';
import type { Step } from '../../engine.js';
import { networkOf, pair, peerOf, wants, type PrecheckState } from '../context.js';

/** TCP connect to each Manager (and CAS) from here. */
export const reachManagers: Step<PrecheckState> = {
  id: 'reach-managers',
  title: 'Connect to each Manager over TCP',
  skip: (s) => (wants(s, 'managers') ? undefined : 'not asked for (--only)'),
  async run(s) {
    const { timeoutMs, endpoints } = s.deps;
    const network = networkOf(s);
    const checks = await Promise.all(
      pair(s).map(async (name) => managerReachability(name, await Promise.all((endpoints[name] ?? []).map(async (e) => ({ ...e, outcome: await network.tcpConnect(e.host, e.port, timeoutMs) }))))),
    );
    s.checks.push(...checks);
    return { message: checks.map((c) => `${c.cluster}: ${c.status}`).join(', ') };
  },
};

/** The Kerberos probe to every KDC of both clusters, over UDP and TCP, all at once. */
export const probeKdcs: Step<PrecheckState> = {
  id: 'probe-kdcs',
  title: 'Send a Kerberos probe to every KDC (UDP and TCP)',
  skip: (s) => (wants(s, 'kdcs') ? undefined : 'not asked for (--only)'),
  async run(s) {
    const { timeoutMs } = s.deps;
    const network = networkOf(s);
    const checks = await Promise.all(
      pair(s).map(async (name) => {
        const facts = s.facts[name];
        const base = { id: 'kdc-reachable', group: 'network' as const, cluster: name, title: 'KDCs answer a Kerberos probe (UDP and TCP)', expected: 'a KRB-ERROR from every KDC over UDP and TCP' };
        if (!facts) return unknownCheck(base, `KDC addresses unknown: ${s.unread[name] ?? 'not read'}`);
        const request = buildProbeRequest(facts.realm || 'PROBE.INVALID');
        const probes: KdcProbe[] = await Promise.all(
          facts.kdcs.map(async (kdc) => {
            const [udp, tcp] = await Promise.all([network.kdcExchange(kdc.ip, kdc.port, 'udp', request, timeoutMs), network.kdcExchange(kdc.ip, kdc.port, 'tcp', request, timeoutMs)]);
            return { kdc, udp, tcp };
          }),
        );
        return kdcReachability(name, peerOf(s, name), probes);
      }),
    );
    s.checks.push(...checks);
    return { message: checks.map((c) => `${c.cluster}: ${c.status}`).join(', ') };
  },
};

/** The Managers' clocks (HTTP Date headers), read as close together as possible. */
export const readClocks: Step<PrecheckState> = {
  id: 'read-clocks',
  title: 'Compare the clusters\' clocks',
  skip: (s) => (wants(s, 'clock') ? undefined : 'not asked for (--only)'),
  async run(s) {
    const [a, b] = await Promise.all(
      pair(s).map(async (name): Promise<ClockSample> => {
        const manager = s.deps.managers[name];
        if (!manager?.readServerTime) return { cluster: name, sentAtMs: 0, receivedAtMs: 0, error: 'this Manager adapter cannot read the clock' };
        return { cluster: name, ...(await manager.readServerTime()) };
      }),
    );
    const check = clockSkew(a as ClockSample, b as ClockSample);
    s.checks.push(check);
    return { message: `${check.status}: ${check.found[check.found.length - 1] ?? ''}` };
  },
};
