import { createSocket, type Socket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { createNetworkProbe } from '../../src/adapters/network/index.js';

// The UDP exchange picks its socket family from the address itself (an IPv6 literal is the only
// form with a ':'), not from net.isIPv6: this proves both families on loopback, with a real echo.
const servers: Socket[] = [];

function echo(type: 'udp4' | 'udp6', host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createSocket(type);
    server.on('message', (msg, from) => server.send(msg, from.port, from.address));
    server.once('error', () => resolve(undefined)); // no such address here (IPv6 off)
    server.bind(0, host, () => {
      servers.push(server);
      resolve(server.address().port);
    });
  });
}

afterAll(() => {
  for (const s of servers) s.close();
});

const request = new Uint8Array([0x6a, 0x01, 0x02, 0x03]);
const v4 = await echo('udp4', '127.0.0.1');
const v6 = await echo('udp6', '::1');

describe('kdcExchange over UDP', () => {
  it('reaches an IPv4 address', async () => {
    const out = await createNetworkProbe().kdcExchange('127.0.0.1', v4 as number, 'udp', request, 2000);
    expect(out).toMatchObject({ outcome: 'reply', reply: request });
  });

  it.skipIf(v6 === undefined)('reaches an IPv6 literal (skipped only where this machine has no ::1)', async () => {
    const out = await createNetworkProbe().kdcExchange('::1', v6 as number, 'udp', request, 2000);
    expect(out).toMatchObject({ outcome: 'reply', reply: request });
  });
});
