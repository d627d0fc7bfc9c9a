import { z } from '../../zod.js';

/**
 * The `clients refresh --json` document (and the `refresh-clients` part of a link report).
 * zod is the source of truth; `schemas/clients-refresh.schema.json` is generated from it.
 */
export const hostStatusSchema = z.enum(['ok', 'failed', 'unreachable', 'skipped']).describe('ok; failed (see reason); unreachable (no SSH session); skipped (already current)');

export const hostResultSchema = z.object({
  cluster: z.string().describe('the cluster whose clients list names this host'),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  clientDir: z.string(),
  /** Clusters whose configuration this host receives, in the order applied. */
  sources: z.array(z.string()),
  status: hostStatusSchema,
  /** Stable code of the failure (e.g. HOST_KEY_CHANGED, UPLOAD_DIR_NOT_WRITABLE, REFRESH_FAILED). */
  code: z.string().optional(),
  reason: z.string().optional().describe('one line: why the host failed or was skipped'),
  /** The per-host step that failed (connect, check-upload-dir, upload, …). */
  step: z.string().optional(),
  attempts: z.number().int().min(0).describe('connection attempts (retries happen only for transport errors before the script starts)'),
  durationMs: z.number().int().min(0),
  /** Realms the client krb5.conf names after the refresh. */
  realms: z.array(z.string()).optional(),
});

export const tarballResultSchema = z.object({
  cluster: z.string(),
  origin: z.enum(['flag', 'node', 'manager']).describe('--tarball, SFTP from a cluster node, or the Manager download'),
  from: z.string().describe('local path, user@node:path, or the Manager URL'),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** default_realm of the krb5.conf inside the tarball, when it has one. */
  realm: z.string().optional(),
  realms: z.array(z.string()),
});

export const clientRefreshResultSchema = z.object({
  ok: z.boolean().describe('true when no host failed or was unreachable'),
  scenario: z.union([z.literal(1), z.literal(2)]).describe('1: each cluster its own config; 2: each config also to the other cluster'),
  clusters: z.array(z.string()),
  tarballs: z.array(tarballResultSchema),
  hosts: z.array(hostResultSchema),
  summary: z.object({ ok: z.number().int(), failed: z.number().int(), unreachable: z.number().int(), skipped: z.number().int() }),
});

export type HostStatus = z.infer<typeof hostStatusSchema>;
export type HostResult = z.infer<typeof hostResultSchema>;
export type TarballResult = z.infer<typeof tarballResultSchema>;
export type ClientRefreshResult = z.infer<typeof clientRefreshResultSchema>;
