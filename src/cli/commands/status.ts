import { clusterByName, loadConfig, readsNodes, type ClusterConfig } from '../../config/load.js';
import { formatIpPort, parseIpPort } from '../../domain/ip-port.js';
import type { Manager } from '../../ports/manager.js';
import type { JournalStore, VerificationStore } from '../../ports/state.js';
import { journalKey } from '../../domain/journal.js';
import { verifyResultSchema } from '../../workflow/verify/result.js';
import { discoverCluster } from '../../workflow/discovery.js';
import { defaultPasswordWarning } from '../../domain/default-password.js';
import { checkDefaultPassword } from '../../workflow/trust/default-password.js';
import { closeAll, kdcAdmins } from '../kdc-admin-wiring.js';
import { cloudFacts } from '../cloud-facts.js';
import type { CliContext } from '../context.js';
import type { StatusResult } from '../status-result.js';
import { withSandbox } from '../with-sandbox.js';

type ClusterStatus = StatusResult['clusters'][number];

/** Reads one cluster as link's discover step does; logout always runs, also after a failure. */
async function readOne(ctx: CliContext, cluster: ClusterConfig): Promise<ClusterStatus> {
  const manager: Manager = await ctx.adapters.manager(cluster, ctx.out);
  try {
    await manager.login();
    const krb5conf = readsNodes(cluster);
    const found = await discoverCluster({
      name: cluster.name,
      mode: krb5conf ? 'krb5conf' : 'api',
      ...(cluster.mrsVersion ? { mrsVersion: cluster.mrsVersion } : {}),
      manager,
      ...(krb5conf ? { fromNodes: () => ctx.adapters.kerberosFromNodes(cluster, { acceptNew: ctx.global.acceptNew, out: ctx.out }) } : {}),
      ...(cluster.cloud ? { cloud: cloudFacts(ctx, [cluster])[cluster.name] } : {}),
      note: (line) => ctx.out.debug(line),
    });
    const { info, version, services } = found;
    return {
      name: cluster.name,
      manager: cluster.manager.url,
      managerName: info.name,
      mrsVersion: info.version,
      versionUsed: version.version,
      versionSource: version.source,
      kerberos: info.kerberos,
      state: info.state,
      realm: found.realm,
      kdcs: found.kdcs.map((k) => formatIpPort([k])),
      ...(info.kerberos ? { kdcSource: found.kdcSource, configVersion: found.configVersion } : {}),
      peers: found.peers.map((p) => ({ ...p })),
      services,
      // Health not read (MRS 3.x) is not "healthy": nothing was checked.
      healthy: found.healthRead && services.every((s) => s.health === 'GOOD'),
      ...(found.healthRead ? {} : { healthRead: false }),
    };
  } finally {
    await manager.logout();
  }
}

function sameKdcs(ipPort: string, kdcs: string[]): boolean {
  const parsed = parseIpPort(ipPort);
  return parsed.ok && formatIpPort(parsed.value).split(',').sort().join(',') === [...kdcs].sort().join(',');
}

/** Marks rows that name another cluster of this call, and summarises each pair. */
export function crossReference(clusters: ClusterStatus[]): StatusResult {
  const byRealm = new Map(clusters.filter((c) => c.realm).map((c) => [c.realm, c]));
  const marked = clusters.map((c) => ({
    ...c,
    peers: c.peers.map((p) => {
      const other = byRealm.get(p.realm_name);
      return other && other.name !== c.name ? { ...p, cluster: other.name, kdcsMatch: sameKdcs(p.ip_port, other.kdcs) } : p;
    }),
  }));
  const trust: StatusResult['trust'] = [];
  marked.forEach((a, i) =>
    marked.slice(i + 1).forEach((b) => {
      const ab = a.peers.find((p) => p.cluster === b.name);
      const ba = b.peers.find((p) => p.cluster === a.name);
      const state = ab && ba ? (ab.kdcsMatch && ba.kdcsMatch ? 'linked' : 'stale') : ab || ba ? 'one-sided' : 'none';
      trust.push({ a: a.name, b: b.name, aNamesB: Boolean(ab), bNamesA: Boolean(ba), state });
    }),
  );
  return { ok: true, clusters: marked, trust };
}

/** `6.5.1 (MRS 2.1.0 from clusters.yaml)`: the reported version, and the one used when it differs. */
function versionText(c: ClusterStatus): string {
  // MRS 3.x: no public call reports a version; the one clusters.yaml gives is the one used.
  if (c.healthRead === false && c.mrsVersion === '-') return `MRS ${c.versionUsed} (from clusters.yaml)`;
  return c.versionUsed && c.versionSource !== 'manager' ? `${c.mrsVersion} (MRS ${c.versionUsed} from ${c.versionSource})` : c.mrsVersion;
}

function human(result: StatusResult): string[] {
  const lines: string[] = [];
  for (const c of result.clusters) {
    lines.push(`${c.name}  ${versionText(c)}, ${c.kerberos ? 'Kerberos' : 'no Kerberos'}, cluster state ${c.state}  (${c.manager})`);
    lines.push(`  realm     ${c.realm || '-'}`);
    lines.push(`  KDCs      ${c.kdcs.join(',') || '-'}`);
    if (c.peers.length === 0) lines.push('  peers     none');
    c.peers.forEach((p, i) => {
      const note = p.cluster ? `  ← ${p.cluster}${p.kdcsMatch ? '' : ' (ip_port differs from its current KDCs)'}` : '';
      lines.push(`  ${i === 0 ? 'peers   ' : '        '}  ${p.realm_name}  ${p.ip_port}${note}`);
    });
    const bad = c.services.filter((s) => s.health !== 'GOOD');
    if (c.healthRead === false) lines.push('  services  not read (MRS 3.x has no public API for service health; check the Manager home page)');
    else lines.push(`  services  ${c.services.length} total, ${bad.length === 0 ? 'all GOOD' : `not healthy: ${bad.map((s) => `${s.name} (${s.health})`).join(', ')}`}`);
    lines.push('');
  }
  for (const t of result.trust) {
    const words = { linked: 'linked both ways', stale: 'both ways, but an ip_port lists other KDCs', 'one-sided': `one-sided (${t.aNamesB ? `${t.a} names ${t.b}` : `${t.b} names ${t.a}`})`, none: 'not linked' } as const;
    lines.push(`trust ${t.a} ↔ ${t.b}: ${words[t.state]}`);
    lines.push(...pairNotes(t));
  }
  for (const w of result.warnings ?? []) lines.push(`warning${w.cluster ? ` ${w.cluster}` : ''}: ${w.message}`);
  return lines;
}

/** Under a pair's trust line: its last verification, its last journaled run, a pending restart. */
function pairNotes(t: StatusResult['trust'][number]): string[] {
  const lines: string[] = [];
  const v = t.lastVerify;
  if (v) lines.push(`  last verify ${v.checkedAt}${v.by === 'rotate' ? ' (by rotate)' : ''}: ${v.ok ? 'passed' : `FAILED (${v.failed.join('; ')})`}`);
  else lines.push(`  last verify: never (run \`mrs-trust verify ${t.a} ${t.b}\`)`);
  if (t.lastRun) lines.push(`  last run: ${t.lastRun.action} ${t.lastRun.status} (${t.lastRun.updatedAt})`);
  if (t.restartPending?.length) lines.push(`  restart pending on ${t.restartPending.join(', ')}: run \`mrs-trust resume ${t.a} ${t.b}\` to finish it (it asks first, unless the journaled restart command reads COMPLETE: then it only clears the entry)`);
  return lines;
}

/** The pair's journal: its last run and any restart it left pending. An unreadable journal is left out here (link names it). */
async function withJournal(status: StatusResult, store: JournalStore): Promise<StatusResult> {
  const trust = await Promise.all(status.trust.map(async (t) => {
    const doc = await store.read(journalKey([t.a, t.b])).catch(() => undefined);
    if (!doc) return t;
    return { ...t, lastRun: { action: doc.action, status: doc.status, updatedAt: doc.updatedAt }, ...(doc.restartPending.length > 0 ? { restartPending: [...doc.restartPending] } : {}) };
  }));
  return { ...status, trust };
}

/** The pair's last verification (`verify`, rotate), as `.mrs-trust/verify/<a+b>.json` keeps it. */
async function withLastVerify(status: StatusResult, store: VerificationStore): Promise<StatusResult> {
  const trust = await Promise.all(status.trust.map(async (t) => {
    const parsed = verifyResultSchema.safeParse(await store.read(journalKey([t.a, t.b])));
    if (!parsed.success) return t;
    const v = parsed.data;
    const failed = v.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}${c.scope ? ` ${c.scope}` : ''}: ${c.cause ?? 'failed'}`);
    return { ...t, lastVerify: { checkedAt: v.checkedAt, ...(v.by ? { by: v.by } : {}), ok: v.ok, failed, warnings: v.warnings.map((w) => w.message) } };
  }));
  return { ...status, trust };
}

/**
 * For each linked pair where a side has `kerberos.admin`: does its KDC still accept MRS's default
 * cross-realm password? One kinit per KDC and pair (docs/trust-health.md).
 */
async function withDefaultPasswordWarnings(ctx: CliContext, configs: ClusterConfig[], status: StatusResult): Promise<StatusResult> {
  const admins = kdcAdmins(ctx, configs);
  if (Object.keys(admins).length === 0) return status;
  const byName = new Map(status.clusters.map((c) => [c.name, c]));
  const warnings: NonNullable<StatusResult['warnings']> = [];
  try {
    for (const t of status.trust.filter((x) => x.state !== 'none')) {
      const [a, b] = [byName.get(t.a), byName.get(t.b)];
      if (!a || !b) continue;
      const sides = [{ cluster: a.name, realm: a.realm, peerRealm: b.realm, mrsVersion: a.versionUsed ?? a.mrsVersion }, { cluster: b.name, realm: b.realm, peerRealm: a.realm, mrsVersion: b.versionUsed ?? b.mrsVersion }];
      for (const f of await checkDefaultPassword(admins, sides)) {
        const warning = defaultPasswordWarning(f, [t.a, t.b]);
        if (warning) warnings.push(warning);
      }
    }
  } finally {
    await closeAll(admins);
  }
  return warnings.length > 0 ? { ...status, warnings } : status;
}

export interface StatusFlags {
  sandbox?: boolean;
}

/** `mrs-trust status A B`: both clusters as their Managers report them. Reads only. */
export async function run(ctx: CliContext, names: string[], flags: StatusFlags = {}): Promise<void> {
  const result = await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: names, plugins: false }, async (configPath) => {
    const config = await loadConfig(configPath);
    const clusters = [...new Set(names)].map((n) => clusterByName(config, n));
    const settled = await Promise.allSettled(clusters.map((c) => readOne(ctx, c)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const status = crossReference(settled.map((s) => (s as PromiseFulfilledResult<ClusterStatus>).value));
    const { verifications, journal } = await ctx.adapters.state(config.stateDir);
    return withDefaultPasswordWarnings(ctx, clusters, await withJournal(await withLastVerify(status, verifications), journal));
  });
  ctx.out.result(result, () => human(result));
}
