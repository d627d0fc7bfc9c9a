import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, UsageError } from '../errors/index.js';
import { clustersFileSchema, type ClusterEntry, type ClustersFile, type SecretRef } from './schema.js';
import { firstIssue, friendlyError } from './issues.js';
import { readUserFile } from './read-file.js';
import { didYouMean } from './suggest.js';
import { isMrs3 } from '../domain/version.js';

export const DEFAULT_CONFIG = 'clusters.yaml';
export const DEFAULT_MANAGER_PORT = '28443';
export const DEFAULT_CAS_PORT = '20009';

/** One cluster from clusters.yaml, with defaults applied and every path made absolute. */
export type ClusterConfig = ClusterEntry & { name: string };

export interface LoadedConfig {
  /** Absolute path of the config file. */
  path: string;
  /** `.mrs-trust/` next to the config file: journal, locks. */
  stateDir: string;
  clusters: Record<string, ClusterConfig>;
}

/** Expands `~/` and makes a path absolute against the config file's directory. */
export function resolvePath(path: string, baseDir: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function resolveRef(ref: SecretRef | undefined, baseDir: string): SecretRef | undefined {
  if (!ref || ref.file === undefined) return ref;
  return { file: resolvePath(ref.file, baseDir) };
}

/** Manager URL without a path; a URL without a port means the Manager's 28443. */
function managerOrigin(text: string): string {
  const url = new URL(text);
  return `https://${url.hostname.includes(':') ? url.hostname : url.hostname}:${url.port || DEFAULT_MANAGER_PORT}`;
}

function resolveCluster(name: string, entry: ClusterEntry, baseDir: string): ClusterConfig {
  const m = entry.manager;
  const origin = managerOrigin(m.url);
  const host = new URL(origin).hostname;
  const path = (p: string | undefined) => (p === undefined ? undefined : resolvePath(p, baseDir));
  const ssh = <T extends { key?: string | undefined; knownHosts?: string | undefined; keyPassphrase?: SecretRef | undefined; password?: SecretRef | undefined }>(t: T): T => ({
    ...t,
    key: path(t.key),
    knownHosts: path(t.knownHosts),
    keyPassphrase: resolveRef(t.keyPassphrase, baseDir),
    password: resolveRef(t.password, baseDir),
  });
  return {
    ...entry,
    name,
    manager: {
      ...m,
      url: origin,
      cas: m.cas ? new URL(m.cas).origin : `https://${host}:${DEFAULT_CAS_PORT}`,
      password: resolveRef(m.password, baseDir) as SecretRef,
      tls: m.tls?.ca ? { ca: resolvePath(m.tls.ca, baseDir) } : m.tls,
    },
    nodes: entry.nodes?.map(ssh),
    clients: entry.clients?.map(ssh),
    verify: entry.verify && { ...entry.verify, password: resolveRef(entry.verify.password, baseDir) as SecretRef },
    kerberos: entry.kerberos && { ...entry.kerberos, admin: entry.kerberos.admin && { ...entry.kerberos.admin, password: resolveRef(entry.kerberos.admin.password, baseDir) as SecretRef } },
    cloud: entry.cloud && {
      ...entry.cloud,
      auth: {
        ...entry.cloud.auth,
        ak: resolveRef(entry.cloud.auth.ak, baseDir),
        sk: resolveRef(entry.cloud.auth.sk, baseDir),
        token: resolveRef(entry.cloud.auth.token, baseDir),
        password: resolveRef(entry.cloud.auth.password, baseDir),
      },
      tls: entry.cloud.tls?.ca ? { ca: resolvePath(entry.cloud.tls.ca, baseDir) } : entry.cloud.tls,
    },
  };
}

/** Realm and KDCs come from a node's krb5.conf: `manager.discovery: krb5conf`, and always on 3.x. */
export function readsNodes(c: ClusterConfig): boolean {
  return c.manager.discovery === 'krb5conf' || isMrs3(c.mrsVersion);
}

/** Rules across entries that a per-field schema cannot express. */
function crossChecks(file: ClustersFile): void {
  for (const [name, cluster] of Object.entries(file.clusters)) {
    const seen = new Map<string, number>();
    (cluster.clients ?? []).forEach((client, index) => {
      const key = `${client.host.toLowerCase()}:${client.port}`;
      const first = seen.get(key);
      if (first !== undefined) throw new ConfigError(`clusters.${name}.clients[${index}].host`, `duplicate client host ${client.host}:${client.port} (also clients[${first}])`);
      seen.set(key, index);
    });
    if (cluster.manager.discovery === 'krb5conf' && !(cluster.nodes && cluster.nodes.length > 0)) {
      throw new ConfigError(`clusters.${name}.manager.discovery`, 'krb5conf discovery needs at least one entry under nodes');
    }
    if (cluster.manager.trustDomains === 'captured' && !isMrs3(cluster.mrsVersion)) {
      throw new ConfigError(`clusters.${name}.manager.trustDomains`, 'captured is for MRS 3.x clusters only: set mrsVersion to the 3.x version, or remove trustDomains');
    }
    if (isMrs3(cluster.mrsVersion) && !(cluster.nodes && cluster.nodes.length > 0)) {
      // The realm, KDC service IPs and applied peers of 3.x are read from a node's krb5.conf, and
      // restart-RealmConfig.sh runs on its management nodes: both need SSH (docs/mrs3.md).
      throw new ConfigError(`clusters.${name}.nodes`, `MRS ${cluster.mrsVersion} (3.x) needs at least one entry: its management nodes (master1, master2), reached over SSH`);
    }
  }
}

/** Parses and validates config text. Pure apart from nothing: no file or network access. */
export function parseConfig(text: string, configPath: string): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    throw new ConfigError('', `${configPath}${line ? `:${line.line}:${line.col}` : ''}: YAML error: ${yamlError.message.split('\n')[0]}`, { hint: 'fix the YAML syntax' });
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw new ConfigError('', `${configPath} is empty`, { hint: 'see README "clusters.yaml"' });
  const parsed = clustersFileSchema.safeParse(data, { error: friendlyError });
  if (!parsed.success) {
    const { path, reason } = firstIssue(parsed.error);
    throw new ConfigError(path, reason, { hint: `check ${configPath}` });
  }
  crossChecks(parsed.data);
  const baseDir = dirname(configPath);
  const clusters = Object.fromEntries(Object.entries(parsed.data.clusters).map(([name, entry]) => [name, resolveCluster(name, entry, baseDir)]));
  return { path: configPath, stateDir: join(baseDir, '.mrs-trust'), clusters };
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const { absolute, text } = await readUserFile(path, 'CONFIG_NOT_FOUND', 'pass --config FILE or set MRS_TRUST_CONFIG; `mrs-trust sandbox up` writes a working one');
  return parseConfig(text, absolute);
}

/** Looks a cluster up by name, with "did you mean" on a typo. */
export function clusterByName(config: LoadedConfig, name: string): ClusterConfig {
  const cluster = config.clusters[name];
  if (cluster) return cluster;
  const names = Object.keys(config.clusters);
  throw new UsageError('UNKNOWN_CLUSTER', `no cluster "${name}" in ${config.path}${didYouMean(name, names)}`, {
    hint: names.length > 0 ? `known clusters: ${names.join(', ')}` : 'add it under clusters:',
  });
}
