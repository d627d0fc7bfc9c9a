import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { frameTcp, tcpLength } from '../../domain/kerberos/probe.js';
import type { ConnectOutcome, ExchangeOutcome, NetworkProbe } from '../../ports/network.js';

const REFUSED = new Set(['ECONNREFUSED']);
/** Replies larger than this are not a KDC's answer to the probe (MIT: ~180 octets). */
const MAX_REPLY = 64 * 1024;

function since(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e6);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (o: ConnectOutcome) => {
      socket.destroy();
      resolve(o);
    };
    socket.setTimeout(timeoutMs, () => done({ outcome: 'timeout', ms: since(start) }));
    socket.once('connect', () => done({ outcome: 'open', ms: since(start) }));
    socket.once('error', (e: NodeJS.ErrnoException) => done(REFUSED.has(e.code ?? '') ? { outcome: 'refused', ms: since(start) } : { outcome: 'error', ms: since(start), message: e.code ?? e.message }));
    socket.connect(port, host);
  });
}

/** A connected UDP socket: an ICMP port unreachable then surfaces as ECONNREFUSED. */
function udpExchange(host: string, port: number, request: Uint8Array, timeoutMs: number): Promise<ExchangeOutcome> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    // Only an IPv6 literal holds a ':'. Not net.isIPv6: its first call compiles a regular
    // expression, ~10 ms of link's start-up on the 2-core test machine (CPU profile).
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const done = (o: ExchangeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(o);
    };
    const timer = setTimeout(() => done({ outcome: 'timeout', ms: since(start) }), timeoutMs);
    socket.on('message', (msg) => done({ outcome: 'reply', ms: since(start), reply: new Uint8Array(msg) }));
    socket.on('error', (e: NodeJS.ErrnoException) => done(REFUSED.has(e.code ?? '') ? { outcome: 'refused', ms: since(start) } : { outcome: 'error', ms: since(start), message: e.code ?? e.message }));
    socket.connect(port, host, () => socket.send(request, (e) => e && done({ outcome: 'error', ms: since(start), message: (e as NodeJS.ErrnoException).code ?? e.message })));
  });
}

function tcpExchange(host: string, port: number, request: Uint8Array, timeoutMs: number): Promise<ExchangeOutcome> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    const socket = new Socket();
    let connected = false;
    let settled = false;
    let received = Buffer.alloc(0);
    const done = (o: ExchangeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done(connected ? { outcome: 'silent', ms: since(start) } : { outcome: 'timeout', ms: since(start) }), timeoutMs);
    socket.once('connect', () => {
      connected = true;
      socket.write(frameTcp(request));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const length = tcpLength(received);
      if (length !== undefined && (length > MAX_REPLY || received.length >= 4 + length)) {
        // An over-long prefix is handed on as is: the parser names it "not Kerberos".
        done({ outcome: 'reply', ms: since(start), reply: new Uint8Array(length > MAX_REPLY ? received : received.subarray(4, 4 + length)) });
      }
    });
    socket.once('end', () => done({ outcome: 'closed', ms: since(start), partial: received.length }));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (REFUSED.has(e.code ?? '')) done({ outcome: 'refused', ms: since(start) });
      else if (connected && e.code === 'ECONNRESET') done({ outcome: 'closed', ms: since(start), partial: received.length });
      else done({ outcome: 'error', ms: since(start), message: e.code ?? e.message });
    });
    socket.connect(port, host);
  });
}

/** The node:net / node:dgram probes (the only network I/O of the reachability checks). */
export function createNetworkProbe(): NetworkProbe {
  return {
    tcpConnect,
    kdcExchange: (host, port, transport, request, timeoutMs) => (transport === 'udp' ? udpExchange(host, port, request, timeoutMs) : tcpExchange(host, port, request, timeoutMs)),
  };
}
