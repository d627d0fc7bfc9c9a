import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManager, type ManagerOptions } from '../../src/adapters/manager/index.js';
import { CAPTURED } from '../../src/adapters/manager/v3/captured.js';
import type { ClusterConfig } from '../../src/config/load.js';
import type { ManagerV3 } from '../../src/ports/manager-v3.js';
import { managerScope, PASSWORD_ENV, testCluster } from '../support/nock-manager.js';

const fast: ManagerOptions = { env: { [PASSWORD_ENV]: 'pw' }, retries: 0, backoffMs: 0, timeoutMs: 1000, sleep: async () => undefined };
const v3 = (trustDomains?: 'captured' | 'checklist') => {
  const base = testCluster({ mrsVersion: '3.1.0' });
  const cluster = { ...base, manager: { ...base.manager, ...(trustDomains ? { trustDomains } : {}) } } as ClusterConfig;
  return createManager(cluster, { warn: () => undefined, debug: () => undefined }, fast) as unknown as ManagerV3;
};
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as { code: string; exitCode: number; message: string });
const beta = { realm_name: 'BETA.MRS', ip_port: '10.2.0.1:21732,10.2.0.2:21732' };
const rows = (list: { realm_name: string; ip_port: string }[]) => ({ resObj: { peerRealms: list.map((p) => ({ realmName: p.realm_name, ipPort: p.ip_port })) } });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('manager.trustDomains (MRS 3.x, the guessed calls of captured.ts)', () => {
  it('default and checklist: no trust-domain calls at all (the console checklist is the way)', () => {
    expect(v3().trustDomains()).toBeUndefined();
    expect(v3('checklist').trustDomains()).toBeUndefined();
  });

  it('captured: reads the rows in the captured shape', async () => {
    managerScope().get(CAPTURED.peerDomains).reply(200, rows([beta]));
    expect(await v3('captured').trustDomains()?.readPeerDomains()).toEqual([beta]);
  });

  it.each([
    ['garbled JSON', 200, '{"resObj":{"peerRe'],
    ['another shape', 200, JSON.stringify({ resObj: [{ realm_name: 'BETA.MRS' }] })],
    ['an HTML page', 200, '<html>login</html>'],
    ['404', 404, JSON.stringify({ errorCode: 'x' })],
  ])('a read reply with %s stops with MRS3_CAPTURED_SHAPE (exit 3) and no save is sent', async (_what, status, body) => {
    managerScope().get(CAPTURED.peerDomains).reply(status, body);
    const put = managerScope().put(CAPTURED.peerDomains).reply(200, {});
    const error = await failure(v3('captured').trustDomains()!.savePeerDomains([beta], { expected: [] }));
    expect(error).toMatchObject({ code: 'MRS3_CAPTURED_SHAPE', exitCode: 3 });
    expect(error.message).toContain('nothing was written');
    expect(put.isDone()).toBe(false);
  });

  it('a save re-reads first: rows changed since discovery → CONFIG_DRIFT, no write', async () => {
    managerScope().get(CAPTURED.peerDomains).reply(200, rows([{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }]));
    const put = managerScope().put(CAPTURED.peerDomains).reply(200, {});
    expect(await failure(v3('captured').trustDomains()!.savePeerDomains([beta], { expected: [] }))).toMatchObject({ code: 'CONFIG_DRIFT', exitCode: 3 });
    expect(put.isDone()).toBe(false);
  });

  it('a save sends the whole list once, in the captured body', async () => {
    managerScope().get(CAPTURED.peerDomains).reply(200, rows([]));
    let sent: unknown;
    managerScope().put(CAPTURED.peerDomains, (b: unknown) => ((sent = b), true)).reply(200, { resObj: {} });
    await v3('captured').trustDomains()!.savePeerDomains([beta], { expected: [] });
    expect(sent).toEqual(rows([beta]).resObj);
  });

  it('stop all clusters: reads the state first, POSTs once, waits until stopped', async () => {
    const m = managerScope();
    m.get(CAPTURED.clusters).reply(200, { resObj: { clusters: [{ id: 1, name: 'c1', status: 'RUNNING' }] } });
    const stop = m.post(CAPTURED.stopAll).reply(200, { resObj: {} });
    m.get(CAPTURED.clusters).reply(200, { resObj: { clusters: [{ id: 1, name: 'c1', status: 'STOPPING' }] } });
    m.get(CAPTURED.clusters).reply(200, { resObj: { clusters: [{ id: 1, name: 'c1', status: 'STOPPED' }] } });
    await v3('captured').trustDomains()!.stopAllClusters({ timeoutMs: 60_000 });
    expect(stop.isDone()).toBe(true);
  });

  it('a clusters read in another shape stops before the stop is sent', async () => {
    managerScope().get(CAPTURED.clusters).reply(200, { resObj: { list: [] } });
    const stop = managerScope().post(CAPTURED.stopAll).reply(200, {});
    expect(await failure(v3('captured').trustDomains()!.stopAllClusters({ timeoutMs: 1000 }))).toMatchObject({ code: 'MRS3_CAPTURED_SHAPE' });
    expect(stop.isDone()).toBe(false);
  });
});
