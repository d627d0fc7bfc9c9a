import type { ConnectOutcome, ExchangeOutcome } from '../domain/precheck/outcomes.js';

export type { ConnectOutcome, ExchangeOutcome } from '../domain/precheck/outcomes.js';

/**
 * Network probes measured from where the tool runs (the pre-check's reachability checks).
 * Outcomes are data, never thrown: a closed port is a finding, not an error.
 */

export interface NetworkProbe {
  /** TCP connect to host:port, then close. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome>;
  /** One request, one reply: a UDP datagram, or one length-prefixed message over TCP (Kerberos framing). */
  kdcExchange(host: string, port: number, transport: 'udp' | 'tcp', request: Uint8Array, timeoutMs: number): Promise<ExchangeOutcome>;
}
