import { readFileSync } from 'node:fs';
import type { Agent, AgentOptions, RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { HttpsCookieAgent } from 'http-cookie-agent/http';
import type { CookieJar } from 'tough-cookie';
import type { ClusterConfig } from '../../config/load.js';
import { ConfigError } from '../../errors/index.js';
import { pinnedContext } from '../pinned-context.js';

/** Thrown (through axios) when a pinned Manager presents another certificate. */
export class PinMismatch extends Error {
  readonly code = 'ERR_TLS_PIN_MISMATCH';
  constructor(readonly actual: string) {
    super(`certificate fingerprint sha256:${actual} does not match the pin`);
  }
}

/** `sha256:ab:cd…` / `AB:CD…` → `AB:CD…` (Node's `fingerprint256` form). */
export function normalizeFingerprint(text: string): string {
  return text.replace(/^sha256:/i, '').toUpperCase();
}

type Callback = (error: Error | null, socket: Duplex) => void;

/** tough-cookie ships separate ESM and CJS typings; http-cookie-agent names the CJS one. Same runtime shape. */
type AnyJar = { cookies: { jar: never } };

/**
 * Pins a certificate by SHA-256 fingerprint alone. Node's own pin hook (`checkServerIdentity`)
 * is skipped when `rejectUnauthorized` is false (node-notes: a "pin" written that way accepts
 * anything), so the fingerprint is checked here on `secureConnect`, before the socket is handed
 * to the HTTP request: on a mismatch the socket is destroyed and the server receives nothing.
 */
function pinnedAgent(options: AgentOptions & AnyJar, pin: string, handshakeTimeoutMs: number): Agent {
  const secureContext = pinnedContext();
  class PinnedAgent extends HttpsCookieAgent {
    override createConnection(connectOptions: RequestOptions, callback?: Callback): Duplex | undefined {
      const socket = tls.connect({ ...(connectOptions as tls.ConnectionOptions), rejectUnauthorized: false, secureContext });
      const onError = (error: Error) => callback?.(error, socket);
      socket.once('error', onError);
      // The request's own timeout only starts once it has a socket, i.e. after this handshake.
      const onTimeout = () => socket.destroy(Object.assign(new Error(`TLS handshake timed out after ${handshakeTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
      socket.setTimeout(handshakeTimeoutMs, onTimeout);
      socket.once('secureConnect', () => {
        socket.off('error', onError);
        socket.setTimeout(0);
        socket.off('timeout', onTimeout);
        const actual = socket.getPeerCertificate().fingerprint256 ?? '';
        if (actual.toUpperCase() === pin) {
          callback?.(null, socket);
          return;
        }
        socket.destroy();
        callback?.(new PinMismatch(actual), socket);
      });
      // Returning nothing makes http.Agent wait for the callback (Node's createSocket contract).
      return undefined;
    }
  }
  return new PinnedAgent(options);
}

/**
 * The HTTPS agent for one Manager (both the Manager port and CAS): one cookie jar, and the
 * certificate checked the way `clusters.<name>.manager.tls` says. No `tls` = system CAs.
 */
export function createAgent(cluster: ClusterConfig, jar: CookieJar, warnInsecure: () => void, handshakeTimeoutMs = 30_000): Agent {
  const t = cluster.manager.tls;
  const base: AgentOptions & AnyJar = { cookies: { jar: jar as never }, keepAlive: true, maxSockets: 4 };
  if (t?.fingerprint) return pinnedAgent(base, normalizeFingerprint(t.fingerprint), handshakeTimeoutMs);
  if (t?.ca) {
    let ca: string;
    try {
      ca = readFileSync(t.ca, 'utf8');
    } catch (error) {
      throw new ConfigError(`clusters.${cluster.name}.manager.tls.ca`, `cannot read ${t.ca} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
    }
    return new HttpsCookieAgent({ ...base, ca });
  }
  if (t?.insecure) {
    warnInsecure();
    return new HttpsCookieAgent({ ...base, rejectUnauthorized: false });
  }
  return new HttpsCookieAgent(base);
}

/**
 * Reads the certificate fingerprint a server presents, without trusting it and without sending
 * a request, so the "untrusted certificate" error can show what to pin (after checking it).
 */
export function probeFingerprint(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: isIP(host) ? undefined : host });
    const done = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('secureConnect', () => done(socket.getPeerCertificate().fingerprint256));
  });
}
