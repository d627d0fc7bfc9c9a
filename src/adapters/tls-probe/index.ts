import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { RemoteError } from '../../errors/index.js';
import type { ServerCertificate, TlsProbe } from '../../ports/tls-probe.js';

/** How long to wait for the handshake before telling the user the Manager is unreachable. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

const name = (fields: Record<string, string | string[] | undefined> | undefined) =>
  Object.entries(fields ?? {})
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');

function describe(socket: TLSSocket): ServerCertificate {
  const cert = socket.getPeerCertificate(false) as DetailedPeerCertificate;
  const subject = name(cert.subject as never);
  const issuer = name(cert.issuer as never);
  const reason = socket.authorizationError ? String(socket.authorizationError) : undefined;
  return {
    fingerprint: `sha256:${cert.fingerprint256.toUpperCase()}`,
    subject,
    issuer,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    selfSigned: subject === issuer,
    trusted: socket.authorized,
    ...(reason ? { untrustedReason: reason } : {}),
  };
}

export function createTlsProbe(options: { timeoutMs?: number } = {}): TlsProbe {
  const timeoutMs = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  return {
    fetchCertificate(url, { signal } = {}) {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[|\]$/g, '');
      const port = Number(target.port || 443);
      const where = `${host}:${port}`;
      return new Promise<ServerCertificate>((resolve, reject) => {
        // Verification is off ONLY to read a certificate the user has not trusted yet: nothing is
        // sent on this socket, it is closed right after the handshake, and the user decides.
        // `socket.authorized` still tells whether the system CAs (and the name) would accept it.
        const socket = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
        const fail = (code: string, message: string, cause?: unknown) => {
          socket.destroy();
          reject(new RemoteError(code, message, { hint: 'check the Manager URL (floating IP and port 28443) and that this machine can reach it', cause }));
        };
        const onAbort = () => fail('INTERRUPTED', `certificate fetch from ${where} aborted`);
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.setTimeout(timeoutMs, () => fail('TLS_PROBE_TIMEOUT', `${where}: no TLS handshake within ${timeoutMs / 1000} s`));
        socket.once('error', (error: NodeJS.ErrnoException) => fail('TLS_PROBE_FAILED', `cannot fetch the certificate of ${where}: ${error.code ?? error.message}`, error));
        socket.once('secureConnect', () => {
          signal?.removeEventListener('abort', onAbort);
          const certificate = describe(socket);
          socket.destroy();
          resolve(certificate);
        });
        socket.once('close', () => signal?.removeEventListener('abort', onAbort));
      });
    },
  };
}
