import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManager, type ManagerOptions } from '../../src/adapters/manager/index.js';
import { envelope, interceptHosts, interceptSave, interceptServices, managerScope, PASSWORD_ENV, testCluster } from '../support/nock-manager.js';

// Issue #12 item 4: documented fallbacks in discovery, kdc_ports and peer_realms at service or
// KerberosServer role level, never a defaulted port. Documented replies are the reference's own
// examples, verbatim.
const log = { warn: () => undefined, debug: () => undefined };
const fast: ManagerOptions = { env: { [PASSWORD_ENV]: 's3cret!' }, retries: 0, backoffMs: 0, timeoutMs: 1000, sleep: async () => undefined };
const manager = () => createManager(testCluster(), log, fast);
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as { code: string; exitCode: number; message: string; hint?: string });
const CONFIG = '/web/v1/config/cluster/1/service/KrbServer';
const PEERS = JSON.stringify([{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }]);

/** "Querying the Health Status of a Specified Cluster" (mrs_02_1089), response example. */
const STATUS_EXAMPLE = { id: 0, state: 'COMPLETE', error_code: 0, error_description: 'string', total_progress: 0, res_obj: { state: 'GOOD' } };
/** "Querying Summary of a Specified Service" (mrs_02_1097), response example. */
const SUMMARY_EXAMPLE = { id: 0, state: 'NEW', error_code: 0, error_description: 'string', total_progress: 0, res_obj: { key_property: [{ name: 'string', value: {}, type: 'TEXT' }] } };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('health: the documented fallback when the guessed service list fails', () => {
  it('a 404 service list → the cluster status plus KrbServer\'s summary (health property)', async () => {
    const m = managerScope();
    interceptServices(m, { status: 404, body: envelope(undefined, { state: 'FAILED', error_code: '12-4000404', error_description: 'not found' }) });
    m.get('/web/v1/cluster/1/status').reply(200, STATUS_EXAMPLE);
    m.get('/web/v1/cluster/1/services/KrbServer').reply(200, envelope({ key_property: [{ name: 'Health Status', value: 'Good', type: 'STATUS' }, { name: 'Version', value: '2.1.0', type: 'TEXT' }] }));
    expect(await manager().readHealth()).toEqual([{ name: 'cluster', health: 'GOOD' }, { name: 'KrbServer', health: 'GOOD' }]);
  });

  it('the documentation\'s own summary example names no health: KrbServer is UNKNOWN, never GOOD', async () => {
    const m = managerScope();
    interceptServices(m, { body: '<html><body>404</body></html>', headers: { 'content-type': 'text/html' } });
    m.get('/web/v1/cluster/1/status').reply(200, STATUS_EXAMPLE);
    m.get('/web/v1/cluster/1/services/KrbServer').reply(200, SUMMARY_EXAMPLE);
    expect(await manager().readHealth()).toEqual([{ name: 'cluster', health: 'GOOD' }, { name: 'KrbServer', health: 'UNKNOWN' }]);
  });

  it('a lost session is not papered over by the fallback', async () => {
    interceptServices(managerScope(), { status: 401, body: '<html><form action="/cas/login"></form></html>', headers: { 'content-type': 'text/html' } });
    expect((await failure(manager().readHealth())).code).toBe('MANAGER_SESSION');
  });
});

describe('the KrbServer configuration read: service or KerberosServer role level', () => {
  it('kdc_ports and peer_realms under the KerberosServer role (children[]); the source is named', async () => {
    const m = managerScope();
    m.get(CONFIG).reply(200, envelope({ config_version: 3, configurations: [{ name: 'default_realm', value: 'ALPHA.MRS' }], children: [{ role_name: 'KerberosServer', configurations: [{ name: 'kdc_ports', value: 21733 }, { name: 'peer_realms', value: PEERS }] }] }));
    interceptHosts(m);
    const facts = await manager().readKerberosFacts();
    expect(facts).toMatchObject({ realm: 'ALPHA.MRS', kdcs: [{ ip: '10.0.0.11', port: 21733 }, { ip: '10.0.0.12', port: 21733 }], peers: [{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }], configVersion: '3' });
    expect(facts.kdcSource).toBe(`kdc_ports 21733 from the KerberosServer role (GET ${CONFIG})`);
  });

  it('a configurations_summary-style envelope (the save body\'s shape) is read too', async () => {
    const m = managerScope();
    m.get(CONFIG).reply(200, envelope({ configurations_summary: { components: [{ component_name: 'KrbServer', configurations: [{ name: 'default_realm', value: 'ALPHA.MRS' }, { name: 'kdc_ports', value: '21732' }], children: [{ role_name: 'KerberosServer', configurations: [{ name: 'peer_realms', value: PEERS }] }] }] } }));
    interceptHosts(m);
    expect(await manager().readKerberosFacts()).toMatchObject({ realm: 'ALPHA.MRS', kdcs: [{ ip: '10.0.0.11', port: 21732 }, { ip: '10.0.0.12', port: 21732 }], peers: [{ realm_name: 'OTHER.MRS' }] });
  });

  it('no kdc_ports at either level → KDC_PORT_UNKNOWN (exit 3) naming the call; 21732 is never assumed', async () => {
    const m = managerScope();
    m.get(CONFIG).reply(200, envelope({ config_version: '1', configurations: [{ name: 'default_realm', value: 'ALPHA.MRS' }, { name: 'peer_realms', value: '[]' }] }));
    interceptHosts(m);
    const e = await failure(manager().readKerberosFacts());
    expect(e).toMatchObject({ code: 'KDC_PORT_UNKNOWN', exitCode: 3 });
    expect(e.message).toContain(`GET ${CONFIG} has no kdc_ports`);
    expect(e.hint).toContain('clusters.alpha.manager.discovery: krb5conf');
  });

  it('readPeerRealms (krb5conf discovery) makes only the configuration read and needs neither realm nor port', async () => {
    managerScope().get(CONFIG).reply(200, envelope({ config_version: '9', configurations: [{ name: 'peer_realms', value: PEERS }] }));
    expect(await manager().readPeerRealms()).toEqual({ peers: [{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }], configVersion: '9' });
  });

  it('peer_realms read under the KerberosServer role is saved there (not at service level)', async () => {
    const m = managerScope();
    m.get(CONFIG).reply(200, envelope({ config_version: '4', configurations: [{ name: 'default_realm', value: 'ALPHA.MRS' }], children: [{ role_name: 'KerberosServer', configurations: [{ name: 'kdc_ports', value: '21732' }, { name: 'peer_realms', value: PEERS }] }] }));
    let body: Record<string, unknown> = {};
    interceptSave(m, { onBody: (b) => (body = b), body: envelope({ config_version: '5' }) });
    await manager().savePeerRealms([{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }, { realm_name: 'BETA.MRS', ip_port: '10.2.0.1:21732' }], { expectedVersion: '4', restart: false });
    const component = (body.configurations_summary as { components: { configurations: unknown[]; children: { role_name: string; configurations: { name: string; value: string }[] }[] }[] }).components[0];
    expect(component?.configurations).toEqual([]);
    expect(component?.children).toEqual([{ role_name: 'KerberosServer', configurations: [{ name: 'peer_realms', value: expect.stringContaining('BETA.MRS') }], children: [] }]);
  });

  it('peer_realms read at service level is saved at service level', async () => {
    const m = managerScope();
    m.get(CONFIG).reply(200, envelope({ config_version: '4', configurations: [{ name: 'default_realm', value: 'ALPHA.MRS' }, { name: 'kdc_ports', value: '21732' }, { name: 'peer_realms', value: '[]' }] }));
    let body: Record<string, unknown> = {};
    interceptSave(m, { onBody: (b) => (body = b), body: envelope({ config_version: '5' }) });
    await manager().savePeerRealms([{ realm_name: 'BETA.MRS', ip_port: '10.2.0.1:21732' }], { expectedVersion: '4', restart: false });
    expect((body.configurations_summary as { components: { configurations: { name: string }[]; children: unknown[] }[] }).components[0]).toMatchObject({ configurations: [{ name: 'peer_realms' }], children: [] });
  });
});

describe('cluster status', () => {
  it('readClusterInfo takes the documented status example', async () => {
    const m = managerScope();
    m.get('/web/v1/clusters').reply(200, envelope({ clusters: [{ id: 1, name: 'alpha-mrs', version: 'MRS 2.1.0', stack_model: 'Sec' }] }));
    m.get('/web/v1/cluster/1/status').reply(200, STATUS_EXAMPLE);
    expect(await manager().readClusterInfo()).toMatchObject({ state: 'GOOD' });
  });
});
