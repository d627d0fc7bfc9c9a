import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { ClusterConfig } from '../../config/load.js';
import { ConfigError } from '../../errors/index.js';
import { pinnedContext } from '../pinned-context.js';

/** Raised through axios when a pinned endpoint presents another certificate. */
export class CloudPinMismatch extends Error {
  readonly code = 'ERR_TLS_PIN_MISMATCH';
  constructor(readonly actual: string) {
    super(`certificate fingerprint sha256:${actual} does not match clusters.*.cloud.tls.fingerprint`);
  }
}

/** Per request, and for the TLS handshake of a pinned endpoint. */
export const CLOUD_TIMEOUT_MS = 60_000;

type Callback = (error: Error | null, socket: Duplex) => void;

/**
 * Pins by SHA-256 fingerprint alone. `rejectUnauthorized: false` skips Node's own identity hook
 * (node-notes), so the fingerprint is compared on `secureConnect` before the socket is handed to
 * the request; on a mismatch the socket is destroyed and the server receives nothing.
 */
class PinnedAgent extends Agent {
  private readonly secureContext = pinnedContext();

  constructor(
    options: AgentOptions,
    private readonly pin: string,
    private readonly handshakeTimeoutMs: number,
  ) {
    super(options);
  }

  override createConnection(options: RequestOptions, callback?: Callback): Duplex | null | undefined {
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false, secureContext: this.secureContext });
    const onError = (error: Error) => callback?.(error, socket);
    socket.once('error', onError);
    // As for the Manager: the request's own timeout only starts once it has a socket, i.e. after
    // this handshake, so a peer that accepts TCP and never answers TLS would hang the run.
    const onTimeout = () => socket.destroy(Object.assign(new Error(`TLS handshake timed out after ${this.handshakeTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    socket.setTimeout(this.handshakeTimeoutMs, onTimeout);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      const actual = socket.getPeerCertificate().fingerprint256 ?? '';
      if (actual.toUpperCase() === this.pin) return callback?.(null, socket);
      socket.destroy();
      callback?.(new CloudPinMismatch(actual), socket);
    });
    // Returning nothing makes http.Agent wait for the callback (Node's createSocket contract).
    return undefined;
  }
}

/** The HTTPS agent for a cluster's cloud endpoints: system CAs unless `cloud.tls` says otherwise. */
export function cloudAgent(cluster: ClusterConfig, warn: (line: string) => void, handshakeTimeoutMs = CLOUD_TIMEOUT_MS): Agent {
  const t = cluster.cloud?.tls;
  const base: AgentOptions = { keepAlive: true, maxSockets: 4 };
  if (t?.fingerprint) return new PinnedAgent(base, t.fingerprint.replace(/^sha256:/i, '').toUpperCase(), handshakeTimeoutMs);
  if (t?.ca) {
    try {
      return new Agent({ ...base, ca: readFileSync(t.ca, 'utf8') });
    } catch (error) {
      throw new ConfigError(`clusters.${cluster.name}.cloud.tls.ca`, `cannot read ${t.ca} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
    }
  }
  if (t?.insecure) {
    warn(`clusters.${cluster.name}.cloud.tls.insecure: the cloud API certificate will not be verified`);
    return new Agent({ ...base, rejectUnauthorized: false });
  }
  return new Agent(base);
}
