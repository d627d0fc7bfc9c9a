import pLimit from 'p-limit';
import type { ClientEntry } from '../../config/schema.js';
import { InterruptedError, PartialError, UsageError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import { refreshHost } from './host-run.js';
import type { ClientRefreshResult, HostResult, TarballResult } from './result-schema.js';
import { routeJobs, scenarioFor, type HostJob, type Scenario } from './routing.js';
import { prepareTarball } from './tarballs.js';
import { DEFAULTS, type ClientRefreshDeps, type ClientRefreshRequest, type PartnerRealms, type PreparedTarball } from './types.js';

export type { ClientRefreshDeps, ClientRefreshRequest, PartnerRealms, RefreshCluster, PreparedTarball } from './types.js';
export type { ClientRefreshResult, HostResult } from './result-schema.js';
export { scenarioFor } from './routing.js';

function validateClusters(request: ClientRefreshRequest): void {
  const { clusters } = request;
  if (clusters.length < 1 || clusters.length > 2) throw new UsageError('BAD_ARGUMENTS', `clients refresh takes one or two clusters, got ${clusters.length}`);
  if (clusters.length === 2 && clusters[0]?.config.name === clusters[1]?.config.name) throw new UsageError('BAD_ARGUMENTS', `the two clusters must differ (got ${clusters[0]?.config.name} twice)`);
  const parallel = request.parallel ?? DEFAULTS.parallel;
  if (!Number.isInteger(parallel) || parallel < 1) throw new UsageError('BAD_FLAG', `--parallel must be a whole number of at least 1, got ${parallel}`, { hint: '--parallel 8' });
  for (const name of Object.keys(request.tarballs ?? {})) {
    if (!clusters.some((c) => c.config.name === name)) throw new UsageError('BAD_FLAG', `--tarball ${name}=…: ${name} is not one of ${clusters.map((c) => c.config.name).join(', ')}`, { hint: '--tarball NAME=PATH with a cluster named on the command line' });
  }
}

function validate(request: ClientRefreshRequest): Scenario {
  validateClusters(request);
  const { clusters } = request;
  const known = new Set(clusters.flatMap((c) => (c.config.clients ?? []).map((h) => h.host)));
  const unknown = (request.hosts ?? []).filter((h) => !known.has(h));
  if (unknown.length > 0) throw new UsageError('BAD_FLAG', `--hosts: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a client host of ${clusters.map((c) => c.config.name).join(' or ')}`, { hint: `known client hosts: ${[...known].join(', ') || 'none (add clients: to clusters.yaml)'}` });
  if (request.scenario === 2 && clusters.length < 2) throw new UsageError('BAD_FLAG', '--scenario 2 needs two clusters', { hint: 'mrs-trust clients refresh A B --scenario 2' });
  const [a, b] = clusters;
  return request.scenario ?? (a && b ? scenarioFor(a.config.type, b.config.type) : 1);
}

/** Says up front when a configuration does not (or still does) name the other side's realm. */
function warnUnlinked(request: ClientRefreshRequest, tarballs: Map<string, PreparedTarball>, realmOf: (name: string) => string | undefined, sink: EventSink): void {
  for (const t of tarballs.values()) {
    const peers = request.clusters.map((c) => c.config.name).filter((n) => n !== t.cluster).map(realmOf).filter((r): r is string => Boolean(r));
    // Only realms learnt from the tarballs here; prepareTarball already judged the known ones.
    const learnt = peers.filter((r) => !request.clusters.some((c) => c.realm === r));
    const named = request.peerRealm !== 'absent';
    const wrong = learnt.filter((r) => t.realms.includes(r) !== named);
    if (wrong.length > 0) sink.emit({ type: 'warning', scope: t.cluster, message: `the ${t.cluster} configuration (${t.origin}) ${named ? 'does not name' : 'still names'} ${wrong.join(', ')}: ${named ? 'is the trust set up (mrs-trust link)?' : 'was the trust removed?'} Its hosts will fail the krb5.conf check.` });
  }
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * The realms one cluster's client krb5.conf must name and must not name after the refresh: the
 * other cluster of a pair (`peerRealm` says which way) plus a mesh's partners. Every host's
 * krb5.conf check (apply-outcome.ts) judges these; link and mesh share it.
 */
export function realmChecks(request: Pick<ClientRefreshRequest, 'peerRealm' | 'partners'>, cluster: string, peerRealms: string[]): PartnerRealms {
  const absent = request.peerRealm === 'absent';
  const partners = request.partners?.[cluster];
  return { named: unique([...(absent ? [] : peerRealms), ...(partners?.named ?? [])]), absent: unique([...(absent ? peerRealms : []), ...(partners?.absent ?? [])]) };
}

function summarize(hosts: HostResult[]): ClientRefreshResult['summary'] {
  const count = (status: HostResult['status']) => hosts.filter((h) => h.status === status).length;
  return { ok: count('ok'), failed: count('failed'), unreachable: count('unreachable'), skipped: count('skipped') };
}

function tarballResult(t: PreparedTarball): TarballResult {
  const base = { cluster: t.cluster, origin: t.origin, from: t.from, bytes: t.bytes, sha256: t.sha256, realms: t.realms };
  return t.realm ? { ...base, realm: t.realm } : base;
}

/**
 * Refreshes the client configuration on the client hosts of one or two clusters (issue #7; the
 * `refresh-clients` step of link). Bad input throws UsageError before any connection; a missing
 * tarball throws RemoteError (NO_CLIENT_CONFIG) before any host is touched; after that it never
 * throws for a host: every host gets a status in the result. Throws InterruptedError when
 * `request.signal` aborted. Use `assertAllRefreshed` to turn failed hosts into exit 5.
 */
/** The hosts to refresh with the configurations each needs (bad input throws UsageError). */
export function plannedJobs(request: ClientRefreshRequest): { scenario: Scenario; jobs: HostJob<ClientEntry>[]; names: string[] } {
  const scenario = validate(request);
  const only = request.hosts ? new Set(request.hosts) : undefined;
  const routed = request.clusters.map((c) => ({
    name: c.config.name,
    hosts: (c.config.clients ?? []).map((host: ClientEntry, i) => ({ host, field: `clusters.${c.config.name}.clients[${i}]` })).filter(({ host }) => !only || only.has(host.host)),
  }));
  return { scenario, jobs: routeJobs(routed, scenario), names: request.clusters.map((c) => c.config.name) };
}

export async function refreshClients(deps: ClientRefreshDeps, request: ClientRefreshRequest, sink: EventSink): Promise<ClientRefreshResult> {
  const { scenario, jobs, names } = plannedJobs(request);
  if (jobs.length === 0) {
    sink.emit({ type: 'info', message: `no client hosts to refresh (no clients: entries for ${names.join(', ')})` });
    return { ok: true, scenario, clusters: names, tarballs: [], hosts: [], summary: summarize([]) };
  }
  const needed = new Set(jobs.flatMap((j) => j.sources));
  const tempDir = await deps.files.makeTempDir('mrs-trust-client-config-');
  try {
    const tarballs = new Map<string, PreparedTarball>();
    for (const c of request.clusters.filter((x) => needed.has(x.config.name))) {
      const peers = request.clusters.filter((x) => x !== c).map((x) => x.realm).filter((r): r is string => Boolean(r));
      const named = request.peerRealm !== 'absent';
      const checks = realmChecks(request, c.config.name, peers);
      tarballs.set(c.config.name, await prepareTarball(deps, c, request.tarballs?.[c.config.name], { realms: named ? checks.named : checks.absent, named, strict: request.strictTarballs === true }, tempDir, sink, { ...(request.signal ? { signal: request.signal } : {}), ...(request.managerDownload ? { managerDownload: true } : {}) }));
    }
    // The realm of each cluster: from discovery, else from its own tarball's krb5.conf.
    const realmOf = (name: string) => request.clusters.find((c) => c.config.name === name)?.realm ?? tarballs.get(name)?.realm;
    const realms = names.map(realmOf);
    warnUnlinked(request, tarballs, realmOf, sink);
    if (realms[0] && realms[0] === realms[1]) throw new UsageError('TARBALL_WRONG_CLUSTER', `both client configurations name realm ${realms[0]}`, { hint: 'check the --tarball paths: each cluster needs its own configuration' });
    const profiles = new Map(request.clusters.map((c) => [c.config.name, c.profile]));
    const limit = pLimit(request.parallel ?? DEFAULTS.parallel);
    const hosts = await Promise.all(
      jobs.map((job) =>
        limit(() => {
          const peerRealms = names.filter((n) => n !== job.cluster).map(realmOf).filter((r): r is string => Boolean(r));
          const checks = realmChecks(request, job.cluster, peerRealms);
          return refreshHost(deps, job, {
            tarballs,
            profiles,
            expectRealms: checks.named,
            absentRealms: checks.absent,
            force: request.force ?? false,
            attempts: request.attempts ?? DEFAULTS.attempts,
            retryDelayMs: request.retryDelayMs ?? DEFAULTS.retryDelayMs,
            hostTimeoutMs: request.hostTimeoutMs ?? DEFAULTS.hostTimeoutMs,
            ...(request.signal ? { signal: request.signal } : {}),
          }, sink);
        }),
      ),
    );
    if (request.signal?.aborted) throw new InterruptedError('interrupted during the client refresh');
    const summary = summarize(hosts);
    return { ok: summary.failed + summary.unreachable === 0, scenario, clusters: names, tarballs: [...tarballs.values()].map(tarballResult), hosts, summary };
  } finally {
    await deps.files.remove(tempDir).catch(() => undefined);
  }
}

/** Exit 5 (PartialError) when any host failed or was unreachable; the result is in `details`. */
export function assertAllRefreshed(result: ClientRefreshResult, options: { resultPrinted?: boolean } = {}): void {
  if (result.ok) return;
  const bad = result.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable');
  throw new PartialError('CLIENTS_PARTIAL', `${bad.length} of ${result.hosts.length} client host${result.hosts.length === 1 ? '' : 's'} not refreshed: ${bad.map((h) => `${h.host} (${h.code ?? h.status})`).join(', ')}`, {
    hint: 'fix the hosts named above and re-run `mrs-trust clients refresh`; hosts already refreshed are skipped',
    details: { summary: result.summary, ...(options.resultPrinted ? { resultPrinted: true } : {}) },
  });
}
