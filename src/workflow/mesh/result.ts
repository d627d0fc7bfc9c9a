import { z } from '../../zod.js';

const peerEntry = z.object({ realm_name: z.string(), ip_port: z.string() });
const change = z.object({ kind: z.enum(['added', 'updated', 'removed']), realm: z.string(), before: peerEntry.optional(), after: peerEntry.optional() });
const direction = z.enum(['ok', 'stale', 'none']);

/** The `--json` document of `mesh plan|apply|resume|rollback|status` (schemas/mesh-result.schema.json). */
export const meshResultSchema = z.object({
  ok: z.boolean().describe('false when some clusters failed (exit 5)'),
  action: z.enum(['plan', 'apply', 'resume', 'rollback', 'status']),
  clusters: z.array(z.string()),
  pairs: z.array(z.tuple([z.string(), z.string()])),
  dryRun: z.boolean(),
  changed: z.boolean().describe('true when any peer_realms was written (or would be, in a plan or dry run)'),
  sides: z.array(
    z.object({
      cluster: z.string(),
      realm: z.string(),
      changes: z.array(change),
      peersAfter: z.array(peerEntry),
      restarted: z.boolean(),
      outcome: z.enum(['changed', 'unchanged', 'planned', 'failed']),
      error: z.object({ code: z.string(), message: z.string(), step: z.string() }).optional(),
    }),
  ),
  steps: z.array(z.object({ id: z.string(), scope: z.string().optional(), status: z.enum(['done', 'skipped', 'failed']), message: z.string().optional() })),
  restarts: z.record(z.string(), z.number()).describe('KrbServer restarts this run made, per cluster (at most 1)'),
  matrix: z.record(z.string(), z.record(z.string(), direction)).optional().describe('matrix[from][to]: from lists to with its current KDCs (ok), with other KDCs (stale), or not (none)'),
  trusts: z.array(z.object({ a: z.string(), b: z.string(), state: z.enum(['both', 'one-way', 'none', 'stale']) })).optional(),
  clients: z.object({ summary: z.string() }).loose().optional(),
  tickets: z.record(z.string(), z.object({ service: z.string(), kvno: z.number(), host: z.string() })).optional(),
  journal: z.string().optional(),
});

export type MeshResult = z.infer<typeof meshResultSchema>;
