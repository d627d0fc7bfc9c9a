import { z } from '../../zod.js';

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

const checkSchema = z.object({
  name: z.string().describe('stable check id: security-groups, manager-reachable, manager-login, kerberos-mode, mrs-version, realm, kdcs-found, health, peer-limit, realms-distinct, shared-hostnames, shared-ips, cross-realm-password, default-password, kdc-reachable, clock-skew'),
  status: z.enum(['pass', 'warn', 'fail', 'unknown']).describe('unknown: could not be told (never a pass)'),
  group: z.enum(['rules', 'network', 'security-groups']).optional().describe('rules: from the Managers\' facts; network: measured from where the tool runs'),
  cluster: z.string().optional().describe('the cluster it is about; absent for checks of the pair'),
  title: z.string().optional(),
  expected: z.string().optional(),
  found: z.array(z.string()).optional(),
  fixSteps: z.array(z.string()).optional().describe('exact commands or console steps that make it pass'),
  code: z.string().optional().describe('stable problem code of a failure (as in the link preflight)'),
  /** security-groups only: */
  sides: z.array(z.object({ cluster: z.string(), securityGroupIds: z.array(z.string()), nodeIps: z.array(z.string()), kdcPorts: z.array(z.number().int()) })).optional(),
  findings: z.array(sgFindingSchema).optional(),
});

/** The `--json` document of `precheck` (schemas/precheck.schema.json). */
export const precheckResultSchema = z.object({
  ok: z.boolean().describe('true when no check failed (with --strict: also none warn or unknown), after --fix when given'),
  strict: z.boolean().optional(),
  clusters: z.tuple([z.string(), z.string()]),
  source: z.enum(['api', 'rules-file', 'none']).describe('where the security-group rules came from (none: not checked)'),
  counts: z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int(), unknown: z.number().int() }).optional(),
  only: z.array(z.string()).optional().describe('the check areas that ran (--only)'),
  facts: z
    .array(z.object({ cluster: z.string(), realm: z.string(), mrsVersion: z.string(), kdcs: z.array(z.string()), managerUrl: z.string().optional() }))
    .optional()
    .describe('what discovery read from each Manager'),
  checks: z.array(checkSchema).describe('security-groups first (when checked), then the others in the order they ran'),
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
export type PrecheckCheck = z.infer<typeof checkSchema>;
export type PrecheckResult = z.infer<typeof precheckResultSchema>;
export type AddedRule = z.infer<typeof addedRule>;
