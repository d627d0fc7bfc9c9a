import { z } from 'zod';
import { configurationSchema, hostSchema } from './documented.js';

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

export const serviceConfigResObjSchema = z.object({
  /** Bumped on every save; when a Manager omits it the adapter hashes the configuration. */
  config_version: z.union([z.string(), z.number()]).nullish(),
  configurations: z.array(configurationSchema),
});

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
