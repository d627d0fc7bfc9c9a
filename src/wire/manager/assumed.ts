import { z } from '../../zod.js';
import { hostSchema } from './documented.js';

/**
 * Payloads NO public MRS page documents. The adapter's `src/adapters/manager/assumed.ts` and the
 * sandbox's `src/sandbox/manager/assumed-routes.ts` both follow these; docs/assumptions.md
 * ("Manager API") lists each with the reason it was chosen. Correct them here when a live
 * Manager disagrees.
 */

export const ASSUMED_PATHS = {
  /** All services with health. */
  services: '/web/v1/cluster/1/services',
  /** All hosts, each with its role instances (host object fields are documented). */
  hosts: '/web/v1/cluster/1/hosts',
  /** Service-level configuration of one service ("Service Configuration, All"). */
  serviceConfig: (service: string) => `/web/v1/config/cluster/1/service/${encodeURIComponent(service)}`,
} as const;

export const servicesResObjSchema = z.object({
  services: z.array(z.object({ service_name: z.string(), health_status: z.string(), running_status: z.string().nullish() })),
});

export const hostsResObjSchema = z.object({ hosts: z.array(hostSchema) });

/** A read `{name, value}` item: a value may come as a number or null (kept as text). */
export const readConfigurationSchema = z.object({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullish().transform((v) => (v === null || v === undefined ? '' : String(v))),
});
const roleGroupSchema = z.object({ role_name: z.string(), configurations: z.array(readConfigurationSchema).nullish() });
const componentSchema = z.object({ component_name: z.string(), configurations: z.array(readConfigurationSchema).nullish(), children: z.array(roleGroupSchema).nullish() });

/**
 * The KrbServer configuration read, in any of the shapes a Manager may plausibly use: items at
 * service level (`configurations`), at role level (`children[]{role_name, configurations}`, as
 * the console shows `kdc_ports` under KerberosServer), or wrapped like the save body
 * (`configurations_summary.components[]` or `components[]`). Unknown fields pass.
 */
export const serviceConfigResObjSchema = z.object({
  /** Bumped on every save; when a Manager omits it the adapter hashes the configuration. */
  config_version: z.union([z.string(), z.number()]).nullish(),
  configurations: z.array(readConfigurationSchema).nullish(),
  children: z.array(roleGroupSchema).nullish(),
  components: z.array(componentSchema).nullish(),
  configurations_summary: z.object({ components: z.array(componentSchema).nullish() }).nullish(),
});
export type ServiceConfigResObj = z.infer<typeof serviceConfigResObjSchema>;


/** `res_obj` of a save reply: the new configuration version (optional). */
export const saveResObjSchema = z.object({ config_version: z.union([z.string(), z.number()]).nullish() }).nullish();

/** One `peer_realms` row; the value of the `peer_realms` item is a JSON array of these. */
export const peerRealmRowSchema = z.object({ realm_name: z.string(), ip_port: z.string() });
export const peerRealmsValueSchema = z.array(peerRealmRowSchema);

/** KrbServer configuration item names (the names are documented; their location is not). */
export const KRB = {
  service: 'KrbServer',
  role: 'KerberosServer',
  realm: 'default_realm',
  ports: 'kdc_ports',
  peers: 'peer_realms',
} as const;
