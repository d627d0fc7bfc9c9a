import nock from 'nock';
import type { ClusterConfig } from '../../src/config/load.js';

/**
 * Per-endpoint nock helpers for the MRS Manager, each with defaults a test overrides
 * (`interceptKrbConfig(scope, { peers: [...] })`), in the style of release-it's test/stub.
 *
 * NOTE: nock 14 (@mswjs/interceptors) swaps the request's agent for its own, so
 * http-cookie-agent never sees intercepted requests and no cookie is stored or sent. The
 * cookie flow across ports 20009/28443 is therefore tested against the sandbox (real HTTPS,
 * test/integration/sandbox-adapter.test.ts); contract tests cover bodies, statuses and shapes.
 */
export const MANAGER = 'https://127.0.0.1:28443';
export const CAS_ORIGIN = 'https://127.0.0.1:20009';
export const PASSWORD_ENV = 'MRS_CONTRACT_PASSWORD';

export function testCluster(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name: 'alpha',
    type: 'analysis',
    manager: { url: MANAGER, cas: CAS_ORIGIN, user: 'admin', password: { env: PASSWORD_ENV }, tls: { fingerprint: `sha256:${'AB:'.repeat(31)}AB` }, discovery: 'api' },
    ...overrides,
  } as ClusterConfig;
}

export const managerScope = () => nock(MANAGER);
export const casScope = () => nock(CAS_ORIGIN);

/** The documented envelope. */
export function envelope(resObj?: unknown, extra: Record<string, unknown> = {}) {
  return { id: null, state: 'COMPLETE', error_code: null, error_description: null, total_progress: 100, ...(resObj === undefined ? {} : { res_obj: resObj }), ...extra };
}

interface Reply {
  status?: number;
  /** Replaces the whole body (string for HTML or garbage). */
  body?: unknown;
  headers?: Record<string, string>;
  times?: number;
}

function reply(interceptor: nock.Interceptor, defaults: unknown, options: Reply) {
  return interceptor.times(options.times ?? 1).reply(options.status ?? 200, (options.body ?? defaults) as nock.Body, options.headers);
}

export function interceptLoginPage(scope: nock.Scope, options: Reply & { lt?: string } = {}) {
  const page = `<html><form id="fm1" action="/cas/login" method="post"><input type="hidden" name="lt" value="${options.lt ?? 'LT-1-abc'}" /><input type="hidden" name="_eventId" value="submit" /></form></html>`;
  return reply(scope.get('/cas/login'), page, { headers: { 'content-type': 'text/html', 'set-cookie': 'casSessionId=s1; Path=/cas; Secure' }, ...options });
}

/** The form POST; `onBody` sees the urlencoded form. */
export function interceptLoginPost(scope: nock.Scope, options: Reply & { onBody?: (form: URLSearchParams) => void } = {}) {
  return scope
    .post('/cas/login', (body: string) => {
      options.onBody?.(new URLSearchParams(body));
      return true;
    })
    .query(true)
    .times(options.times ?? 1)
    .reply(options.status ?? 200, (options.body ?? '<html>Log In Successful</html>') as nock.Body, { 'content-type': 'text/html', ...options.headers });
}

export function interceptClusters(scope: nock.Scope, options: Reply & { version?: string; stackModel?: string } = {}) {
  return reply(scope.get('/web/v1/clusters'), envelope({ clusters: [{ id: 1, name: 'alpha-mrs', version: options.version ?? 'MRS 2.1.0', stack_model: options.stackModel ?? 'Sec' }] }), options);
}

export function interceptClusterStatus(scope: nock.Scope, options: Reply & { state?: string } = {}) {
  return reply(scope.get('/web/v1/cluster/1/status'), envelope({ state: options.state ?? 'GOOD' }), options);
}

export function interceptServices(scope: nock.Scope, options: Reply & { services?: [string, string][] } = {}) {
  const services = options.services ?? [['KrbServer', 'GOOD'], ['HDFS', 'GOOD']];
  return reply(scope.get('/web/v1/cluster/1/services'), envelope({ services: services.map(([service_name, health_status]) => ({ service_name, health_status, running_status: 'NORMAL' })) }), options);
}

export const DEFAULT_HOSTS = [
  { ip_address: '10.0.0.11', business_ip_address: '192.168.0.11', host_name: 'node-master1', health_status: 'GOOD', instances: [{ role_name: 'KerberosServer', service_name: 'KrbServer', health_status: 'GOOD', ha_status: 'active' }] },
  { ip_address: '10.0.0.12', business_ip_address: '192.168.0.12', host_name: 'node-master2', health_status: 'GOOD', instances: [{ role_name: 'KerberosServer', service_name: 'KrbServer', health_status: 'GOOD', ha_status: 'standby' }] },
  { ip_address: '10.0.0.13', business_ip_address: '192.168.0.13', host_name: 'node-core1', health_status: 'GOOD', instances: [{ role_name: 'DataNode', service_name: 'HDFS', health_status: 'GOOD', ha_status: null }] },
];

export function interceptHosts(scope: nock.Scope, options: Reply & { hosts?: unknown[] } = {}) {
  return reply(scope.get('/web/v1/cluster/1/hosts'), envelope({ hosts: options.hosts ?? DEFAULT_HOSTS }), options);
}

export function interceptKrbConfig(scope: nock.Scope, options: Reply & { realm?: string; ports?: string; peers?: string; version?: string | null } = {}) {
  const configurations = [
    { name: 'default_realm', value: options.realm ?? 'ALPHA.MRS' },
    { name: 'kdc_ports', value: options.ports ?? '21732' },
    { name: 'peer_realms', value: options.peers ?? '[]' },
  ];
  const resObj = { ...(options.version === null ? {} : { config_version: options.version ?? '7' }), configurations };
  return reply(scope.get('/web/v1/config/cluster/1/service/KrbServer'), envelope(resObj), options);
}

export function interceptSave(scope: nock.Scope, options: Reply & { onBody?: (body: Record<string, unknown>) => void; id?: number; state?: string } = {}) {
  return scope
    .post('/web/v1/config/cluster/1/save', (body: Record<string, unknown>) => {
      options.onBody?.(body);
      return true;
    })
    .times(options.times ?? 1)
    .reply(options.status ?? 200, (options.body ?? envelope({ config_version: '8' }, { id: options.id ?? 4242, state: options.state ?? 'IN_PROGRESS', total_progress: 0 })) as nock.Body);
}

/** Documented `POST …/service/{name}/stop|start` (mrs_02_1094/1095). */
export function interceptServiceAction(scope: nock.Scope, action: 'stop' | 'start', options: Reply & { onBody?: (body: Record<string, unknown>) => void; id?: number; service?: string } = {}) {
  return scope
    .post(`/web/v1/maintain/cluster/1/service/${options.service ?? 'KrbServer'}/${action}`, (body: Record<string, unknown>) => {
      options.onBody?.(body);
      return true;
    })
    .reply(options.status ?? 200, (options.body ?? envelope(undefined, { id: options.id ?? 77, state: 'IN_PROGRESS', total_progress: 0 })) as nock.Body);
}

/** Documented progress shape (mrs_02_1091): step_list {name, description}, fail_entity_list {fail_entity, operation_type}. */
export function interceptProgress(scope: nock.Scope, id: string | number, options: Reply & { state?: string; percent?: number; failures?: unknown[] } = {}) {
  const state = options.state ?? 'COMPLETE';
  const body = {
    id: Number(id),
    state,
    error_code: 0,
    error_description: null,
    total_progress: options.percent ?? 100,
    res_obj: { cluster_id: 1, step_list: [{ name: 'Restart KrbServer', description: 'restarting' }], fail_entity_list: options.failures ?? [], total_step_size: options.percent ?? 100 },
  };
  return reply(scope.get(`/web/v1/common/command/${id}/progress`), body, options);
}

export function interceptLogout(manager: nock.Scope, cas: nock.Scope) {
  manager.get('/web/v1/logout_action').query({ is_timeout_logout: 'false' }).reply(200, envelope());
  cas.post('/cas/logout').reply(200, '<html>Logout successful</html>');
}
