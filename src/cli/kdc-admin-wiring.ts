import type { ClusterConfig } from '../config/load.js';
import { resolveSecret } from '../config/secrets.js';
import { sshKdcAdmin } from '../adapters/ssh/kdc-admin.js';
import type { KdcAdmin } from '../ports/kdc-admin.js';
import type { CliContext } from './context.js';

/**
 * `kerberos.admin` of each cluster that has one, as a KdcAdmin over SSH on the configured node or
 * client host. Nothing connects until first use; `closeAll` ends the SSH sessions.
 */
/** The clients[] or nodes[] entry named by `kerberos.admin.host`, its field path and client directory. */
function adminHost(c: ClusterConfig, host: string, clientDir: string | undefined) {
  const ci = (c.clients ?? []).findIndex((h) => h.host === host);
  const client = c.clients?.[ci];
  if (client) return { entry: client, field: `clusters.${c.name}.clients[${ci}]`, clientDir: clientDir ?? client.clientDir };
  const ni = (c.nodes ?? []).findIndex((h) => h.host === host);
  const node = c.nodes?.[ni];
  // NOTE: where the MRS client lives on a node is not documented; /opt/client unless told (docs/assumptions.md).
  return node ? { entry: node, field: `clusters.${c.name}.nodes[${ni}]`, clientDir: clientDir ?? '/opt/client' } : undefined;
}

export function kdcAdmins(ctx: CliContext, clusters: ClusterConfig[]): Record<string, KdcAdmin> {
  const admins: Record<string, KdcAdmin> = {};
  for (const c of clusters) {
    const admin = c.kerberos?.admin;
    const found = admin && adminHost(c, admin.host, admin.clientDir);
    if (!admin || !found) continue; // a host not in nodes/clients is refused by the schema
    const { entry, field, clientDir } = found;
    admins[c.name] = sshKdcAdmin({
      cluster: c.name,
      principal: admin.principal,
      clientDir,
      timeoutMs: admin.timeoutMs,
      signal: ctx.signal,
      password: () => resolveSecret(admin.password, `clusters.${c.name}.kerberos.admin.password`, ctx.env),
      host: () => ctx.adapters.remoteHost(entry, { field, acceptNew: ctx.global.acceptNew, out: ctx.out }),
    });
  }
  return admins;
}

export async function closeAll(admins: Record<string, KdcAdmin> | undefined): Promise<void> {
  await Promise.allSettled(Object.values(admins ?? {}).map((a) => a.close()));
}
