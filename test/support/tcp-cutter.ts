import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real sshd that cuts a connection once the client has sent
 * more than `afterBytes` (the middle of an upload). `times` connections are cut, later ones pass.
 * Stopped by `close()` (every socket destroyed).
 */
export interface TcpCutter {
  ip: string;
  port: number;
  /** Connections cut so far. */
  cuts: number;
  close(): Promise<void>;
}

export async function startTcpCutter(options: { ip: string; port: number; target: { ip: string; port: number }; afterBytes: number; times: number }): Promise<TcpCutter> {
  const sockets = new Set<Socket>();
  const state = { cuts: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect({ host: options.target.ip, port: options.target.port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    let sent = 0;
    const cutThis = state.cuts < options.times;
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (cutThis && sent > options.afterBytes) {
        if (!client.destroyed) state.cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.ip, () => resolve());
  });
  return {
    ip: options.ip,
    port: options.port,
    get cuts() {
      return state.cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
