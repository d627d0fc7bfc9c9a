import type { z } from 'zod';
import { clientSchema, cloudSchema, clusterSchema, clustersFileSchema, kerberosAdminSchema, managerSchema, secretRefSchema, tlsSchema, verifySchema } from './schema.js';
import { friendlyError } from './issues.js';

/**
 * One-field validators for interactive answers, taken from the `clusters.yaml` schema itself so
 * the wizard and `config check` can never disagree (no regex is repeated here). Each returns
 * `true` or the same reason the config file would get.
 */
export type FieldCheck = (value: unknown) => true | string;

function check(schema: z.ZodType): FieldCheck {
  return (value) => {
    const parsed = schema.safeParse(value, { error: friendlyError });
    return parsed.success ? true : (parsed.error.issues[0]?.message ?? 'invalid');
  };
}

const manager = managerSchema.shape;
const client = clientSchema.shape;

export const fieldChecks = {
  /** A key under `clusters:`. */
  clusterName: check(clustersFileSchema.shape.clusters.keyType),
  type: check(clusterSchema.shape.type),
  managerUrl: check(manager.url),
  managerUser: check(manager.user),
  /** `{ env: NAME }` or `{ file: PATH }`. */
  secretRef: check(secretRefSchema),
  tlsFingerprint: check(tlsSchema.shape.fingerprint.unwrap()),
  tlsCa: check(tlsSchema.shape.ca.unwrap()),
  host: check(client.host),
  port: check(client.port),
  sshUser: check(client.user),
  hostKey: check(client.hostKey.unwrap()),
  clientDir: check(client.clientDir),
  /** `verify.principal`, `verify.service`, `kerberos.admin.principal`. */
  verifyPrincipal: check(verifySchema.shape.principal),
  verifyService: check(verifySchema.shape.service),
  adminPrincipal: check(kerberosAdminSchema.shape.principal),
  /** `cloud.region`, `cloud.projectId`, `cloud.clusterId`. */
  cloudRegion: check(cloudSchema.shape.region),
  cloudProjectId: check(cloudSchema.shape.projectId),
  cloudClusterId: check(cloudSchema.shape.clusterId),
} as const satisfies Record<string, FieldCheck>;

/** Whole-entry check, after the field answers are assembled (cross-field rules). */
export function checkClusterEntry(entry: unknown): { ok: true; entry: z.infer<typeof clusterSchema> } | { ok: false; path: string; reason: string } {
  const parsed = clusterSchema.safeParse(entry, { error: friendlyError });
  if (parsed.success) return { ok: true, entry: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, path: (issue?.path ?? []).join('.'), reason: issue?.message ?? 'invalid' };
}
