import { access, constants } from 'node:fs/promises';
import { loadConfig, type ClusterConfig } from '../../config/load.js';
import { resolveSecret } from '../../config/secrets.js';
import type { SecretRef } from '../../config/schema.js';
import { ConfigError } from '../../errors/index.js';
import type { CliContext } from '../context.js';

interface Reference {
  field: string;
  secret?: SecretRef;
  file?: string;
}

/** The passwords of the ticket test and of the KDC administrator. */
function kerberosRefs(c: ClusterConfig, at: string): Reference[] {
  const refs: Reference[] = [];
  if (c.verify) refs.push({ field: `${at}.verify.password`, secret: c.verify.password });
  if (c.kerberos?.admin) refs.push({ field: `${at}.kerberos.admin.password`, secret: c.kerberos.admin.password });
  return refs;
}

/** Every secret and file a cluster entry points at, with its field path. */
function references(c: ClusterConfig): Reference[] {
  const at = `clusters.${c.name}`;
  const refs: Reference[] = [{ field: `${at}.manager.password`, secret: c.manager.password }];
  if (c.manager.tls?.ca) refs.push({ field: `${at}.manager.tls.ca`, file: c.manager.tls.ca });
  const auth = c.cloud?.auth;
  for (const key of ['ak', 'sk', 'token', 'password'] as const) {
    const secret = auth?.[key];
    if (secret) refs.push({ field: `${at}.cloud.auth.${key}`, secret });
  }
  if (c.cloud?.tls?.ca) refs.push({ field: `${at}.cloud.tls.ca`, file: c.cloud.tls.ca });
  refs.push(...kerberosRefs(c, at));
  for (const [kind, list] of [['nodes', c.nodes ?? []], ['clients', c.clients ?? []]] as const) {
    list.forEach((t, i) => {
      const f = `${at}.${kind}[${i}]`;
      if (t.key) refs.push({ field: `${f}.key`, file: t.key });
      if (t.knownHosts) refs.push({ field: `${f}.knownHosts`, file: t.knownHosts });
      if (t.keyPassphrase) refs.push({ field: `${f}.keyPassphrase`, secret: t.keyPassphrase });
      if (t.password) refs.push({ field: `${f}.password`, secret: t.password });
    });
  }
  return refs;
}

async function checkReference(ref: Reference, env: NodeJS.ProcessEnv): Promise<void> {
  if (ref.secret) {
    await resolveSecret(ref.secret, ref.field, env);
    return;
  }
  try {
    await access(ref.file as string, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(ref.field, `cannot read ${ref.file} (${code === 'ENOENT' ? 'not found' : code ?? 'error'})`, { cause: error });
  }
}

export async function run(ctx: CliContext): Promise<void> {
  const config = await loadConfig(ctx.global.config);
  const clusters = Object.values(config.clusters);
  for (const cluster of clusters) {
    for (const ref of references(cluster)) await checkReference(ref, ctx.env);
  }
  const summary = clusters.map((c) => ({
    name: c.name,
    type: c.type,
    manager: c.manager.url,
    tls: c.manager.tls?.fingerprint ? 'pinned' : c.manager.tls?.ca ? 'ca' : c.manager.tls?.insecure ? 'insecure' : 'system',
    mrsVersion: c.mrsVersion ?? 'discover',
    cloud: Boolean(c.cloud),
    nodes: c.nodes?.length ?? 0,
    clients: c.clients?.length ?? 0,
  }));
  for (const c of summary) if (c.tls === 'insecure') ctx.out.warn(`clusters.${c.name}.manager.tls.insecure: the Manager certificate will not be verified`);
  ctx.out.result({ ok: true, config: config.path, clusters: summary }, () => [
    `${config.path}: valid, ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`,
    ...summary.map((c) => `  ${c.name}: ${c.type}, ${c.manager}, TLS ${c.tls}, MRS ${c.mrsVersion}, ${c.clients} client host(s), ${c.nodes} node(s)${c.cloud ? ', cloud' : ''}`),
  ]);
}
