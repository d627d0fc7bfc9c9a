/**
 * The sandbox side of every ASSUMED Manager behaviour (src/wire/manager/assumed.ts,
 * src/adapters/manager/assumed.ts, docs/assumptions.md): reading the KrbServer configuration,
 * listing services and hosts and the `peer_realms` encoding (a JSON array of rows, service
 * level). The guessed `services/restart` call is gone: saves restart through the documented
 * save. Keep it in step with the adapter's assumed.ts.
 */
import { saveBodySchema, type SaveBody } from '../../wire/manager/documented.js';
import { KRB, peerRealmsValueSchema } from '../../wire/manager/assumed.js';
import { KDC_PORT } from '../layout.js';
import { ok, refuse, type Route, type SimReply } from './http.js';
import { peerRealmsProblem } from './rules.js';
import type { SimCluster } from './state.js';

function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function hosts(sim: SimCluster) {
  return sim.layout.nodes.map((node, i) => {
    const master = i < 2;
    const instances = [
      ...(master && sim.kerberos ? [{ role_name: KRB.role, service_name: KRB.service, health_status: sim.healthOf(KRB.service) ?? 'GOOD', ha_status: i === 0 ? 'active' : 'standby' }] : []),
      ...(master ? [{ role_name: 'NameNode', service_name: 'HDFS', health_status: sim.healthOf('HDFS') ?? 'GOOD', ha_status: i === 0 ? 'active' : 'standby' }] : []),
      ...(!master ? [{ role_name: 'DataNode', service_name: 'HDFS', health_status: sim.healthOf('HDFS') ?? 'GOOD', ha_status: null }] : []),
    ];
    // Documented profiles: instance objects carry only what the documented host object is sure to have.
    const shown = sim.strict ? instances.map(({ role_name, service_name }) => ({ role_name, service_name })) : instances;
    return { ip_address: node.ip, business_ip_address: node.ip, host_name: node.name, health_status: 'GOOD', instances: shown };
  });
}

/** "Someone else" saves a peer row (fault `concurrentEdit`) once the config was read N times. */
function maybeConcurrentEdit(sim: SimCluster): void {
  const edit = sim.overrides.concurrentEdit;
  if (!edit || sim.krbConfigReads !== edit.afterReads + 1) return;
  const subnet = sim.layout.managerIp.split('.')[1];
  sim.peers = [...sim.peers.filter((p) => p.realm_name !== edit.realm), { realm_name: edit.realm, ip_port: edit.ipPort ?? `127.${subnet}.248.11:${KDC_PORT}` }];
  sim.configVersion += 1;
  sim.onChange();
}

function readConfig(sim: SimCluster, service: string): SimReply {
  if (service !== KRB.service || !sim.kerberos) return refuse(404, '12-4000404', `Service ${service} does not exist`);
  sim.krbConfigReads += 1;
  maybeConcurrentEdit(sim);
  const krb = [...(sim.overrides.kdcPortsMissing ? [] : [{ name: KRB.ports, value: String(KDC_PORT) }]), { name: KRB.peers, value: JSON.stringify(sim.peers) }];
  const roleLevel = sim.overrides.krbConfigLevel === 'role';
  return ok({
    config_version: String(sim.configVersion),
    configurations: [{ name: KRB.realm, value: sim.realm }, ...(roleLevel ? [] : krb), { name: 'kdc_timeout', value: '3000' }],
    ...(roleLevel ? { children: [{ role_name: KRB.role, configurations: krb }] } : {}),
  });
}

/** The `peer_realms` items of one component, at the level this cluster keeps them (krbConfigLevel). */
function peerItems(sim: SimCluster, component: SaveBody['configurations_summary']['components'][number]): SaveBody['configurations_summary']['components'][number]['configurations'] | string {
  if (sim.overrides.krbConfigLevel !== 'role') return component.children.length > 0 ? `${KRB.peers} is a service-level parameter` : component.configurations;
  if (component.configurations.length > 0) return `${KRB.peers} is a ${KRB.role} role parameter`;
  const groups = component.children.filter((c) => c.role_name === KRB.role);
  return groups.length === 1 && component.children.length === 1 ? (groups[0] as (typeof groups)[number]).configurations : `${KRB.peers} is a ${KRB.role} role parameter`;
}

function save(sim: SimCluster, text: string): SimReply {
  const body = saveBodySchema.safeParse(json(text));
  if (!body.success) return refuse(400, '12-4000400', 'invalid request body');
  if (body.data.user_password !== sim.password) return refuse(403, '12-4000403', 'The password of the current user is incorrect');
  const components = body.data.configurations_summary.components;
  let peers: { realm_name: string; ip_port: string }[] | undefined;
  for (const component of components) {
    if (component.component_name !== KRB.service || !sim.kerberos) return refuse(400, '12-4000400', `Service ${component.component_name} does not exist or cannot be configured here`);
    const items = peerItems(sim, component);
    if (typeof items === 'string') return refuse(400, '12-4000400', items);
    for (const item of items) {
      if (item.name !== KRB.peers) return refuse(400, '12-4000400', `parameter ${item.name} cannot be changed in the sandbox`);
      const rows = peerRealmsValueSchema.safeParse(item.value.trim() === '' ? [] : json(item.value));
      if (!rows.success) return refuse(400, '12-4000400', `${KRB.peers}: value must be a list of {realm_name, ip_port}`);
      peers = rows.data;
    }
  }
  if (!peers) return refuse(400, '12-4000400', 'nothing to save');
  const problem = peerRealmsProblem(peers, sim.realm);
  if (problem) return refuse(400, '12-4000400', `${KRB.peers}: ${problem}`);
  sim.peers = peers;
  sim.configVersion += 1;
  sim.counters.saves += 1;
  sim.onChange();
  const resObj = { config_version: String(sim.configVersion) };
  if (!body.data.configurations_summary.restart_affected_components) return ok(resObj);
  return ok(resObj, { id: sim.startRestart([KRB.service], 'save'), state: 'IN_PROGRESS', total_progress: 0 });
}

export const assumedRoutes: Route[] = [
  {
    name: 'services', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/cluster\/1\/services$/, auth: true,
    handle: (sim) => ok({ services: sim.healthList().map((s) => ({ service_name: s.name, health_status: s.health, running_status: s.running })) }),
  },
  { name: 'hosts', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/cluster\/1\/hosts$/, auth: true, handle: (sim) => ok({ hosts: hosts(sim) }) },
  { name: 'service-config', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/config\/cluster\/1\/service\/([^/]+)$/, auth: true, handle: (sim, req) => readConfig(sim, decodeURIComponent(req.params[0] ?? '')) },
  { name: 'save', method: 'POST', port: 'manager', pattern: /^\/web\/v1\/config\/cluster\/1\/save$/, auth: true, handle: (sim, req) => save(sim, req.body) },
];
