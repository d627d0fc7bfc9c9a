import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CloudHttp } from '../../src/adapters/cloud/http.js';
import { cloudAgent } from '../../src/adapters/cloud/tls.js';
import type { ClusterConfig } from '../../src/config/load.js';
import type { MrsTrustError } from '../../src/errors/index.js';

/** A peer that accepts TCP and never says a word of TLS (a black-holing middlebox). */
let server: Server;
const sockets: Socket[] = [];
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  await new Promise((resolve) => server.close(resolve));
});

const pinned = {
  name: 'alpha',
  cloud: { region: 'r', projectId: 'p', clusterId: 'c', auth: { token: { env: 'X' } }, tls: { fingerprint: `sha256:${'AB:'.repeat(31)}AB` } },
} as unknown as ClusterConfig;

describe('cloud TLS pin', () => {
  it('a handshake that never completes times out (like the Manager agent), named as unreachable', async () => {
    const http = new CloudHttp('alpha', cloudAgent(pinned, () => undefined, 300), () => undefined);
    const error = (await http.call({ method: 'GET', base: `https://127.0.0.1:${port}`, path: '/v1.1/p/cluster_infos/c', template: '/v1.1/{project_id}/cluster_infos/{cluster_id}', schema: z.unknown(), auth: 'none' }).catch((e: unknown) => e)) as MrsTrustError;
    expect(error.code).toBe('CLOUD_UNREACHABLE');
    // The handshake timer's own error, not the 60 s request timeout (which would say ECONNABORTED).
    expect(error.message).toMatch(/ETIMEDOUT/);
  });
});
