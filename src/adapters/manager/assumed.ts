/**
 * EVERY undocumented Manager behaviour the adapter relies on lives in this file (and in the
 * payload schemas of src/wire/manager/assumed.ts); the sandbox mirrors it in
 * src/sandbox/manager/assumed-routes.ts; docs/assumptions.md explains each choice. An operator
 * with a live MRS 2.x Manager corrects it here, in one place.
 */
import { createHash } from 'node:crypto';
import type { Health } from '../../domain/facts.js';
import { isIp } from '../../domain/ip-port.js';
import type { PeerEntry } from '../../domain/peers.js';
import type { HostInfo, KerberosFacts, ServiceStatus } from '../../ports/manager.js';
import { RemoteError } from '../../errors/index.js';
import { envelopeOf, type SaveBody, type WireHost } from '../../wire/manager/documented.js';
import { ASSUMED_PATHS, hostsResObjSchema, KRB, peerRealmsValueSchema, saveResObjSchema, serviceConfigResObjSchema, servicesResObjSchema } from '../../wire/manager/assumed.js';
import type { ManagerHttp } from './http.js';

const HEALTH: readonly Health[] = ['GOOD', 'CONCERNING', 'BAD', 'UNKNOWN'];

/** `Good`, `good`, `GOOD` → GOOD; anything else → UNKNOWN. */
export function toHealth(text: string): Health {
  const upper = text.toUpperCase() as Health;
  return HEALTH.includes(upper) ? upper : 'UNKNOWN';
}

/** ASSUMED: `GET /web/v1/cluster/1/services` → `res_obj.services[]{service_name, health_status}`. */
export async function readServices(http: ManagerHttp): Promise<ServiceStatus[]> {
  const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + ASSUMED_PATHS.services, endpoint: `GET ${ASSUMED_PATHS.services}`, schema: envelopeOf(servicesResObjSchema), read: true });
  return reply.res_obj.services.map((s) => ({ name: s.service_name, health: toHealth(s.health_status) }));
}

/** ASSUMED: `GET /web/v1/cluster/1/hosts` → `res_obj.hosts[]` (documented host objects). */
export async function readWireHosts(http: ManagerHttp): Promise<WireHost[]> {
  const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + ASSUMED_PATHS.hosts, endpoint: `GET ${ASSUMED_PATHS.hosts}`, schema: envelopeOf(hostsResObjSchema), read: true });
  return reply.res_obj.hosts;
}

export function toHostInfo(hosts: WireHost[]): HostInfo[] {
  return hosts.map((h) => ({ name: h.host_name, ip: h.ip_address }));
}

interface KrbConfig {
  realm: string;
  port: number;
  peers: PeerEntry[];
  configVersion: string;
}

/**
 * ASSUMED: `GET /web/v1/config/cluster/1/service/KrbServer` → `res_obj{config_version,
 * configurations[{name, value}]}` with `default_realm`, `kdc_ports` and `peer_realms`
 * at service level; `peer_realms` is a JSON array of `{realm_name, ip_port}` rows.
 */
export async function readKrbConfig(http: ManagerHttp): Promise<KrbConfig> {
  const path = ASSUMED_PATHS.serviceConfig(KRB.service);
  const endpoint = `GET ${path}`;
  const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + path, endpoint, schema: envelopeOf(serviceConfigResObjSchema), read: true });
  const items = new Map(reply.res_obj.configurations.map((c) => [c.name, c.value]));
  const bad = (what: string) => new RemoteError('MANAGER_BAD_REPLY', `${http.cluster.name}: ${endpoint}: ${what}`, { details: { cluster: http.cluster.name, endpoint } });
  const realm = items.get(KRB.realm);
  if (!realm) throw bad(`no ${KRB.realm} in the KrbServer configuration`);
  const portText = items.get(KRB.ports) ?? '21732';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`${KRB.ports} is "${portText}", not a port number`);
  const peers = decodePeerRealms(items.get(KRB.peers) ?? '', bad);
  const configVersion =
    reply.res_obj.config_version !== undefined && reply.res_obj.config_version !== null
      ? String(reply.res_obj.config_version)
      : `sha256:${createHash('sha256').update(JSON.stringify([...items.entries()].sort())).digest('hex').slice(0, 16)}`;
  return { realm, port, peers, configVersion };
}

/** `''`/`[]` = no peers; rows are kept as raw text (never re-encoded, see domain/peers.ts). */
export function decodePeerRealms(value: string, bad: (what: string) => Error): PeerEntry[] {
  if (value.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw bad(`${KRB.peers} is not a JSON list of {realm_name, ip_port} rows`);
  }
  const rows = peerRealmsValueSchema.safeParse(json);
  if (!rows.success) throw bad(`${KRB.peers} rows must be {realm_name, ip_port}`);
  return rows.data.map((r) => ({ realm_name: r.realm_name, ip_port: r.ip_port }));
}

export function encodePeerRealms(peers: readonly PeerEntry[]): string {
  return JSON.stringify(peers.map((p) => ({ realm_name: p.realm_name, ip_port: p.ip_port })));
}

/** KDCs = the OM IP (`ip_address`) of each host running a KerberosServer instance, on `kdc_ports`. */
export function kerberosFacts(config: KrbConfig, hosts: WireHost[]): KerberosFacts {
  const kdcHosts = hosts.filter((h) => h.instances.some((i) => i.role_name === KRB.role && i.service_name === KRB.service));
  const kdcs = kdcHosts.map((h) => ({ ip: h.ip_address, port: config.port })).filter((k) => isIp(k.ip));
  return { realm: config.realm, kdcs, peers: config.peers, configVersion: config.configVersion };
}

/** The documented save body, carrying `peer_realms` at service (component) level. */
export function saveBody(peers: readonly PeerEntry[], restart: boolean, userPassword: string): SaveBody {
  return {
    id: -1,
    user_password: userPassword,
    configurations_summary: {
      restart_affected_components: restart,
      components: [{ component_name: KRB.service, configurations: [{ name: KRB.peers, value: encodePeerRealms(peers) }], children: [] }],
    },
  };
}

export const saveReplySchema = envelopeOf(saveResObjSchema);
