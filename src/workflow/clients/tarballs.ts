import { posix } from 'node:path';
import { RemoteError, UsageError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import type { TarballInfo } from '../../ports/client-config.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { namedRealms, parseKrb5Realms } from './krb5.js';
import { NODE_TARBALL_PATH, type ClientRefreshDeps, type PreparedTarball, type RefreshCluster } from './types.js';

const STEP = 'client-config';

function prepared(cluster: string, origin: PreparedTarball['origin'], from: string, path: string, fileName: string, info: TarballInfo): PreparedTarball {
  const parsed = info.krb5 ? parseKrb5Realms(info.krb5.text) : { realms: [] };
  const base = { cluster, origin, from, path, fileName, bytes: info.bytes, sha256: info.sha256, realms: namedRealms(parsed) };
  return parsed.defaultRealm ? { ...base, realm: parsed.defaultRealm } : base;
}

/**
 * What makes a file unusable as a client configuration, judged on this machine before any
 * host is touched (issue #18): not a tar, not the MRS client-configuration layout (a
 * `*_ClientConfig*` member, as the Manager's download holds), no krb5.conf, or a member that
 * would be written outside the extraction directory. Undefined when it is fine.
 */
export function packageProblem(info: TarballInfo): string | undefined {
  if (!info.tar) return 'it is not a tar archive';
  if (!info.layoutMember) return `it is a tar of ${info.entries} member${info.entries === 1 ? '' : 's'} but not an MRS client configuration (no *_ClientConfig* member)`;
  if (!info.krb5) return 'it holds no krb5.conf (the client configuration carries one under KrbClient/)';
  if (info.unsafeMember) return `its member ${info.unsafeMember} would be written outside the extraction directory`;
  return undefined;
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The peer realms a tarball must name (after link) or must not name (after unlink). */
export interface PeerExpectation {
  realms: string[];
  named: boolean;
  /** Inside link/unlink: a `--tarball` that does not meet the expectation is refused (exit 2). */
  strict?: boolean;
}

/** A tarball from before the trust was saved (or removed) is stale; the next source may not be. */
function stale(t: PreparedTarball, peers: PeerExpectation): string | undefined {
  const wrong = peers.realms.filter((r) => t.realms.includes(r) !== peers.named);
  if (wrong.length === 0) return undefined;
  return peers.named ? `its krb5.conf does not name ${wrong.join(', ')} (downloaded before the trust was saved?)` : `its krb5.conf still names ${wrong.join(', ')} (downloaded before the trust was removed?)`;
}

export async function fromNodes(deps: ClientRefreshDeps, c: RefreshCluster, tempDir: string, peerRealms: PeerExpectation, sink: EventSink, problems: string[]): Promise<PreparedTarball | undefined> {
  const remotePath = NODE_TARBALL_PATH[c.profile];
  for (const [index, node] of (c.config.nodes ?? []).entries()) {
    const from = `${node.user}@${node.host}:${remotePath}`;
    const local = posix.join(tempDir, `${c.config.name}-node${index}.tar`);
    let host: RemoteHost;
    try {
      host = await deps.openHost(node, { cluster: c.config.name, field: `clusters.${c.config.name}.nodes[${index}]` });
    } catch (error) {
      problems.push(`${from}: ${why(error)}`);
      continue;
    }
    try {
      sink.emit({ type: 'step-progress', step: STEP, scope: c.config.name, message: `SFTP ${from}`, detail: true });
      await host.connect();
      await host.downloadFile(remotePath, local);
      const info = await deps.files.inspect(local);
      const problem = packageProblem(info);
      if (problem) {
        problems.push(`${from}: ${problem}`);
        continue;
      }
      const t = prepared(c.config.name, 'node', from, local, posix.basename(remotePath), info);
      const staleness = stale(t, peerRealms);
      if (!staleness) return t;
      problems.push(`${from}: ${staleness}`);
    } catch (error) {
      problems.push(`${from}: ${why(error)}`);
    } finally {
      await host.close().catch(() => undefined);
    }
  }
  return undefined;
}

/** The guessed Manager endpoint is used only when asked for (config or --manager-download). */
export function managerDownloadEnabled(c: RefreshCluster, flag: boolean | undefined): boolean {
  return flag === true || c.config.manager?.clientDownload === 'assumed-api';
}

async function fromManager(deps: ClientRefreshDeps, c: RefreshCluster, tempDir: string, options: { signal?: AbortSignal; managerDownload?: boolean }, problems: string[]): Promise<PreparedTarball | undefined> {
  const { signal } = options;
  if (!deps.managerDownload) return undefined;
  if (!managerDownloadEnabled(c, options.managerDownload)) {
    problems.push(`Manager download: off (an assumed API; clusters.${c.config.name}.manager.clientDownload: assumed-api or --manager-download turns it on)`);
    return undefined;
  }
  try {
    const downloader = await deps.managerDownload(c.config);
    const local = posix.join(tempDir, `${c.config.name}-manager.tar`);
    const { fileName } = await downloader.download(local, signal ? { signal } : {});
    const info = await deps.files.inspect(local);
    const problem = packageProblem(info);
    if (problem) {
      problems.push(`Manager ${downloader.label}: ${problem}`);
      return undefined;
    }
    return prepared(c.config.name, 'manager', downloader.label, local, fileName, info);
  } catch (error) {
    problems.push(`Manager: ${why(error)}`);
    return undefined;
  }
}

/** `--tarball NAME=PATH`: checked on this machine; any problem is a usage error (exit 2). */
async function fromFlag(deps: ClientRefreshDeps, c: RefreshCluster, flagPath: string, peerRealms: PeerExpectation, sink: EventSink): Promise<PreparedTarball> {
  const name = c.config.name;
  let info: TarballInfo;
  try {
    info = await deps.files.inspect(flagPath);
  } catch (error) {
    throw new UsageError('TARBALL_UNREADABLE', `--tarball ${name}=${flagPath}: ${why(error)}`, { hint: 'pass the "Only configuration files" client tarball downloaded from the Manager', cause: error });
  }
  const problem = packageProblem(info);
  if (problem) throw new UsageError('TARBALL_NOT_CLIENT_CONFIG', `--tarball ${name}=${flagPath}: ${problem}; nothing was uploaded`, { hint: `pass the "Only configuration files" client of ${name} as downloaded from its Manager (Download Client)` });
  const t = prepared(name, 'flag', flagPath, flagPath, posix.basename(flagPath), info);
  if (c.realm && t.realm && t.realm !== c.realm) throw new UsageError('TARBALL_WRONG_CLUSTER', `--tarball ${name}=${flagPath} is the configuration of realm ${t.realm}, but ${name} is ${c.realm}`, { hint: `pass ${name}'s own client configuration` });
  const staleness = stale(t, peerRealms);
  // Inside link a configuration that predates the trust can only fail every host: refuse it.
  if (staleness && peerRealms.strict) throw new UsageError('TARBALL_STALE', `--tarball ${name}=${flagPath}: ${staleness}; nothing was uploaded`, { hint: `download ${name}'s client configuration again after the trust is saved, or leave out --tarball ${name}=…` });
  if (staleness) sink.emit({ type: 'warning', scope: name, message: `--tarball ${name}: ${staleness}; hosts will fail the krb5.conf check` });
  return t;
}

/**
 * The configuration tarball of one cluster, from the first source that has one: `--tarball`,
 * SFTP from a cluster node (where "Download Client → save to server" leaves it), the Manager.
 */
export async function prepareTarball(deps: ClientRefreshDeps, c: RefreshCluster, flagPath: string | undefined, peerRealms: PeerExpectation, tempDir: string, sink: EventSink, options: { signal?: AbortSignal; managerDownload?: boolean } = {}): Promise<PreparedTarball> {
  const name = c.config.name;
  if (flagPath !== undefined) return fromFlag(deps, c, flagPath, peerRealms, sink);
  const problems: string[] = [];
  const t = (await fromNodes(deps, c, tempDir, peerRealms, sink, problems)) ?? (await fromManager(deps, c, tempDir, options, problems));
  if (!t) {
    throw new RemoteError('NO_CLIENT_CONFIG', `no client configuration for ${name}${problems.length > 0 ? `: ${problems.join('; ')}` : ' (no nodes and no Manager download)'}`, {
      hint: `in the ${name} Manager: Download Client → "Only configuration files" → Server (it lands in ${NODE_TARBALL_PATH[c.profile]} on the node), then re-run; or pass --tarball ${name}=PATH`,
    });
  }
  const staleness = t.origin === 'manager' ? stale(t, peerRealms) : undefined;
  if (staleness) sink.emit({ type: 'warning', scope: name, message: `the Manager's configuration of ${name}: ${staleness}` });
  for (const problem of problems) sink.emit({ type: 'step-progress', step: STEP, scope: name, message: `not used: ${problem}`, detail: true });
  const unused = problems.length === 0 ? '' : ` (${problems.length} other source${problems.length === 1 ? '' : 's'} tried and not used; --verbose names them)`;
  sink.emit({ type: 'step-progress', step: STEP, scope: name, message: `using ${t.origin === 'node' ? 'SFTP' : 'the Manager download'} ${t.from}${unused}` });
  return t;
}
