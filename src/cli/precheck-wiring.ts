import { resolve } from 'node:path';
import type { ClusterConfig } from '../config/load.js';
import type { Cloud } from '../ports/cloud.js';
import type { Manager } from '../ports/manager.js';
import type { Area, Endpoint, PrecheckDeps } from '../workflow/precheck/context.js';
import { kerberosFallback, linkCluster } from './link-wiring.js';
import type { CliContext } from './context.js';
import { procedureOf } from '../domain/mrs3/procedure.js';
import { cloudFacts } from './cloud-facts.js';

function endpoints(c: ClusterConfig): Endpoint[] {
  const manager = new URL(c.manager.url);
  const list: Endpoint[] = [{ what: 'Manager', host: manager.hostname.replace(/^\[|\]$/g, ''), port: Number(manager.port || 28443) }];
  // MRS 3.x logs in with HTTP Basic on the Manager port: it has no CAS to reach.
  if (c.manager.cas && procedureOf(c.mrsVersion) !== '3.x') {
    const cas = new URL(c.manager.cas);
    list.push({ what: 'CAS', host: cas.hostname.replace(/^\[|\]$/g, ''), port: Number(cas.port || 20009) });
  }
  return list;
}

/**
 * Cloud access for the security-group check: the API (or `--rules-file`) when every cluster has
 * it. Asked for alone (`--only security-groups`), a missing `cloud` block is a usage error naming
 * the field, as before; in the full report it makes that one check unknown.
 */
async function clouds(ctx: CliContext, clusters: ClusterConfig[], rulesFile: string | undefined, alone: boolean): Promise<Pick<PrecheckDeps, 'clouds' | 'cloudMissing'>> {
  const missing = clusters.filter((c) => !c.cloud);
  if (!rulesFile && !alone && missing.length > 0) return { cloudMissing: `${missing.map((c) => `clusters.${c.name}.cloud`).join(' and ')} not configured` };
  const out: Record<string, Cloud> = {};
  for (const c of clusters) out[c.name] = await ctx.adapters.cloud(c, ctx.out, rulesFile ? { rulesFile: resolve(ctx.cwd, rulesFile) } : {});
  return { clouds: out };
}

/** Wires the adapters into the pre-check's ports; Managers only when a check needs them. */
export async function buildPrecheckDeps(ctx: CliContext, clusters: ClusterConfig[], options: { only: readonly Area[]; rulesFile?: string; timeoutMs: number; managers?: Record<string, Manager> }): Promise<PrecheckDeps> {
  const needsManagers = options.only.some((a) => a !== 'security-groups');
  const managers: Record<string, Manager> = { ...options.managers };
  if (needsManagers && !options.managers) for (const c of clusters) managers[c.name] = await ctx.adapters.manager(c, ctx.out);
  const sg = options.only.includes('security-groups') ? await clouds(ctx, clusters, options.rulesFile, options.only.length === 1) : {};
  const fallback = needsManagers ? kerberosFallback(ctx, clusters) : undefined;
  const fromCloud = needsManagers ? cloudFacts(ctx, clusters) : {};
  return {
    clusters: Object.fromEntries(clusters.map((c) => [c.name, linkCluster(c)])),
    managers,
    ...(fallback ? { kerberosFallback: fallback } : {}),
    ...(Object.keys(fromCloud).length > 0 ? { cloudFacts: fromCloud } : {}),
    endpoints: Object.fromEntries(clusters.map((c) => [c.name, endpoints(c)])),
    ...sg,
    ...(needsManagers ? { network: await ctx.adapters.network() } : {}),
    events: { emit: (e) => ctx.out.event(e) },
    signal: ctx.signal,
    timeoutMs: options.timeoutMs,
  };
}
