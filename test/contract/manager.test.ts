import { inspect } from 'node:util';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManager, type ManagerOptions } from '../../src/adapters/manager/index.js';
import type { ClusterConfig } from '../../src/config/load.js';
import {
  casScope, envelope, interceptClusters, interceptClusterStatus, interceptHosts, interceptKrbConfig, interceptLoginPage, interceptLoginPost,
  interceptLogout, interceptProgress, interceptServiceAction, interceptSave, interceptServices, managerScope, PASSWORD_ENV, testCluster,
} from '../support/nock-manager.js';

const warnings: string[] = [];
const log = { warn: (l: string) => warnings.push(l), debug: () => undefined };
const fast: ManagerOptions = { env: { [PASSWORD_ENV]: 's3cret!' }, retries: 2, backoffMs: 0, timeoutMs: 1000, sleep: async () => undefined };
const manager = (cluster: ClusterConfig = testCluster(), options: ManagerOptions = {}) => createManager(cluster, log, { ...fast, ...options });
const netError = (code: string, message: string) => Object.assign(new Error(message), { code });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as { code: string; exitCode: number; message: string; hint?: string });

beforeEach(() => {
  nock.disableNetConnect();
  warnings.length = 0;
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('CAS login (documented bodies)', () => {
  it('posts the documented form once, and recognises wrong credentials from the body (exit 4, hint names the field)', async () => {
    const cas = casScope();
    interceptLoginPage(cas, { lt: 'LT-42-xyz' });
    let form: URLSearchParams | undefined;
    interceptLoginPost(cas, { body: '<div class="errors">The credentials you provided cannot be determined to be authentic.</div>', onBody: (f) => (form = f) });
    const error = await failure(manager().login());
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED', exitCode: 4 });
    expect(error.message).toMatch(/^alpha: /);
    expect(error.hint).toContain(`clusters.alpha.manager.password (env ${PASSWORD_ENV})`);
    expect(Object.fromEntries(form ?? [])).toEqual({ username: 'admin', password: 's3cret!', lt: 'LT-42-xyz', _eventId: 'submit', submit: 'Login' });
    expect(JSON.stringify(error)).not.toContain('s3cret!');
  });

  it('finds the hidden lt whatever the attribute order and quoting', async () => {
    const cas = casScope();
    interceptLoginPage(cas, { body: "<form><input value='LT-7-q' type=hidden name='lt'><input name=\"_eventId\" value=\"submit\"></form>" });
    let lt: string | null | undefined;
    interceptLoginPost(cas, { body: 'The credentials you provided cannot be determined to be authentic.', onBody: (f) => (lt = f.get('lt')) });
    await failure(manager().login());
    expect(lt).toBe('LT-7-q');
  });

  it('recognises "password must be changed" (modify_password.html)', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    interceptLoginPost(cas, { body: '<script>location.href="/cas/modify_password.html"</script>' });
    expect(await failure(manager().login())).toMatchObject({ code: 'PASSWORD_MUST_CHANGE', exitCode: 4 });
  });

  it('one login however often asked (link starts it early, discovery asks again); a refused one is not sent twice', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    let posts = 0;
    interceptLoginPost(cas, { body: 'The credentials you provided cannot be determined to be authentic.', onBody: () => (posts += 1) });
    const spare = interceptLoginPost(casScope(), { onBody: () => (posts += 1) });
    const m = manager();
    const [first, second] = await Promise.all([failure(m.login()), failure(m.login())]);
    expect(first).toBe(second);
    expect(await failure(m.login())).toBe(first);
    expect(first).toMatchObject({ code: 'LOGIN_REFUSED' });
    expect(posts).toBe(1);
    expect(spare.isDone()).toBe(false);
  });

  it('the credential POST is never retried, even on 5xx', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    interceptLoginPost(cas, { status: 503, times: 1 });
    const spare = interceptLoginPost(casScope(), {});
    const error = await failure(manager().login());
    expect(error).toMatchObject({ code: 'MANAGER_HTTP_5XX', exitCode: 4 });
    expect(error.message).not.toContain('attempts');
    expect(spare.isDone()).toBe(false);
  });

  it('a failed credential POST leaks the password nowhere in the error (cause included)', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    cas.post('/cas/login').query(true).replyWithError(netError('ECONNRESET', 'socket hang up'));
    const error = await failure(manager().login());
    expect(error).toMatchObject({ code: 'MANAGER_CONNECTION_RESET' });
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain('s3cret');
  });

  it('a page without the hidden lt is not the MRS 2.x CAS page', async () => {
    interceptLoginPage(casScope(), { body: '<html><body>Welcome</body></html>' });
    expect(await failure(manager().login())).toMatchObject({ code: 'CAS_UNEXPECTED', exitCode: 4 });
  });

  it('no CASTGC after the POST → LOGIN_FAILED', async () => {
    const cas = casScope();
    interceptLoginPage(cas);
    interceptLoginPost(cas);
    expect(await failure(manager().login())).toMatchObject({ code: 'LOGIN_FAILED', exitCode: 4 });
  });

  it('an unset password variable is a config error naming the field, before the POST', async () => {
    interceptLoginPage(casScope());
    const post = interceptLoginPost(casScope());
    const error = await failure(manager(testCluster(), { env: {} }).login());
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    expect(error.message).toContain('clusters.alpha.manager.password');
    expect(post.isDone()).toBe(false);
  });

  it('mrsVersion 3.x in the config selects the 3.x profile: no CAS request at all (test/contract/manager-v3.test.ts)', async () => {
    const cas = casScope().get('/cas/login').reply(200, 'never');
    managerScope().get('/web/api/v2/session/status').reply(200, { resObj: {} });
    await manager(testCluster({ mrsVersion: '3.1.0' })).login();
    expect(cas.isDone()).toBe(false);
  });

  it('logout never throws, even when both endpoints fail', async () => {
    managerScope().get('/web/v1/logout_action').query(true).reply(500);
    casScope().post('/cas/logout').replyWithError(netError('ECONNRESET', 'socket hang up'));
    await expect(manager().logout()).resolves.toBeUndefined();
    interceptLogout(managerScope(), casScope());
    await expect(manager().logout()).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('reads (documented examples)', () => {
  it('readClusterInfo: version, Kerberos from stack_model Sec, state', async () => {
    const m = managerScope();
    interceptClusters(m);
    interceptClusterStatus(m, { state: 'BAD' });
    expect(await manager().readClusterInfo()).toEqual({ name: 'alpha-mrs', version: 'MRS 2.1.0', kerberos: true, state: 'BAD' });
  });

  it('a non-security cluster (stack_model other than Sec)', async () => {
    const m = managerScope();
    interceptClusters(m, { stackModel: 'Normal' });
    interceptClusterStatus(m);
    expect(await manager().readClusterInfo()).toMatchObject({ kerberos: false });
  });

  it('MRS 3.x reported by the Manager → exit 3', async () => {
    interceptClusters(managerScope(), { version: 'MRS 3.1.0' });
    const error = await failure(manager().readClusterInfo());
    expect(error).toMatchObject({ code: 'MRS_VERSION_UNSUPPORTED', exitCode: 3 });
    expect(error.message).toContain('MRS 3.1.0');
  });

  it.each([['6.5.1'], ['V100R002C80SPC200'], ['FusionInsight HD 6.5.1']])('a 2.x Manager reporting an internal version (%s) is not refused', async (version) => {
    const m = managerScope();
    interceptClusters(m, { version });
    interceptClusterStatus(m);
    expect(await manager().readClusterInfo()).toMatchObject({ version, kerberos: true });
  });

  it('clusters.yaml mrsVersion wins over the Manager\'s "MRS 3.x"', async () => {
    const m = managerScope();
    interceptClusters(m, { version: 'MRS 3.1.0' });
    interceptClusterStatus(m);
    expect(await manager(testCluster({ mrsVersion: '2.1.0' })).readClusterInfo()).toMatchObject({ version: 'MRS 3.1.0' });
  });

  it('readKerberosFacts: realm, KerberosServer OM IPs on kdc_ports, peer rows kept verbatim, config version', async () => {
    const m = managerScope();
    const peers = JSON.stringify([{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732,10.9.0.2:21732' }, { realm_name: 'ODD.MRS', ip_port: 'weird text' }]);
    interceptKrbConfig(m, { peers, ports: '21733', version: '12' });
    interceptHosts(m);
    expect(await manager().readKerberosFacts()).toEqual({
      realm: 'ALPHA.MRS',
      kdcs: [{ ip: '10.0.0.11', port: 21733 }, { ip: '10.0.0.12', port: 21733 }],
      peers: [{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732,10.9.0.2:21732' }, { realm_name: 'ODD.MRS', ip_port: 'weird text' }],
      configVersion: '12',
      kdcSource: 'kdc_ports 21733 from KrbServer service level (GET /web/v1/config/cluster/1/service/KrbServer)',
    });
  });

  it('without config_version the version is a hash of the configuration (stable, changes with it)', async () => {
    const m = managerScope();
    interceptKrbConfig(m, { version: null, times: 2 });
    interceptKrbConfig(m, { version: null, peers: '[{"realm_name":"X.MRS","ip_port":"10.1.1.1:21732"}]' });
    interceptHosts(m, { times: 3 });
    const mgr = manager();
    const [a, b, c] = [await mgr.readKerberosFacts(), await mgr.readKerberosFacts(), await mgr.readKerberosFacts()];
    expect(a.configVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b.configVersion).toBe(a.configVersion);
    expect(c.configVersion).not.toBe(a.configVersion);
  });

  it('readHealth maps health words; readHosts lists name and OM IP', async () => {
    const m = managerScope();
    interceptServices(m, { services: [['KrbServer', 'Good'], ['HDFS', 'CONCERNING'], ['Hive', 'restarting']] });
    interceptHosts(m);
    const mgr = manager();
    expect(await mgr.readHealth()).toEqual([{ name: 'KrbServer', health: 'GOOD' }, { name: 'HDFS', health: 'CONCERNING' }, { name: 'Hive', health: 'UNKNOWN' }]);
    expect((await mgr.readHosts())[2]).toEqual({ name: 'node-core1', ip: '10.0.0.13' });
  });
});

describe('bad replies name the cluster and the endpoint', () => {
  it.each([
    ['garbled JSON', { body: '{"state":"COMPLETE","res_obj":{"clus' }, 'MANAGER_BAD_REPLY', 'GET /web/v1/clusters: reply is not valid JSON'],
    ['an HTML page', { body: '<!DOCTYPE html><html><body>Gateway</body></html>', headers: { 'content-type': 'text/html' } }, 'MANAGER_BAD_REPLY', 'replied with an HTML page'],
    ['the CAS login page (session gone)', { body: '<html><form action="/cas/login"></form></html>', headers: { 'content-type': 'text/html' } }, 'MANAGER_SESSION', 'login page'],
    ['a missing field', { body: envelope({ clusters: [{ id: 1, name: 'x', stack_model: 'Sec' }] }) }, 'MANAGER_BAD_REPLY', 'field res_obj.clusters[0].version'],
    ['no res_obj', { body: envelope() }, 'MANAGER_BAD_REPLY', 'field res_obj'],
    ['an error envelope', { status: 400, body: { state: 'FAILED', error_code: '12-4000400', error_description: 'Invalid request' } }, 'MANAGER_REFUSED', 'refused: Invalid request'],
    ['401', { status: 401, body: { state: 'FAILED', error_description: 'not logged in' } }, 'MANAGER_SESSION', 'refused'],
  ])('%s', async (_what, options, code, text) => {
    interceptClusters(managerScope(), options);
    const error = await failure(manager().readClusterInfo());
    expect(error).toMatchObject({ code, exitCode: 4 });
    expect(error.message).toMatch(/^alpha: GET \/web\/v1\/clusters/);
    expect(error.message).toContain(text);
  });

  it('a peer_realms value that is not the assumed JSON list', async () => {
    const m = managerScope();
    interceptKrbConfig(m, { peers: 'OTHER.MRS=10.0.0.1:21732' });
    interceptHosts(m);
    const error = await failure(manager().readKerberosFacts());
    expect(error).toMatchObject({ code: 'MANAGER_BAD_REPLY', exitCode: 4 });
    expect(error.message).toContain('GET /web/v1/config/cluster/1/service/KrbServer: peer_realms is not a JSON list');
  });

  it('no default_realm', async () => {
    const m = managerScope();
    interceptKrbConfig(m, { realm: '' });
    interceptHosts(m);
    expect((await failure(manager().readKerberosFacts())).message).toContain('no default_realm');
  });
});

describe('retries: reads with backoff, writes never', () => {
  it('a read recovers after two 5xx', async () => {
    const m = managerScope();
    interceptClusters(m, { status: 502, body: 'Bad Gateway', times: 2 });
    interceptClusters(m);
    interceptClusterStatus(m);
    const sleeps: number[] = [];
    const info = await manager(testCluster(), { backoffMs: 100, sleep: async (ms) => void sleeps.push(ms) }).readClusterInfo();
    expect(info.version).toBe('MRS 2.1.0');
    expect(sleeps).toEqual([100, 200]);
  });

  it('5xx on every attempt → exit 4 after 3 attempts', async () => {
    interceptClusters(managerScope(), { status: 503, times: 3 });
    const error = await failure(manager().readClusterInfo());
    expect(error).toMatchObject({ code: 'MANAGER_HTTP_5XX', exitCode: 4 });
    expect(error.message).toBe('alpha: GET /web/v1/clusters answered HTTP 503 (after 3 attempts)');
  });

  it('timeouts on every attempt → MANAGER_TIMEOUT', async () => {
    managerScope().get('/web/v1/clusters').times(3).delay(300).reply(200, envelope({ clusters: [] }));
    const error = await failure(manager(testCluster(), { timeoutMs: 30 }).readClusterInfo());
    expect(error).toMatchObject({ code: 'MANAGER_TIMEOUT', exitCode: 4 });
    expect(error.message).toContain('timed out after 30 ms');
  });

  it('connection reset → MANAGER_CONNECTION_RESET; refused → MANAGER_UNREACHABLE', async () => {
    managerScope().get('/web/v1/clusters').times(3).replyWithError(netError('ECONNRESET', 'socket hang up'));
    expect(await failure(manager().readClusterInfo())).toMatchObject({ code: 'MANAGER_CONNECTION_RESET', exitCode: 4 });
    managerScope().get('/web/v1/clusters').times(3).replyWithError(netError('ECONNREFUSED', 'connect ECONNREFUSED'));
    const error = await failure(manager().readClusterInfo());
    expect(error).toMatchObject({ code: 'MANAGER_UNREACHABLE', exitCode: 4 });
    expect(error.hint).toContain('clusters.alpha.manager.url');
  });

  it('a save that fails with 5xx or times out is not retried (the re-read shows it was not applied)', async () => {
    const rows = [{ realm_name: 'BETA.MRS', ip_port: '10.1.0.11:21732' }];
    const m = managerScope();
    interceptKrbConfig(m, { times: 2 });
    interceptSave(m, { status: 500, body: 'oops' });
    const spare = interceptSave(managerScope());
    expect(await failure(manager().savePeerRealms(rows, { expectedVersion: '7', restart: false }))).toMatchObject({ code: 'MANAGER_HTTP_5XX' });
    expect(spare.isDone()).toBe(false);
    nock.cleanAll();
    interceptKrbConfig(managerScope());
    managerScope().post('/web/v1/config/cluster/1/save').delay(300).reply(200, envelope());
    const spare2 = interceptSave(managerScope());
    expect(await failure(manager(testCluster(), { timeoutMs: 30 }).savePeerRealms(rows, { expectedVersion: '7', restart: false }))).toMatchObject({ code: 'MANAGER_TIMEOUT' });
    expect(spare2.isDone()).toBe(false);
  });
});

describe('writes', () => {
  const rows = [{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }, { realm_name: 'BETA.MRS', ip_port: '10.1.0.11:21732,10.1.0.12:21732' }];

  it('savePeerRealms re-reads, then posts the documented save body with the assumed peer_realms encoding', async () => {
    const m = managerScope();
    interceptKrbConfig(m, { version: '7' });
    let body: Record<string, unknown> | undefined;
    interceptSave(m, { onBody: (b) => (body = b) });
    expect(await manager().savePeerRealms(rows, { expectedVersion: '7', restart: true })).toEqual({ commandId: '4242', configVersion: '8' });
    expect(body).toEqual({
      id: -1,
      user_password: 's3cret!',
      configurations_summary: {
        restart_affected_components: true,
        components: [{ component_name: 'KrbServer', configurations: [{ name: 'peer_realms', value: JSON.stringify(rows) }], children: [] }],
      },
    });
  });

  it('re-reads while the caller journals (ready) and posts only once ready resolves; a rejected ready sends nothing', async () => {
    const m = managerScope();
    let reread = false;
    m.get('/web/v1/config/cluster/1/service/KrbServer').reply(() => {
      reread = true;
      return [200, JSON.stringify(envelope({ config_version: 7, configurations: [{ name: 'default_realm', value: 'ALPHA.MRS' }, { name: 'kdc_ports', value: '21732' }, { name: 'peer_realms', value: '[]' }] }))];
    });
    const save = interceptSave(m);
    let release!: () => void;
    const ready = new Promise<void>((resolve) => (release = resolve));
    const saving = manager().savePeerRealms(rows, { expectedVersion: '7', restart: true, ready });
    for (let i = 0; i < 50 && !reread; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(reread).toBe(true);
    expect(save.isDone()).toBe(false);
    release();
    expect(await saving).toEqual({ commandId: '4242', configVersion: '8' });
    expect(save.isDone()).toBe(true);
    const again = interceptKrbConfig(managerScope(), { version: '7' });
    const unsent = interceptSave(managerScope());
    const journalFailed = Promise.reject(new Error('cannot write the journal: ENOSPC'));
    await expect(manager().savePeerRealms(rows, { expectedVersion: '7', restart: true, ready: journalFailed })).rejects.toThrow(/ENOSPC/);
    // The re-read was already on its way; the save never is.
    for (let i = 0; i < 50 && !again.isDone(); i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(unsent.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('refuses with CONFIG_DRIFT (exit 3) and writes nothing when the version moved', async () => {
    interceptKrbConfig(managerScope(), { version: '8' });
    const save = interceptSave(managerScope());
    const error = await failure(manager().savePeerRealms(rows, { expectedVersion: '7', restart: true }));
    expect(error).toMatchObject({ code: 'CONFIG_DRIFT', exitCode: 3 });
    expect(error.message).toContain('7 → 8');
    expect(save.isDone()).toBe(false);
  });

  it('a save refused by the Manager (error envelope) → MANAGER_REFUSED with its words', async () => {
    const m = managerScope();
    interceptKrbConfig(m);
    interceptSave(m, { status: 400, body: { state: 'FAILED', error_code: '12-4000400', error_description: 'peer_realms: 17 peer realms; at most 16 are allowed' } });
    const error = await failure(manager().savePeerRealms(rows, { expectedVersion: '7', restart: false }));
    expect(error).toMatchObject({ code: 'MANAGER_REFUSED', exitCode: 4 });
    expect(error.message).toContain('at most 16');
  });

  it('stopService / startService post the documented body with only_self: true (never false)', async () => {
    const bodies: Record<string, unknown>[] = [];
    const m = managerScope();
    interceptServiceAction(m, 'stop', { id: 81, onBody: (b) => bodies.push(b) });
    interceptServiceAction(m, 'start', { id: 82, onBody: (b) => bodies.push(b) });
    expect(await manager().stopService('KrbServer')).toBe('81');
    expect(await manager().startService('KrbServer')).toBe('82');
    expect(bodies).toEqual([{ user_password: 's3cret!', only_self: true }, { user_password: 's3cret!', only_self: true }]);
  });

  it('a start answered COMPLETE without a command id needs no wait; IN_PROGRESS without an id is a bad reply', async () => {
    const m = managerScope();
    interceptServiceAction(m, 'start', { body: envelope(undefined, { id: -1, state: 'COMPLETE' }) });
    expect(await manager().startService('KrbServer')).toBeUndefined();
    interceptServiceAction(m, 'stop', { body: envelope(undefined, { id: null, state: 'IN_PROGRESS' }) });
    expect(await failure(manager().stopService('KrbServer'))).toMatchObject({ code: 'MANAGER_BAD_REPLY', exitCode: 4 });
  });

  it('waitForCommand polls the documented progress until COMPLETE', async () => {
    const m = managerScope();
    interceptProgress(m, 4242, { state: 'IN_PROGRESS', percent: 30 });
    interceptProgress(m, 4242, { state: 'IN_PROGRESS', percent: 60 });
    interceptProgress(m, 4242);
    const seen: string[] = [];
    const done = await manager().waitForCommand('4242', { timeoutMs: 60_000, pollMs: 1, onProgress: (p) => seen.push(`${p.state} ${p.percent}`) });
    expect(done).toMatchObject({ state: 'COMPLETE', percent: 100 });
    expect(seen).toEqual(['IN_PROGRESS 30', 'IN_PROGRESS 60', 'COMPLETE 100']);
  });

  it('a FAILED command is an answer with the failure detail (documented objects, or plain strings)', async () => {
    interceptProgress(managerScope(), 9, { state: 'FAILED', percent: 90, failures: [{ fail_entity: 'KerberosServer/node-master1', operation_type: 'START' }, 'KrbServer'] });
    expect(await manager().waitForCommand('9', { timeoutMs: 1000, pollMs: 1 })).toMatchObject({ state: 'FAILED', percent: 90, failures: ['KerberosServer/node-master1 (START)', 'KrbServer'] });
  });

  it('any state other than COMPLETE/FAILED is still running; percent falls back to total_step_size', async () => {
    const m = managerScope();
    const running = { id: 6, state: 'RUNNING', res_obj: { step_list: [{ name: 'Stop KrbServer' }], total_step_size: 40, cluster_id: 1, extra: true } };
    m.get('/web/v1/common/command/6/progress').reply(200, running);
    interceptProgress(m, 6);
    const seen: unknown[] = [];
    const done = await manager().waitForCommand('6', { timeoutMs: 60_000, pollMs: 1, onProgress: (p) => seen.push(p) });
    expect(done.state).toBe('COMPLETE');
    expect(seen[0]).toEqual({ state: 'IN_PROGRESS', percent: 40, rawState: 'RUNNING', step: 'Stop KrbServer' });
  });

  it('a command still running at the deadline → COMMAND_TIMEOUT; an abort → exit 130', async () => {
    interceptProgress(managerScope(), 5, { state: 'IN_PROGRESS', percent: 10 });
    expect(await failure(manager().waitForCommand('5', { timeoutMs: 0, pollMs: 1 }))).toMatchObject({ code: 'COMMAND_TIMEOUT', exitCode: 4 });
    interceptProgress(managerScope(), 5, { state: 'IN_PROGRESS', percent: 10 });
    const abort = new AbortController();
    const waiting = manager().waitForCommand('5', { timeoutMs: 60_000, pollMs: 60_000, signal: abort.signal, onProgress: () => abort.abort() });
    expect(await failure(waiting)).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
  });
});

describe('TLS settings', () => {
  it('insecure: true warns once per cluster', () => {
    const cluster = testCluster({ name: 'insecure-one', manager: { ...testCluster().manager, tls: { insecure: true } } } as Partial<ClusterConfig>);
    createManager(cluster, log, fast);
    createManager(cluster, log, fast);
    expect(warnings.filter((w) => w.includes('clusters.insecure-one.manager.tls.insecure'))).toHaveLength(1);
  });

  it('an unreadable tls.ca is a config error naming the field', () => {
    const cluster = testCluster({ manager: { ...testCluster().manager, tls: { ca: '/nonexistent/ca.pem' } } } as Partial<ClusterConfig>);
    expect(() => createManager(cluster, log, fast)).toThrow(/clusters\.alpha\.manager\.tls\.ca: cannot read/);
  });
});
