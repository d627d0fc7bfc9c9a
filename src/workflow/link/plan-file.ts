import { z } from '../../zod.js';
import { PLAN_VERSION, type Plan } from '../../domain/plan.js';

/** Bumped when the plan file's envelope changes; `apply` refuses a version it cannot read. */
export const PLAN_FILE_VERSION = 1;

const peerEntry = z.strictObject({ realm_name: z.string(), ip_port: z.string() });
const peerChange = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('added'), realm: z.string(), after: peerEntry }),
  z.strictObject({ kind: z.literal('updated'), realm: z.string(), before: peerEntry, after: peerEntry }),
  z.strictObject({ kind: z.literal('unchanged'), realm: z.string(), entry: peerEntry }),
  z.strictObject({ kind: z.literal('removed'), realm: z.string(), before: peerEntry }),
  z.strictObject({ kind: z.literal('absent'), realm: z.string() }),
]);

const sidePlan = z.strictObject({
  cluster: z.string(),
  realm: z.string(),
  mrsVersion: z.string(),
  configVersion: z.string().describe('the KrbServer config version the plan was computed from; apply refuses when it moved'),
  peersBefore: z.array(peerEntry),
  peersAfter: z.array(peerEntry),
  change: peerChange,
  restart: z.array(z.string()),
  securityGroupRules: z.array(z.strictObject({ cluster: z.string(), securityGroupId: z.string(), remoteGroupId: z.string(), description: z.string() })),
  clientHosts: z.array(z.string()),
  restartPendingBefore: z.boolean().optional(),
  securityGroupRulesToRemove: z.array(z.string()).optional(),
  rollback: z.strictObject({ undoing: peerChange, outcome: z.enum(['undo', 'already', 'kept']) }).optional(),
  mrs3: z
    .strictObject({ role: z.enum(['two-way', 'one-way-local', 'one-way-peer']) })
    .optional()
    .describe('MRS 3.x: the side is set through the console checklist and restart-RealmConfig.sh (docs/mrs3.md); one-way-local uses the other side, one-way-peer is used'),
});

/** The pure plan (src/domain/plan.ts) as zod: the one shape `plan --out` writes and `apply` reads. */
export const planSchema = z.strictObject({
  version: z.literal(PLAN_VERSION),
  action: z.enum(['link', 'unlink']).describe('apply carries out link and unlink plans'),
  clusters: z.tuple([z.string(), z.string()]),
  sides: z.tuple([sidePlan, sidePlan]),
});

/**
 * `plan A B --out FILE` (schemas/plan.schema.json): the plan, and what it was made for — the
 * config file and each cluster's Manager URL — so that `apply` can refuse a plan made for other
 * clusters or another config file. No secrets: the plan holds realms, KDC addresses and rows.
 */
export const planFileSchema = z.strictObject({
  kind: z.literal('mrs-trust-plan'),
  fileVersion: z.literal(PLAN_FILE_VERSION),
  createdAt: z.string(),
  config: z.strictObject({ path: z.string().describe('absolute path of the clusters.yaml the plan was made with') }),
  managers: z.record(z.string(), z.string()).describe('cluster name → Manager URL at planning time'),
  plan: planSchema,
});
export type PlanFile = z.infer<typeof planFileSchema>;

/** `plan --json`: the plan file document, and where it was written. */
export const planResultSchema = planFileSchema.extend({
  ok: z.literal(true),
  out: z.string().optional().describe('where the plan file was written (--out)'),
  changes: z.boolean().describe('false when carrying out the plan would change nothing'),
});

export const toPlan = (p: PlanFile['plan']): Plan => p as Plan;
