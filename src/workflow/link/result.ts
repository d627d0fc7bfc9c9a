import { z } from 'zod';

const peerEntry = z.object({ realm_name: z.string(), ip_port: z.string() });

/** The `--json` document of `link` and `unlink` (schemas/link-result.schema.json). */
export const linkResultSchema = z.object({
  ok: z.boolean(),
  action: z.enum(['link', 'unlink']),
  clusters: z.tuple([z.string(), z.string()]),
  dryRun: z.boolean(),
  changed: z.boolean().describe('true when any peer_realms was written (or would be, in a dry run)'),
  sides: z.array(
    z.object({
      cluster: z.string(),
      realm: z.string(),
      change: z.enum(['added', 'updated', 'unchanged', 'removed', 'absent']),
      peer: z.string().describe('the other side realm'),
      before: peerEntry.optional(),
      after: peerEntry.optional(),
      peersAfter: z.array(peerEntry),
      restarted: z.boolean(),
      configVersion: z.object({ before: z.string(), after: z.string().optional() }),
    }),
  ),
  steps: z.array(
    z.object({
      id: z.string(),
      scope: z.string().optional(),
      status: z.enum(['done', 'skipped', 'failed']),
      message: z.string().optional(),
    }),
  ),
  plannedWrites: z
    .array(z.object({ type: z.enum(['save-peer-realms', 'restart-services', 'stop-service', 'start-service']), cluster: z.string() }).loose())
    .optional()
    .describe('dry run only: the writes the run would have made'),
  precheck: z.object({ summary: z.string(), skipped: z.string().optional() }).loose().optional(),
  clients: z.object({ summary: z.string() }).loose().optional(),
  tickets: z
    .record(z.string(), z.object({ service: z.string(), kvno: z.number(), host: z.string() }))
    .optional()
    .describe('verify-ticket: per cluster, the peer service ticket its user obtained, and where'),
  journal: z.string().optional().describe('path of the run journal'),
});

export type LinkResult = z.infer<typeof linkResultSchema>;
