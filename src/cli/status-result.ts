import { z } from '../zod.js';

const health = z.enum(['GOOD', 'CONCERNING', 'BAD', 'UNKNOWN']);

/** The `--json` document of `mrs-trust status` (schemas/status.schema.json). */
export const statusResultSchema = z.object({
  ok: z.literal(true),
  clusters: z.array(
    z.object({
      name: z.string().describe('name in clusters.yaml'),
      manager: z.string().describe('Manager URL'),
      managerName: z.string().describe("the Manager's own cluster name"),
      mrsVersion: z.string().describe("the Manager's version field as it reports it (MRS 2.1.0, or an internal build string such as 6.5.1)"),
      versionUsed: z.string().optional().describe('the MRS version the tool works with (2.1.0; 2.x when only the 2.x API answered)'),
      versionSource: z.enum(['clusters.yaml', 'manager', 'cloud', 'assumed']).optional().describe('where versionUsed came from: clusters.yaml mrsVersion always wins'),
      kerberos: z.boolean(),
      state: z.enum(['GOOD', 'BAD', 'UNKNOWN']),
      realm: z.string().describe('default_realm; empty when Kerberos is off'),
      kdcs: z.array(z.string()).describe('KerberosServer instances as ip:port'),
      kdcSource: z.string().optional().describe('where realm and KDC ports came from (kdc_ports and its level, or the krb5.conf read)'),
      configVersion: z.string().optional(),
      peers: z.array(
        z.object({
          realm_name: z.string(),
          ip_port: z.string(),
          cluster: z.string().optional().describe('the cluster of this status call whose realm this row names'),
          kdcsMatch: z.boolean().optional().describe('whether ip_port lists exactly that cluster\'s current KDCs'),
        }),
      ),
      services: z.array(z.object({ name: z.string(), health })),
      healthy: z.boolean().describe('every service GOOD (false when health was not read)'),
      healthRead: z.literal(false).optional().describe('present (false) when no service health could be read: MRS 3.x has no public API for it'),
    }),
  ),
  trust: z
    .array(
      z.object({
        a: z.string(),
        b: z.string(),
        aNamesB: z.boolean(),
        bNamesA: z.boolean(),
        state: z.enum(['linked', 'one-sided', 'none', 'stale']).describe('stale: both name each other but some ip_port lists other KDCs'),
        lastVerify: z
          .object({
            checkedAt: z.string(),
            by: z.enum(['verify', 'rotate']).optional().describe('rotate: the closing checks of a rotation; absent: verify'),
            ok: z.boolean(),
            failed: z.array(z.string()).describe('"<check> <cluster>: <cause>" of each failed check'),
            warnings: z.array(z.string()),
          })
          .optional()
          .describe('the last `mrs-trust verify` (or rotate) of this pair, from the state directory'),
        restartPending: z
          .array(z.string())
          .optional()
          .describe('clusters whose peer_realms a journaled run saved without finishing the KrbServer restart (`resume` or `link` finishes it)'),
        lastRun: z
          .object({ action: z.string(), status: z.string(), updatedAt: z.string() })
          .optional()
          .describe("the pair's last journaled run (link, unlink, rollback …)"),
      }),
    )
    .describe('one entry per pair of the clusters asked about'),
  warnings: z.array(z.object({ code: z.string(), cluster: z.string().optional(), message: z.string() })).optional().describe('e.g. the default cross-realm password still works'),
});
export type StatusResult = z.infer<typeof statusResultSchema>;
