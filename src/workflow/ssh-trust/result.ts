import { createHash } from 'node:crypto';
import { z } from '../../zod.js';
import { summarize } from '../../domain/ssh-matrix.js';
import type { StepReport } from '../engine.js';
import type { SshTrustContext } from './types.js';

/**
 * The `ssh trust --json` / `ssh revoke --json` document. zod is the source of truth;
 * `schemas/ssh-trust.schema.json` is generated from it.
 */
const changeSchema = z.object({
  action: z.enum(['generate-key', 'append', 'remove-lines', 'chmod', 'remove-key-pair', 'set-hostnames']),
  path: z.string().describe('relative to the user\'s home (.ssh/authorized_keys), or /etc/hosts'),
  lines: z.array(z.string()).optional().describe('lines added or removed (public keys and host keys only; never a secret)'),
  mode: z.string().optional().describe('octal mode set by chmod'),
});

const hostSchema = z.object({
  label: z.string().describe('user@host:port (IPv6 in brackets)'),
  line: z.number().int().describe('line in the host file'),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  status: z.enum(['changed', 'unchanged', 'failed']).describe('changed: something was (or in a dry run would be) written; failed: see error'),
  hostKey: z.object({ type: z.string(), fingerprint: z.string(), source: z.enum(['known', 'pinned', 'accepted', 'confirmed']) }).optional(),
  key: z.object({ type: z.string(), fingerprint: z.string().optional().describe('absent while a dry run only would generate it'), generated: z.boolean() }).optional().describe("the host's own key (~/.ssh/id_ed25519)"),
  changes: z.array(changeSchema),
  conflicts: z.array(z.string()).describe('known_hosts names bound to another key (left alone)'),
  error: z.object({ step: z.string(), code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});

const pairSchema = z.object({
  from: z.string(),
  to: z.string(),
  status: z.enum(['ok', 'failed', 'not-run']).describe('not-run: one side failed before the check; never counted as trusted'),
  reason: z.string().optional(),
});

export const sshTrustResultSchema = z.object({
  ok: z.boolean().describe('trust: every host done and every ordered pair logs in; revoke: every host done'),
  action: z.enum(['trust', 'revoke']),
  dryRun: z.boolean(),
  changed: z.boolean().describe('false: nothing was (or would be) written anywhere'),
  hostFile: z.string(),
  hosts: z.array(hostSchema),
  duplicates: z.array(z.object({ line: z.number().int(), firstLine: z.number().int(), label: z.string() })).describe('host file lines dropped as repeats'),
  matrix: z
    .object({ verified: z.boolean().describe('false when the check did not run (dry run, revoke)'), total: z.number().int(), ok: z.number().int(), failed: z.number().int(), notRun: z.number().int(), pairs: z.array(pairSchema) })
    .describe('the N×N BatchMode login check'),
  steps: z.array(z.object({ id: z.string(), status: z.enum(['done', 'skipped', 'failed']), message: z.string().optional() })),
});

export type SshTrustResult = z.infer<typeof sshTrustResultSchema>;
type HostResult = SshTrustResult['hosts'][number];

/** `SHA256:…` as `ssh-keygen -lf` prints it. */
function fingerprint(base64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

function hostResult(h: SshTrustContext['hosts'][number]): HostResult {
  const status = h.failure ? 'failed' : h.changes.length > 0 ? 'changed' : 'unchanged';
  const key = h.key === undefined ? undefined : h.key === 'pending' ? { type: 'ssh-ed25519', generated: true } : { type: h.key.type, fingerprint: fingerprint(h.key.base64), generated: h.key.generated };
  return {
    label: h.entry.label,
    line: h.entry.line,
    host: h.entry.host,
    port: h.entry.port,
    user: h.entry.user,
    status,
    ...(h.hostKey ? { hostKey: { type: h.hostKey.type, fingerprint: h.hostKey.fingerprint, source: h.hostKey.source } } : {}),
    ...(key ? { key } : {}),
    changes: h.changes,
    conflicts: h.conflicts,
    ...(h.failure ? { error: h.failure } : {}),
  };
}

export function buildResult(ctx: SshTrustContext, hostFile: string, duplicates: SshTrustResult['duplicates'], steps: StepReport[]): SshTrustResult {
  const hosts = ctx.hosts.map(hostResult);
  const summary = summarize(ctx.pairs);
  const hostsOk = hosts.every((h) => h.status !== 'failed');
  const ok = ctx.request.action === 'trust' ? hostsOk && (ctx.request.dryRun || summary.allOk) : hostsOk;
  return {
    ok,
    action: ctx.request.action,
    dryRun: ctx.request.dryRun,
    changed: hosts.some((h) => h.changes.length > 0),
    hostFile,
    hosts,
    duplicates,
    matrix: { verified: ctx.verified, total: summary.total, ok: summary.ok, failed: summary.failed, notRun: summary.notRun, pairs: ctx.pairs },
    steps: steps.map((s) => ({ id: s.id, status: s.status, ...(s.message ? { message: s.message } : {}) })),
  };
}
