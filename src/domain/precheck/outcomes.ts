/** Measured network outcomes (filled by the NetworkProbe port, judged by the network checks). */

export type ConnectOutcome =
  | { outcome: 'open'; ms: number }
  /** RST (TCP) or ICMP port unreachable (UDP): the host is there, nothing listens. */
  | { outcome: 'refused'; ms: number }
  /** No answer at all within the time limit: a firewall dropping packets, or a dead host. */
  | { outcome: 'timeout'; ms: number }
  | { outcome: 'error'; ms: number; message: string };

export type ExchangeOutcome =
  | { outcome: 'reply'; ms: number; reply: Uint8Array }
  | { outcome: 'refused'; ms: number }
  /** UDP: no datagram came back; TCP: the connection was not accepted in time. */
  | { outcome: 'timeout'; ms: number }
  /** TCP only: connected, the request was sent, and nothing came back in time. */
  | { outcome: 'silent'; ms: number }
  /** TCP only: the peer closed the connection without (a complete) answer. */
  | { outcome: 'closed'; ms: number; partial: number }
  | { outcome: 'error'; ms: number; message: string };

/** One Manager clock reading: the HTTP `Date` header and when the request left and the reply came (this machine's clock, epoch ms). */
export interface ClockSample {
  cluster: string;
  /** The `Date` header as sent; undefined when the reply had none or no reply came. */
  date?: string;
  sentAtMs: number;
  receivedAtMs: number;
  error?: string;
}
