import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import selfsigned from 'selfsigned';
import { createTlsProbe } from '../../src/adapters/tls-probe/index.js';
import { fieldChecks } from '../../src/config/fields.js';
import { RemoteError } from '../../src/errors/index.js';

// Loopback only: 127.0.0.1, an ephemeral port per server.
const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
const sockets = new Set<Socket>();
const track = (socket: Socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
};
// NOTE: a plain server that answered a ClientHello keeps counting the connection after the client
// destroyed it, so close() would wait forever; destroy what is left.
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
const plain = () =>
  createServer((socket) => {
    track(socket);
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });

describe('TLS probe (node:tls against a real TLS server on loopback)', () => {
  let tlsServer: Server;
  let plainServer: Server;
  let tlsPort: number;
  let plainPort: number;
  let expected: string;
  let received = 0;

  beforeAll(async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'manager.test' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    expected = `sha256:${new X509Certificate(pems.cert).fingerprint256}`;
    tlsServer = createTlsServer({ key: pems.private, cert: pems.cert }, (socket) => {
      track(socket);
      socket.on('data', (chunk) => (received += chunk.length));
      socket.on('error', () => undefined);
    });
    plainServer = plain();
    tlsPort = await listen(tlsServer);
    plainPort = await listen(plainServer);
  });
  afterAll(async () => {
    await close(tlsServer);
    await close(plainServer);
  });

  it('returns the pin the config accepts, flags a self-signed certificate, sends nothing', async () => {
    const cert = await createTlsProbe().fetchCertificate(`https://127.0.0.1:${tlsPort}`);
    expect(cert.fingerprint).toBe(expected);
    expect(fieldChecks.tlsFingerprint(cert.fingerprint)).toBe(true);
    expect(cert).toMatchObject({ subject: 'CN=manager.test', issuer: 'CN=manager.test', selfSigned: true, trusted: false, untrustedReason: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(received).toBe(0);
  });

  it('reports a refused connection as a RemoteError naming the address', async () => {
    const port = plainPort;
    await close(plainServer);
    const error = await createTlsProbe().fetchCertificate(`https://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'TLS_PROBE_FAILED', exitCode: 4, message: `cannot fetch the certificate of 127.0.0.1:${port}: ECONNREFUSED` });
    plainServer = plain();
    plainPort = await listen(plainServer);
  });

  it('reports a server that does not speak TLS', async () => {
    const error = await createTlsProbe().fetchCertificate(`https://127.0.0.1:${plainPort}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('TLS_PROBE_FAILED');
  });
});
