/**
 * The rules a real MRS 2.x Manager applies to a `peer_realms` save, written here on purpose
 * WITHOUT the tool's domain code (src/domain/), so the tool is tested against rules it did
 * not write itself. Sources: MRS "Configuring Cross-Cluster Mutual Trust Relationships".
 */
export const PEER_LIMIT_2X = 16;

const REALM = /^[A-Z0-9][A-Z0-9._]*$/;
const V4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const V4 = new RegExp(`^${V4_OCTET}(\\.${V4_OCTET}){3}$`);
const PORT = /^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$/;

export interface PeerRow {
  realm_name: string;
  ip_port: string;
}

/** One `ip:port` or `[v6]:port`; the sandbox checks IPv6 loosely (hex groups and colons). */
function entryOk(entry: string): boolean {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(entry);
  if (v6) return (v6[1] ?? '').includes(':') && PORT.test(v6[2] ?? '');
  const at = entry.lastIndexOf(':');
  return at > 0 && V4.test(entry.slice(0, at)) && PORT.test(entry.slice(at + 1));
}

/** The reason the Manager would refuse this list, or undefined when it accepts it. */
export function peerRealmsProblem(rows: readonly PeerRow[], ownRealm: string, limit = PEER_LIMIT_2X): string | undefined {
  const seen = new Set<string>();
  for (const row of rows) {
    if (!REALM.test(row.realm_name)) return `realm_name "${row.realm_name}" is invalid: use uppercase letters, digits, "." and "_", starting with a letter or digit`;
    if (row.realm_name === ownRealm) return `realm_name "${row.realm_name}" is this cluster's own realm`;
    if (seen.has(row.realm_name)) return `realm_name "${row.realm_name}" appears twice`;
    seen.add(row.realm_name);
    if (row.ip_port === '' || row.ip_port.split(',').some((e) => !entryOk(e))) {
      return `ip_port "${row.ip_port}" of ${row.realm_name} must be ip:port entries separated by commas, without spaces`;
    }
  }
  if (seen.size > limit) return `${seen.size} peer realms; at most ${limit} are allowed`;
  return undefined;
}
