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
import { CheckError, RemoteError } from '../../errors/index.js';
import { envelopeOf, type SaveBody, type WireHost } from '../../wire/manager/documented.js';
import { ASSUMED_PATHS, hostsResObjSchema, KRB, peerRealmsValueSchema, saveResObjSchema, serviceConfigResObjSchema, servicesResObjSchema, type ServiceConfigResObj } from '../../wire/manager/assumed.js';
import type { ManagerHttp } from './http.js';

const HEALTH: readonly Health[] = ['GOOD', 'CONCERNING', 'BAD', 'UNKNOWN'];

/** `Good`, `good`, `GOOD` → GOOD; anything else → UNKNOWN. */
export function toHealth(text: string): Health {
  const upper = text.toUpperCase() as Health;
  return HEALTH.includes(upper) ? upper : 'UNKNOWN';
}

/** ASSUMED: `GET /web/v1/cluster/1/services` → `res_obj.services[]{service_name, health_status}`. */
export async function readServiceList(http: ManagerHttp): Promise<ServiceStatus[]> {
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

/** Where a KrbServer item was found: service (component) level, or the KerberosServer role group. */
export type ConfigLevel = 'service' | 'role';

export interface KrbConfig {
  /** Absent when the read has no `default_realm` (krb5conf discovery does not need it). */
  realm?: string;
  /** `kdc_ports` and where it was read; absent = not found at either level (never defaulted). */
  port?: { value: number; level: ConfigLevel };
  peers: PeerEntry[];
  /** The level `peer_realms` was read from; a save writes it back there. */
  peersLevel: ConfigLevel;
  configVersion: string;
}

type Items = Map<string, string>;

/** Service-level and KerberosServer-role-level items, from any of the accepted read shapes. */
export function configLevels(resObj: ServiceConfigResObj): { service: Items; role: Items } {
  const service: Items = new Map();
  const role: Items = new Map();
  const add = (into: Items, items: { name: string; value: string }[] | null | undefined) => items?.forEach((i) => into.has(i.name) || into.set(i.name, i.value));
  const addRoles = (groups: ServiceConfigResObj['children']) => groups?.filter((g) => g.role_name === KRB.role).forEach((g) => add(role, g.configurations));
  add(service, resObj.configurations);
  addRoles(resObj.children);
  for (const component of [...(resObj.components ?? []), ...(resObj.configurations_summary?.components ?? [])]) {
    if (component.component_name !== KRB.service) continue;
    add(service, component.configurations);
    addRoles(component.children);
  }
  return { service, role };
}

function find(levels: { service: Items; role: Items }, name: string): { value: string; level: ConfigLevel } | undefined {
  const atService = levels.service.get(name);
  if (atService !== undefined) return { value: atService, level: 'service' };
  const atRole = levels.role.get(name);
  return atRole === undefined ? undefined : { value: atRole, level: 'role' };
}

/**
 * ASSUMED: `GET /web/v1/config/cluster/1/service/KrbServer` → `res_obj` with `default_realm`,
 * `kdc_ports` and `peer_realms` at service level or under the KerberosServer role (see
 * serviceConfigResObjSchema); `peer_realms` is a JSON array of `{realm_name, ip_port}` rows.
 */
export async function readKrbConfig(http: ManagerHttp): Promise<KrbConfig> {
  const path = ASSUMED_PATHS.serviceConfig(KRB.service);
  const endpoint = `GET ${path}`;
  const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + path, endpoint, schema: envelopeOf(serviceConfigResObjSchema), read: true });
  const levels = configLevels(reply.res_obj);
  const bad = (what: string) => new RemoteError('MANAGER_BAD_REPLY', `${http.cluster.name}: ${endpoint}: ${what}`, { details: { cluster: http.cluster.name, endpoint } });
  const realm = find(levels, KRB.realm)?.value || undefined;
  const portItem = find(levels, KRB.ports);
  let port: KrbConfig['port'];
  if (portItem) {
    const value = Number(portItem.value.trim());
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw bad(`${KRB.ports} is "${portItem.value}", not a port number`);
    port = { value, level: portItem.level };
  }
  const peersItem = find(levels, KRB.peers);
  const peers = decodePeerRealms(peersItem?.value ?? '', bad);
  const version = reply.res_obj.config_version;
  const configVersion =
    version !== undefined && version !== null
      ? String(version)
      : `sha256:${createHash('sha256').update(JSON.stringify([[...levels.service.entries()].sort(), [...levels.role.entries()].sort()])).digest('hex').slice(0, 16)}`;
  return { ...(realm ? { realm } : {}), ...(port ? { port } : {}), peers, peersLevel: peersItem?.level ?? 'service', configVersion };
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

/**
 * KDCs = the OM IP (`ip_address`) of each host running a KerberosServer instance, on
 * `kdc_ports`. A missing realm is a bad reply (exit 4); a missing `kdc_ports` is refused (exit 3):
 * the port is never guessed.
 */
export function kerberosFacts(config: KrbConfig, hosts: WireHost[], site: { cluster: string; endpoint: string }): KerberosFacts {
  if (!config.realm) throw new RemoteError('MANAGER_BAD_REPLY', `${site.cluster}: ${site.endpoint}: no ${KRB.realm} in the KrbServer configuration`, { details: site });
  if (!config.port) {
    throw new CheckError('KDC_PORT_UNKNOWN', `${site.cluster}: ${site.endpoint} has no ${KRB.ports} at KrbServer service level or under the ${KRB.role} role; the KDC port is not guessed; nothing was written`, {
      hint: `set clusters.${site.cluster}.manager.discovery: krb5conf (the KDCs and their ports then come from a node's client krb5.conf)`,
      details: site,
    });
  }
  const port = config.port.value;
  const kdcHosts = hosts.filter((h) => h.instances.some((i) => i.role_name === KRB.role && i.service_name === KRB.service));
  const kdcs = kdcHosts.map((h) => ({ ip: h.ip_address, port })).filter((k) => isIp(k.ip));
  const where = config.port.level === 'service' ? 'KrbServer service level' : `the ${KRB.role} role`;
  return { realm: config.realm, kdcs, peers: config.peers, configVersion: config.configVersion, kdcSource: `${KRB.ports} ${port} from ${where} (${site.endpoint})` };
}

/** The documented save body, carrying `peer_realms` at the level it was read from. */
export function saveBody(peers: readonly PeerEntry[], restart: boolean, userPassword: string, level: ConfigLevel = 'service'): SaveBody {
  const item = [{ name: KRB.peers, value: encodePeerRealms(peers) }];
  const component =
    level === 'service'
      ? { component_name: KRB.service, configurations: item, children: [] }
      : { component_name: KRB.service, configurations: [], children: [{ role_name: KRB.role, configurations: item, children: [] }] };
  return { id: -1, user_password: userPassword, configurations_summary: { restart_affected_components: restart, components: [component] } };
}

export const saveReplySchema = envelopeOf(saveResObjSchema);
