import { readFileSync } from 'node:fs';
import type { ConnectOutcome, ExchangeOutcome, NetworkProbe } from '../../src/ports/network.js';

/** Replies a real MIT krb5kdc 1.20 sent to the probe (scripts/record-kdc-replies.mjs). */
export const MIT = JSON.parse(readFileSync(new URL('../fixtures/mit-kdc-replies.json', import.meta.url), 'utf8')) as {
  recordedWith: string;
  realm: string;
  udp: { ownRealm: string; otherRealm: string; garbage: string | null };
  tcp: Record<'ownRealm' | 'otherRealm' | 'garbage', { reply: string | null; closed: boolean }>;
};

export const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** A NetworkProbe where every port is open and every KDC answers with MIT's recorded reply, unless `override` says otherwise for `host:port/transport`. */
export function fakeNetwork(override: Record<string, ExchangeOutcome | ConnectOutcome> = {}): NetworkProbe & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async tcpConnect(host, port) {
      calls.push(`connect ${host}:${port}`);
      return (override[`${host}:${port}/connect`] as ConnectOutcome | undefined) ?? { outcome: 'open', ms: 1 };
    },
    async kdcExchange(host, port, transport) {
      calls.push(`${transport} ${host}:${port}`);
      return (override[`${host}:${port}/${transport}`] as ExchangeOutcome | undefined) ?? { outcome: 'reply', ms: 1, reply: hexBytes(MIT.udp.ownRealm) };
    },
  };
}
