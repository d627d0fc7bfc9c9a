import { CheckError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import { plannedJobs } from './index.js';
import { fromNodes, managerDownloadEnabled, prepareTarball, type PeerExpectation } from './tarballs.js';
import type { ClientRefreshDeps, ClientRefreshRequest, RefreshCluster } from './types.js';

/**
 * link/unlink preflight (issue #12 item 9): before anything is written, make sure each client
 * configuration the refresh will need can be had in its post-trust form — otherwise the run
 * would save and restart both clusters and only then find that no host can be refreshed.
 * `--tarball` files are checked here (exit 2 when not a client configuration, or when their
 * krb5.conf contradicts the trust); a copy on a node (the documented "Download Client → Server"
 * file) must already meet the expectation; the assumed Manager endpoint, when turned on, is
 * trusted to produce one after the restart. Otherwise CheckError (exit 3), nothing written.
 * Returns one line for the preflight step's message.
 */
export async function checkClientSources(deps: ClientRefreshDeps, request: ClientRefreshRequest, sink: EventSink): Promise<string> {
  const { jobs } = plannedJobs(request);
  if (jobs.length === 0) return 'no client hosts';
  const needed = new Set(jobs.flatMap((j) => j.sources));
  const tempDir = await deps.files.makeTempDir('mrs-trust-client-check-');
  const found: string[] = [];
  try {
    for (const c of request.clusters.filter((x) => needed.has(x.config.name))) {
      const peers: PeerExpectation = { realms: request.clusters.filter((x) => x !== c).map((x) => x.realm).filter((r): r is string => Boolean(r)), named: request.peerRealm !== 'absent', strict: true };
      found.push(`${c.config.name}: ${await sourceOf(deps, request, c, peers, tempDir, sink)}`);
    }
  } finally {
    await deps.files.remove(tempDir).catch(() => undefined);
  }
  return `client configuration ${found.join('; ')}`;
}

async function sourceOf(deps: ClientRefreshDeps, request: ClientRefreshRequest, c: RefreshCluster, peers: PeerExpectation, tempDir: string, sink: EventSink): Promise<string> {
  const name = c.config.name;
  const flag = request.tarballs?.[name];
  if (flag !== undefined) {
    await prepareTarball(deps, c, flag, peers, tempDir, sink);
    return `--tarball ${flag}`;
  }
  if (deps.managerDownload && managerDownloadEnabled(c, request.managerDownload)) return 'the Manager download after the restart (assumed API)';
  const problems: string[] = [];
  const node = await fromNodes(deps, c, tempDir, peers, sink, problems);
  if (node) return `SFTP ${node.from}`;
  const after = request.peerRealm === 'absent' ? 'no longer names' : 'names';
  const peer = peers.realms.join(', ') || 'the peer realm';
  const why = problems.length > 0 ? problems.join('; ') : `clusters.${name}.nodes is empty, so there is no "Download Client → Server" copy to fetch`;
  throw new CheckError('NO_POST_TRUST_CLIENT_CONFIG', `${name} has client hosts, but no client configuration that ${after} ${peer} can be had: ${why}; nothing was written`, {
    hint: `pass --tarball ${name}=PATH, or --skip-clients and run \`mrs-trust clients refresh ${request.clusters.map((x) => x.config.name).join(' ')}\` after "Download Client → Server" on each cluster, or --manager-download (an assumed API)`,
  });
}
