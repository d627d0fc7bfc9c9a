import { shellQuote } from '../../domain/shell.js';
import { otherRealms, parseKrb5Conf, realmAndKdcs } from '../../domain/krb5conf.js';
import type { PeerEntry } from '../../domain/peers.js';
import type { KdcAddress } from '../../domain/ip-port.js';
import { RemoteError } from '../../errors/index.js';
import type { RemoteHost } from '../../ports/remote-host.js';

/**
 * `manager.discovery: krb5conf` — the documented-only fallback (mrs.md: "read realm and KDC
 * addresses from a cluster node's client krb5.conf over SSH"): no undocumented Manager API.
 *
 * ASSUMED (docs/assumptions.md "krb5.conf discovery"): an MRS client installed at `/opt/client`
 * keeps its Kerberos configuration at `KrbClient/kerberos/var/krb5kdc/krb5.conf` (the path MRS
 * sample code and docs use); `/opt/Bigdata/client` is the other common install directory, and
 * `/etc/krb5.conf` is the last resort. The first readable one wins.
 */
export const KRB5_CONF_CANDIDATES = [
  '/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf',
  '/opt/Bigdata/client/KrbClient/kerberos/var/krb5kdc/krb5.conf',
  '/etc/krb5.conf',
] as const;

export interface Krb5Discovery {
  realm: string;
  kdcs: KdcAddress[];
  /** Every other realm the file lists (MRS 3.x: the applied Peer Mutual Trust Domain). */
  peers: PeerEntry[];
  /** `user@host:port:/path` the values came from. */
  source: string;
}

const SEPARATOR = '--- mrs-trust krb5.conf ---';

/** One round trip: prints the first readable candidate's path, a separator, then the file. */
export function readFirstCommand(paths: readonly string[]): string {
  const list = paths.map(shellQuote).join(' ');
  return `for f in ${list}; do if [ -r "$f" ]; then echo "$f"; echo ${shellQuote(SEPARATOR)}; cat "$f"; exit 0; fi; done; exit 3`;
}

/** The path and text `readFirstCommand` printed; undefined when its output is not that. */
export function splitReadFirst(stdout: string): { path: string; text: string } | undefined {
  const at = stdout.indexOf(`\n${SEPARATOR}\n`);
  return at < 0 ? undefined : { path: stdout.slice(0, at), text: stdout.slice(at + SEPARATOR.length + 2) };
}

/** Reads realm and KDCs from one node. `field` is the cluster's config path (`clusters.alpha`). */
export async function discoverFromNode(host: RemoteHost, field: string, paths: readonly string[] = KRB5_CONF_CANDIDATES): Promise<Krb5Discovery> {
  const result = await host.exec(readFirstCommand(paths), { timeoutMs: 30_000 });
  if (result.exitCode === 3) {
    throw new RemoteError('KRB5CONF_NOT_FOUND', `${host.label}: no readable krb5.conf (looked at ${paths.join(', ')})`, {
      hint: `install the MRS client on that node, list another node under ${field}.nodes, or set ${field}.manager.discovery: api`,
    });
  }
  const read = splitReadFirst(result.stdout);
  if (result.exitCode !== 0 || !read) {
    throw new RemoteError('KRB5CONF_UNREADABLE', `${host.label}: reading krb5.conf failed (exit ${result.exitCode}): ${result.stderr.trim().slice(0, 200)}`, { hint: `check ${field}.nodes[…].user can read the client directory` });
  }
  const { path, text } = read;
  const conf = parseKrb5Conf(text);
  const parsed = realmAndKdcs(conf);
  if (!parsed.ok) {
    throw new RemoteError('KRB5CONF_INVALID', `${host.label}:${path}: ${parsed.reason}`, { hint: `fix that file on the node, or set ${field}.manager.discovery: api` });
  }
  return { ...parsed.value, peers: otherRealms(conf, parsed.value.realm), source: `${host.label}:${path}` };
}

/**
 * Tries the cluster's nodes in order; the first that answers wins. When all fail, the last
 * error is thrown with the others listed in its details.
 */
export async function discoverFromNodes(hosts: readonly RemoteHost[], field: string, paths?: readonly string[]): Promise<Krb5Discovery> {
  const failures: string[] = [];
  let last: unknown = new RemoteError('KRB5CONF_NO_NODES', `${field}: no nodes to read krb5.conf from`, { hint: `add ${field}.nodes or set ${field}.manager.discovery: api` });
  for (const host of hosts) {
    try {
      return await discoverFromNode(host, field, paths);
    } catch (error) {
      last = error;
      failures.push(error instanceof Error ? error.message : String(error));
    } finally {
      await host.close();
    }
  }
  if (last instanceof RemoteError && failures.length > 1) {
    throw new RemoteError(last.code, last.message, { hint: last.hint, cause: last, details: { failures } });
  }
  throw last;
}
