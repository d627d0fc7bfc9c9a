import { z } from 'zod';

const fixRule = z.object({ cluster: z.string(), securityGroupId: z.string(), remoteGroupId: z.string(), description: z.string() });

export const sgFindingSchema = z.object({
  check: z.literal('security-groups'),
  cluster: z.string().describe('the cluster owning the group'),
  peer: z.string().describe('the cluster that must be admitted'),
  securityGroupId: z.string(),
  status: z.enum(['pass', 'partial', 'fail', 'unknown']).describe('unknown: the rules could not be read (never a pass)'),
  summary: z.string(),
  expected: z.array(z.string()),
  found: z.array(z.string()).describe('the rules of this group that concern the peer, as `id: direction ethertype protocol ports from source`'),
  missing: z.array(z.string()).describe('required traffic not admitted, e.g. `UDP 21732 (KDC) from 10.0.1.11`'),
  fix: z.array(fixRule).describe('the exact rules that would make this group pass'),
});

const addedRule = fixRule.extend({ ruleId: z.string().optional(), created: z.boolean().describe('false: it was already there (VPC.9902)') });

/** The `--json` document of `precheck` (schemas/precheck.schema.json). */
export const precheckResultSchema = z.object({
  ok: z.boolean().describe('true when every check passed (after --fix, when given)'),
  clusters: z.tuple([z.string(), z.string()]),
  source: z.enum(['api', 'rules-file']).describe('where the rules came from'),
  checks: z.array(
    z.object({
      name: z.literal('security-groups'),
      status: z.enum(['pass', 'fail']),
      sides: z.array(z.object({ cluster: z.string(), securityGroupIds: z.array(z.string()), nodeIps: z.array(z.string()), kdcPorts: z.array(z.number().int()) })),
      findings: z.array(sgFindingSchema),
    }),
  ),
  fix: z
    .object({
      requested: z.boolean(),
      added: z.array(addedRule).describe('rules this run created or found already present; those with created=true are journaled for rollback'),
      journal: z.string().optional(),
      /** Findings before the fix (the top-level checks are re-read after it). */
      before: z.array(sgFindingSchema),
    })
    .optional(),
});
export type PrecheckResult = z.infer<typeof precheckResultSchema>;
export type AddedRule = z.infer<typeof addedRule>;
