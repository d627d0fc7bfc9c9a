import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTPS listener for a simulated server that can always be closed: it tracks its sockets so
 * `close()` also ends kept-alive and deliberately hung connections (fault injection), and it
 * ignores TLS client errors (a client that resets mid-handshake on a pin mismatch is expected).
 */
export class HttpsListener {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(cert: { cert: string; key: string }, handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.#server = createServer({ cert: cert.cert, key: cert.key }, handler);
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('tlsClientError', () => undefined);
  }

  listen(ip: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, ip, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
      this.#server.closeAllConnections();
    });
  }
}
