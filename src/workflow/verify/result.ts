import { z } from '../../zod.js';

/** One check of `verify`: a step of the verify workflow, per side when it has sides. */
export const verifyCheckSchema = z.object({
  id: z.string().describe('step id: discover, verify, verify-ticket, parity, default-password'),
  scope: z.string().optional().describe('the cluster (or the direction\'s "from" cluster) the check ran for'),
  status: z.enum(['passed', 'failed', 'skipped']),
  message: z.string().optional(),
  cause: z.string().optional().describe('failed only: a named cause such as no-trust, password-mismatch, kvno-mismatch, clock-skew, kdc-unreachable, realm-missing'),
  hint: z.string().optional(),
});

/** The `--json` document of `verify` (schemas/verify-result.schema.json); also what `status` shows as the last verification. */
export const verifyResultSchema = z.object({
  ok: z.boolean().describe('every check that ran passed'),
  clusters: z.tuple([z.string(), z.string()]),
  checkedAt: z.string().describe('ISO time the verification started'),
  by: z.enum(['verify', 'rotate']).optional().describe('which command ran the checks: verify, or rotate (its closing parity and ticket test); absent = verify'),
  checks: z.array(verifyCheckSchema),
  warnings: z.array(z.object({ code: z.string(), cluster: z.string().optional(), message: z.string() })).describe('problems that do not fail verify (e.g. the default cross-realm password still works)'),
  tickets: z
    .record(z.string(), z.object({ service: z.string(), kvno: z.number(), host: z.string() }))
    .optional()
    .describe('per cluster, the peer service ticket its user obtained, and where'),
});

export type VerifyResult = z.infer<typeof verifyResultSchema>;
export type VerifyCheck = z.infer<typeof verifyCheckSchema>;
