import { z } from '../../zod.js';
import { CAUSE_IDS } from '../../domain/ssh-doctor/causes.js';

/**
 * The `ssh doctor --json` document: one entry per ordered pair, each with its causes. zod is the
 * source of truth; `schemas/ssh-doctor.schema.json` is generated from it.
 */
const actionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chmod'), path: z.string(), mode: z.number().int() }),
  z.object({ kind: z.literal('chown'), path: z.string(), user: z.string() }),
  z.object({ kind: z.literal('add-authorized-key'), user: z.string(), file: z.string(), line: z.string() }),
  z.object({ kind: z.literal('replace-known-host'), name: z.string(), line: z.string() }),
]);

export const causeSchema = z.object({
  id: z.enum(CAUSE_IDS).describe('stable cause id (table in docs/ssh-trust.md)'),
  host: z.string().describe('user@host:port where the problem lives and where the fix applies'),
  summary: z.string(),
  checked: z.string().describe('what was checked to find it'),
  evidence: z.string().describe('what the check saw'),
  fix: z.string().describe('the exact fix (a command to run on host, or the change to make)'),
  fixable: z.boolean().describe('--fix applies it'),
  action: actionSchema.optional(),
  notFixableBecause: z.string().optional(),
});

export const pairSchema = z.object({
  from: z.string(),
  to: z.string(),
  status: z.enum(['ok', 'failed', 'unchecked']).describe('ok: plain ssh from `from` to `to` logs in and prints nothing; unchecked: it could not be tried'),
  outcome: z.string().optional().describe("what the source's ssh reported: ok, refused, timeout, auth-refused, host-key-changed, …"),
  causes: z.array(causeSchema),
  unchecked: z.array(z.string()).describe('checks that could not run, and why'),
});

export const doctorHostSchema = z.object({
  label: z.string(),
  login: z.union([z.literal('ok'), z.object({ code: z.string(), message: z.string() })]).describe("this machine's login as the trust user"),
  inspected: z.boolean(),
  inspectedAs: z.string().optional(),
  inspectError: z.string().optional(),
});

export const fixReportSchema = z.object({
  host: z.string(),
  cause: z.enum(CAUSE_IDS),
  pairs: z.array(z.string()),
  command: z.string(),
  status: z.enum(['applied', 'failed']),
  message: z.string().optional(),
});

const summarySchema = z.object({ pairs: z.number().int(), ok: z.number().int(), failed: z.number().int(), unchecked: z.number().int() });

export const sshDoctorResultSchema = z.object({
  ok: z.boolean().describe('every ordered pair works'),
  hostFile: z.string(),
  hosts: z.array(doctorHostSchema),
  pairs: z.array(pairSchema).describe('after the fixes when --fix applied any'),
  before: z.array(pairSchema).optional().describe('with --fix: the verdicts before the fixes'),
  fixes: z.array(fixReportSchema),
  summary: summarySchema,
  beforeSummary: summarySchema.optional(),
});
export type SshDoctorResult = z.infer<typeof sshDoctorResultSchema>;
