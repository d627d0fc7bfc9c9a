import { RemoteError } from '../../errors/index.js';
import type { ServiceStatus } from '../../ports/manager.js';
import { ASSUMED_PATHS, KRB } from '../../wire/manager/assumed.js';
import { clusterStatusResObjSchema, envelopeOf, PATHS, serviceSummaryResObjSchema } from '../../wire/manager/documented.js';
import { readServiceList, toHealth } from './assumed.js';
import type { ManagerHttp } from './http.js';

/** Failures of the guessed list that the documented calls can stand in for (not network, TLS or session). */
const FALL_BACK_ON = new Set(['MANAGER_BAD_REPLY', 'MANAGER_REFUSED', 'MANAGER_HTTP_5XX']);

/** The cluster status entry of the documented fallback (the cluster is Bad when any service is). */
export const CLUSTER_HEALTH = 'cluster';

/**
 * Documented (mrs_02_1097): `GET /web/v1/cluster/1/services/{service}` → `res_obj.key_property[]
 * {name, value, type: STATUS|TEXT}`. Which property carries the health is not documented: the
 * first whose name mentions "health" (any case); none, or an unknown word → UNKNOWN, never GOOD.
 */
export async function readServiceSummary(http: ManagerHttp, service: string): Promise<ServiceStatus> {
  const path = PATHS.service(service);
  const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + path, endpoint: `GET ${path}`, schema: envelopeOf(serviceSummaryResObjSchema), read: true });
  const property = (reply.res_obj.key_property ?? []).find((p) => /health/i.test(p.name ?? ''));
  return { name: service, health: typeof property?.value === 'string' ? toHealth(property.value) : 'UNKNOWN' };
}

/** Documented (mrs_02_1089): `GET /web/v1/cluster/1/status` → `res_obj.state` Good/Bad. */
export async function readClusterHealth(http: ManagerHttp): Promise<ServiceStatus> {
  const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + PATHS.clusterStatus, endpoint: `GET ${PATHS.clusterStatus}`, schema: envelopeOf(clusterStatusResObjSchema), read: true });
  return { name: CLUSTER_HEALTH, health: toHealth(reply.res_obj.state) };
}

/**
 * Service health: the guessed list (`GET …/services`, every service by name); when it fails,
 * the documented cluster status (Bad when any component is unavailable) plus KrbServer's own
 * summary, which is what the trust needs.
 */
export async function readHealth(http: ManagerHttp, debug: (line: string) => void): Promise<ServiceStatus[]> {
  try {
    return await readServiceList(http);
  } catch (error) {
    if (!(error instanceof RemoteError && FALL_BACK_ON.has(error.code))) throw error;
    debug(`${http.cluster.name}: GET ${ASSUMED_PATHS.services} failed (${error.message}); using the documented cluster status and GET ${PATHS.service(KRB.service)}`);
    return Promise.all([readClusterHealth(http), readServiceSummary(http, KRB.service)]);
  }
}
