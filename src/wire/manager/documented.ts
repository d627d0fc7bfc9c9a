import { z } from '../../zod.js';

/**
 * Payloads of the MRS 2.x Manager web API that public documentation describes
 * (reference: MRS "Manager REST API" pages; see docs/assumptions.md for what is not documented).
 * Shared by the adapter (client, parses replies) and the sandbox (server, builds replies).
 */

export const commandStateSchema = z.enum(['COMPLETE', 'FAILED', 'IN_PROGRESS']);
export type CommandState = z.infer<typeof commandStateSchema>;

/** Every reply is this envelope; `res_obj` depends on the endpoint. */
export const envelopeSchema = z.object({
  id: z.union([z.number(), z.string()]).nullish(),
  state: z.string(),
  error_code: z.union([z.string(), z.number()]).nullish(),
  error_description: z.string().nullish(),
  total_progress: z.number().nullish(),
  res_obj: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** An envelope whose `res_obj` must match `resObj`. */
export function envelopeOf<T extends z.ZodType>(resObj: T) {
  return envelopeSchema.extend({ res_obj: resObj });
}

/** `GET /web/v1/clusters` */
export const clustersResObjSchema = z.object({
  clusters: z
    .array(
      z.object({
        id: z.union([z.number(), z.string()]),
        name: z.string(),
        version: z.string(),
        /** `Sec` = security (Kerberos) cluster. */
        stack_model: z.string(),
      }),
    )
    .min(1),
});

/** `GET /web/v1/cluster/1/status` */
export const clusterStatusResObjSchema = z.object({ state: z.string() });

/**
 * Host objects as the save request schema documents them. Only what the adapter reads is
 * required (names and addresses); health and HA state are optional, unknown fields pass.
 */
export const hostInstanceSchema = z.object({
  role_name: z.string(),
  service_name: z.string(),
  health_status: z.string().nullish(),
  ha_status: z.string().nullish(),
});

export const hostSchema = z.object({
  ip_address: z.string(),
  business_ip_address: z.string().nullish(),
  host_name: z.string(),
  health_status: z.string().nullish(),
  instances: z.array(hostInstanceSchema),
});
export type WireHost = z.infer<typeof hostSchema>;

/** One `{name, value}` configuration item (save body and, assumed, the read side). */
export const configurationSchema = z.object({ name: z.string(), value: z.string() });
export type WireConfiguration = z.infer<typeof configurationSchema>;

/** `POST /web/v1/config/cluster/1/save` body. */
export const saveBodySchema = z.object({
  id: z.number(),
  user_password: z.string().optional(),
  configurations_summary: z.object({
    restart_affected_components: z.boolean(),
    components: z.array(
      z.object({
        component_name: z.string(),
        configurations: z.array(configurationSchema),
        children: z.array(
          z.object({
            role_name: z.string(),
            configurations: z.array(configurationSchema),
            // `node` is the documented host object (saving_configurations.rst), not a string.
            children: z.array(z.object({ node: z.looseObject({ host_name: z.string().optional() }), configurations: z.array(configurationSchema) })),
          }),
        ),
      }),
    ),
  }),
});
export type SaveBody = z.infer<typeof saveBodySchema>;

/** `POST /web/v1/maintain/cluster/1/service/{service}/start|stop` body. */
export const serviceActionBodySchema = z.object({ only_self: z.boolean(), user_password: z.string().optional() });

/**
 * `GET /web/v1/common/command/{id}/progress` (mrs_02_1091, "Querying the Command Execution
 * Progress"): `res_obj{cluster_id, step_list[]{name, description}, fail_entity_list[]{fail_entity,
 * operation_type}, total_step_size}`. The page names only COMPLETE and FAILED for `state` (the
 * start/stop pages add IN_PROGRESS): any other word means "still running", so `state` is any
 * string. Only what the adapter reads is required; unknown fields pass.
 */
export const progressSchema = envelopeSchema.extend({
  state: z.string(),
  res_obj: z
    .object({
      step_list: z.array(z.looseObject({ name: z.string().nullish(), description: z.string().nullish() })).nullish(),
      // Documented as objects; a bare string is tolerated (it names the failed entity).
      fail_entity_list: z
        .array(z.union([z.string(), z.looseObject({ fail_entity: z.string().nullish(), operation_type: z.string().nullish() })]))
        .nullish(),
      total_step_size: z.number().nullish(),
    })
    .loose()
    .nullish(),
});
export type WireProgress = z.infer<typeof progressSchema>;

/** `GET /web/v1/cluster/1/services/{service}` (documented): `res_obj.key_property[]{name, value, type: STATUS|TEXT}`. */
export const serviceSummaryResObjSchema = z.object({
  key_property: z.array(z.object({ name: z.string().nullish(), value: z.unknown().optional(), type: z.string().nullish() })).nullish(),
});

/** CAS (port 20009) markers documented for the login page and its failure bodies. */
export const CAS = {
  sessionCookie: 'casSessionId',
  ticketCookie: 'CASTGC',
  securitySession: 'JSESSIONID',
  plainSession: 'FISessionId',
  wrongCredentials: 'The credentials you provided cannot be determined to be authentic',
  mustChangePassword: 'modify_password.html',
} as const;

/** Documented paths (Manager cluster id is always 1). */
export const PATHS = {
  casLogin: '/cas/login',
  casLogout: '/cas/logout',
  securityCheck: '/web/cas_security_check.htm',
  loginCheck: '/web/v1/access/login_check',
  logout: '/web/v1/logout_action',
  clusters: '/web/v1/clusters',
  clusterStatus: '/web/v1/cluster/1/status',
  save: '/web/v1/config/cluster/1/save',
  serviceAction: (service: string, action: 'start' | 'stop') => `/web/v1/maintain/cluster/1/service/${encodeURIComponent(service)}/${action}`,
  progress: (id: string) => `/web/v1/common/command/${encodeURIComponent(id)}/progress`,
  /** "Querying Summary of a Specified Service" (mrs_02_1097). */
  service: (service: string) => `/web/v1/cluster/1/services/${encodeURIComponent(service)}`,
} as const;
