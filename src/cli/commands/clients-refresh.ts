import { clusterByName, loadConfig, type ClusterConfig } from '../../config/load.js';
import { profileFor, type ProfileName } from '../../domain/version.js';
import { UsageError } from '../../errors/index.js';
import { assertAllRefreshed, refreshClients, type ClientRefreshDeps, type ClientRefreshRequest, type ClientRefreshResult, type RefreshCluster } from '../../workflow/clients/index.js';
import type { CliContext } from '../context.js';
import { parseTarballs } from '../tarball-flag.js';
import { withSandbox } from '../with-sandbox.js';

export interface ClientsRefreshFlags {
  tarball?: string[];
  hosts?: string;
  parallel?: string;
  scenario?: string;
  hostTimeout?: string;
  force?: boolean;
  managerDownload?: boolean;
  sandbox?: boolean;
}

function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError('BAD_FLAG', `${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  return Number(text);
}

function parseHosts(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const hosts = text.split(',').map((h) => h.trim()).filter(Boolean);
  if (hosts.length === 0) throw new UsageError('BAD_FLAG', '--hosts: expected a comma-separated list of client hosts', { hint: '--hosts 10.0.0.5,10.0.0.6' });
  return hosts;
}

export function profileOf(c: ClusterConfig, ctx: CliContext): ProfileName {
  if (c.mrsVersion) {
    const profile = profileFor(c.mrsVersion);
    if (profile) return profile.name;
  }
  ctx.out.debug(`clusters.${c.name}.mrsVersion not set: refreshing as MRS 2.x (the tarball is the refreshConfig.sh argument)`);
  return '2.x';
}

/** The refresh's collaborators from the CLI's adapters (also used by link's refresh-clients step). */
export async function clientRefreshDeps(ctx: CliContext, stateDir: string): Promise<ClientRefreshDeps> {
  const { clock } = await ctx.adapters.state(stateDir);
  return {
    clock,
    files: await ctx.adapters.clientFiles(),
    openHost: (entry, where) => ctx.adapters.remoteHost(entry, { field: where.field, acceptNew: ctx.global.acceptNew, out: ctx.out }),
    managerDownload: (cluster) => ctx.adapters.clientConfigDownload(cluster, ctx.out),
  };
}

/** The flags `clients refresh` and `clients export` share, as request fields. */
export function parseRefreshFlags(ctx: CliContext, flags: ClientsRefreshFlags): Pick<ClientRefreshRequest, 'tarballs' | 'hosts' | 'scenario' | 'hostTimeoutMs' | 'force' | 'managerDownload'> {
  const tarballs = parseTarballs(flags.tarball, ctx.cwd);
  const hostTimeout = wholeNumber('--host-timeout', flags.hostTimeout, 1, 86_400);
  const scenario = flags.scenario === undefined ? undefined : flags.scenario === '1' ? 1 : flags.scenario === '2' ? 2 : undefined;
  if (flags.scenario !== undefined && scenario === undefined) throw new UsageError('BAD_FLAG', `--scenario: "${flags.scenario}" is not 1 or 2`, { hint: '1: same-type clusters; 2: different types or hybrid' });
  const hosts = parseHosts(flags.hosts);
  return {
    tarballs,
    ...(hosts ? { hosts } : {}),
    ...(scenario ? { scenario } : {}),
    ...(hostTimeout ? { hostTimeoutMs: hostTimeout * 1000 } : {}),
    ...(flags.force ? { force: true } : {}),
    ...(flags.managerDownload ? { managerDownload: true } : {}),
  };
}

/** `mrs-trust clients refresh A [B]`: see docs/clients.md. */
export async function run(ctx: CliContext, a: string, b: string | undefined, flags: ClientsRefreshFlags): Promise<void> {
  const parsed = parseRefreshFlags(ctx, flags);
  const parallel = wholeNumber('--parallel', flags.parallel, 1, 256);
  const names = [a, ...(b === undefined ? [] : [b])];
  await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: names }, (configPath) => refreshFrom(ctx, configPath, names, { ...parsed, ...(parallel ? { parallel } : {}) }));
}

type Parsed = ReturnType<typeof parseRefreshFlags> & { parallel?: number };

async function refreshFrom(ctx: CliContext, configPath: string, names: string[], parsed: Parsed): Promise<void> {
  const config = await loadConfig(configPath);
  const clusters = names.map((name) => clusterByName(config, name));
  const request = clusters.map((c): RefreshCluster => ({ config: c, profile: profileOf(c, ctx) }));
  const deps = await clientRefreshDeps(ctx, config.stateDir);
  const result = await refreshClients(deps, { clusters: request, ...parsed, signal: ctx.signal }, { emit: (event) => ctx.out.event(event) });
  ctx.out.result(result, () => renderTable(result));
  assertAllRefreshed(result, { resultPrinted: true });
}

/** The per-host table of the human output. */
export function renderTable(result: ClientRefreshResult): string[] {
  const lines = [`Client refresh (scenario ${result.scenario}): ${result.clusters.join(', ')}`];
  for (const t of result.tarballs) lines.push(`  ${t.cluster} configuration: ${t.origin} ${t.from} (${(t.bytes / 1024 / 1024).toFixed(1)} MB, sha256 ${t.sha256.slice(0, 12)}…${t.realm ? `, realm ${t.realm}` : ''})`);
  if (result.hosts.length === 0) return [...lines, '  no client hosts (add clients: entries to clusters.yaml)'];
  const rows = result.hosts.map((h) => [h.cluster, `${h.user}@${h.host}:${h.port}`, h.sources.join('+'), h.status === 'failed' ? `failed (${h.reason ?? h.code ?? ''})` : h.status === 'skipped' ? 'skipped (already current)' : h.status === 'unreachable' ? `unreachable (${h.reason ?? ''})` : 'ok']);
  const header = ['CLUSTER', 'HOST', 'CONFIG', 'STATUS'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`;
  const s = result.summary;
  return [...lines, fmt(header), ...rows.map(fmt), `  ${s.ok} ok, ${s.skipped} skipped (already current), ${s.failed} failed, ${s.unreachable} unreachable`];
}
