import { z } from '../../zod.js';

const peerEntry = z.object({ realm_name: z.string(), ip_port: z.string() });

/** The `--json` document of `link`, `unlink`, `rollback`, `apply` and `resume` (schemas/link-result.schema.json). */
export const linkResultSchema = z.object({
  ok: z.boolean(),
  action: z.enum(['link', 'unlink', 'rollback']),
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
      rollback: z
        .enum(['undo', 'already', 'kept'])
        .optional()
        .describe('rollback: undo = the journaled change is undone; already = the row was already as before; kept = someone else changed the row since, so it was kept'),
      mrs3: z
        .enum(['two-way', 'one-way-local', 'one-way-peer'])
        .optional()
        .describe('MRS 3.x side: set through the console checklist and restart-RealmConfig.sh (docs/mrs3.md); absent for a 2.x side'),
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
  securityGroupRulesRemoved: z
    .array(z.object({ cluster: z.string(), ruleId: z.string() }))
    .optional()
    .describe('rollback: the security-group rules precheck --fix had added, removed (in a dry run: that would be)'),
  resumedRun: z.string().optional().describe('resume: the run id of the journal that was continued'),
  planFile: z.string().optional().describe('apply: the plan file that was carried out'),
  oneWay: z.boolean().optional().describe('--one-way (MRS 3.6.0+): the first cluster\'s users may use the second; only that direction is set up and tested'),
  manualSteps: z
    .array(
      z.object({
        id: z.string().describe('console-<cluster> or start-<cluster>'),
        cluster: z.string(),
        phase: z.enum(['console', 'start']),
        confirmed: z.boolean(),
        confirmedBy: z.enum(['terminal', 'resume']).optional(),
        lines: z.array(z.string()).describe('the checklist as printed (never a secret)'),
      }),
    )
    .optional()
    .describe('MRS 3.x: the console checklists of this run (also in the journal) and whether each was done'),
});

export type LinkResult = z.infer<typeof linkResultSchema>;
