import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { application, context, generalizedTime, generalString, integer, sequence, tlv } from '../../domain/kerberos/der.js';
import { frameTcp, parseAsRequest, tcpLength } from '../../domain/kerberos/probe.js';

/**
 * The simulated KDC of a sandbox cluster when no real one runs (no krb5kdc installed): it
 * answers exactly as MIT krb5kdc 1.20 answers the requests it was recorded with
 * (test/fixtures/mit-kdc-replies.json), and nothing more. Every well-formed AS-REQ gets
 * KRB-ERROR KDC_ERR_C_PRINCIPAL_UNKNOWN "CLIENT_NOT_FOUND" (it has no principals, so it never
 * issues a ticket); anything else gets no answer over UDP and a closed connection over TCP.
 * `mode: 'closed'` binds nothing; `mode: 'silent'` takes every datagram and connection and
 * never answers (a filtering middlebox; loopback cannot drop a TCP SYN without a firewall).
 */

const NT_PRINCIPAL = 1;
const NT_SRV_INST = 2;
const CLIENT_NOT_FOUND = 6;
/** Kerberos over TCP: MIT refuses longer messages (its default maximum request size). */
const MAX_TCP_MESSAGE = 1024 * 1024;

const principal = (type: number, parts: string[]) => sequence(tlv(context(0), integer(type)), tlv(context(1), sequence(...parts.map(generalString))));

function kerberosTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** MIT's reply to an AS-REQ for a client it does not know, field for field. */
export function clientNotFound(request: Uint8Array, now: Date, usec: number): Uint8Array | undefined {
  const req = parseAsRequest(request);
  if ('error' in req) return undefined;
  return tlv(application(30), sequence(
    tlv(context(0), integer(5)),
    tlv(context(1), integer(30)),
    tlv(context(4), generalizedTime(kerberosTime(now))),
    tlv(context(5), integer(usec)),
    tlv(context(6), integer(CLIENT_NOT_FOUND)),
    tlv(context(7), generalString(req.realm)),
    tlv(context(8), principal(NT_PRINCIPAL, req.client.split('/'))),
    tlv(context(9), generalString(req.realm)),
    tlv(context(10), principal(NT_SRV_INST, ['krbtgt', req.realm])),
    tlv(context(11), generalString('CLIENT_NOT_FOUND')),
  ));
}

export type SimKdcMode = 'answer' | 'closed' | 'silent';

export interface SimKdc {
  stop(): Promise<void>;
}

function answer(request: Uint8Array, skewMs: number): Uint8Array | undefined {
  const now = new Date(Date.now() + skewMs);
  return clientNotFound(request, now, now.getMilliseconds() * 1000 + Math.floor(Math.random() * 1000));
}

function onTcp(socket: Socket, mode: SimKdcMode, skewMs: number): void {
  let buffer = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    if (mode === 'silent') return;
    buffer = Buffer.concat([buffer, chunk]);
    const length = tcpLength(buffer);
    if (length === undefined) return;
    if (length > MAX_TCP_MESSAGE) return void socket.destroy();
    if (buffer.length < 4 + length) return;
    const reply = answer(buffer.subarray(4, 4 + length), skewMs);
    if (!reply) return void socket.end();
    socket.write(frameTcp(reply));
    buffer = buffer.subarray(4 + length);
  });
}

/** Starts the simulated KDC on `ip:port` (UDP and TCP) unless `mode` is `closed`. */
export async function startSimKdc(ip: string, port: number, mode: SimKdcMode, skewMs = 0): Promise<SimKdc> {
  if (mode === 'closed') return { stop: async () => undefined };
  const sockets = new Set<Socket>();
  const tcp: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    onTcp(s, mode, skewMs);
  });
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, from) => {
    if (mode === 'silent') return;
    const reply = answer(new Uint8Array(msg), skewMs);
    if (reply) udp.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, ip, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, ip, () => resolve());
  }).catch(async (error: unknown) => {
    await new Promise((r) => tcp.close(r));
    throw error;
  });
  return {
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => tcp.close(r)), new Promise<void>((r) => udp.close(() => r()))]);
    },
  };
}
