import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManager, type ManagerOptions } from '../../src/adapters/manager/index.js';
import { casScope, managerScope, PASSWORD_ENV, testCluster } from '../support/nock-manager.js';

const SECRET = 'V3-s3cret:pass@1';
const fast: ManagerOptions = { env: { [PASSWORD_ENV]: SECRET }, retries: 2, backoffMs: 0, timeoutMs: 1000, sleep: async () => undefined };
const v3 = () => createManager(testCluster({ mrsVersion: '3.1.0' }), { warn: () => undefined, debug: () => undefined }, fast);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as { code: string; exitCode: number; message: string; hint?: string });
const basic = `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`;

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('MRS 3.x Manager profile (HTTP Basic, documented session check)', () => {
  it('login is one GET /web/api/v2/session/status with Authorization: Basic base64(user:password); no CAS', async () => {
    const cas = casScope().get('/cas/login').reply(200, 'never');
    const session = managerScope().get('/web/api/v2/session/status').matchHeader('authorization', basic).reply(200, { resObj: { userName: 'admin' } });
    await v3().login();
    expect(session.isDone()).toBe(true);
    expect(cas.isDone()).toBe(false);
  });

  it('401 is LOGIN_REFUSED (exit 4), sent once (a retried wrong password may lock the account), without the secret in the error', async () => {
    const session = managerScope().get('/web/api/v2/session/status').times(3).reply(401, '');
    const error = await failure(v3().login());
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED', exitCode: 4 });
    expect(nock.pendingMocks()).toHaveLength(1);
    expect(session.isDone()).toBe(false);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(Buffer.from(`admin:${SECRET}`).toString('base64'));
  });

  it('a reset connection is retried (a read), then works', async () => {
    managerScope().get('/web/api/v2/session/status').replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    managerScope().get('/web/api/v2/session/status').reply(200, '');
    await expect(v3().login()).resolves.toBeUndefined();
  });

  it('a garbled 200 is MANAGER_BAD_REPLY (exit 4)', async () => {
    managerScope().get('/web/api/v2/session/status').reply(200, '{"resObj":{"us', { 'content-type': 'application/json' });
    expect(await failure(v3().login())).toMatchObject({ code: 'MANAGER_BAD_REPLY', exitCode: 4 });
  });

  it.each([
    ['readKerberosFacts', (m: ReturnType<typeof v3>) => m.readKerberosFacts()],
    ['readPeerRealms', (m: ReturnType<typeof v3>) => m.readPeerRealms()],
    ['savePeerRealms', (m: ReturnType<typeof v3>) => m.savePeerRealms([], { expectedVersion: '1', restart: true })],
    ['stopService', (m: ReturnType<typeof v3>) => m.stopService('KrbServer')],
    ['startService', (m: ReturnType<typeof v3>) => m.startService('KrbServer')],
    ['waitForCommand', (m: ReturnType<typeof v3>) => m.waitForCommand('1', { timeoutMs: 10 })],
  ])('%s (no public 3.x call) stops with MRS3_ASSISTED, exit 3, before any request', async (_name, call) => {
    const error = await failure(call(v3()));
    expect(error).toMatchObject({ code: 'MRS3_ASSISTED', exitCode: 3 });
    expect(error.message).toContain('MRS 3.x');
    expect(error.hint).toContain('mrs-trust status alpha');
  });

  it('cluster info comes from clusters.yaml (no public call): Kerberos, state UNKNOWN, no services, no hosts', async () => {
    const m = v3();
    expect(await m.readClusterInfo()).toEqual({ name: 'alpha', version: '-', kerberos: true, state: 'UNKNOWN' });
    expect(await m.readHealth()).toEqual([]);
    expect(await m.readHosts()).toEqual([]);
  });
});
