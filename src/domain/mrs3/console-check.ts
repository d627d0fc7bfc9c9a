import { formatIpPort, parseKdcAddress, type KdcAddress } from '../ip-port.js';
import { withDefaultPort, type Krb5Conf } from '../krb5conf.js';
import { findPeer, sameEntry, type PeerEntry } from '../peers.js';

/**
 * Whether the console step took effect, read where it can be read: after restart-RealmConfig.sh
 * the node's krb5.conf lists the peer realm under [realms] with the peer's KDCs. Never assumed:
 * a missing realm or different KDCs name the console step that was not done.
 */
export type ConsoleCheck = { ok: true } | { ok: false; cause: 'realm-missing' | 'kdcs-differ'; found?: string };

/** The realms a krb5.conf lists besides its own, as rows (`ip_port` from their `kdc` lines). */
export function krb5Peers(conf: Krb5Conf, own: string): PeerEntry[] {
  return Object.entries(conf.realms)
    .filter(([realm, r]) => realm !== own && r.kdc.length > 0)
    .map(([realm, r]) => {
      const kdcs = r.kdc.map((k) => parseKdcAddress(withDefaultPort(k))).flatMap((p): KdcAddress[] => (p.ok ? [p.value] : []));
      return { realm_name: realm, ip_port: kdcs.length === r.kdc.length ? formatIpPort(kdcs) : r.kdc.join(',') };
    });
}

/** The planned row against the rows read from the node (same KDCs in any order). */
export function checkPeerRow(peers: readonly PeerEntry[], row: PeerEntry): ConsoleCheck {
  const found = findPeer(peers, row.realm_name);
  if (!found) return { ok: false, cause: 'realm-missing' };
  const sorted = (e: PeerEntry): PeerEntry => ({ realm_name: e.realm_name, ip_port: e.ip_port.split(',').sort().join(',') });
  return sameEntry(sorted(found), sorted(row)) ? { ok: true } : { ok: false, cause: 'kdcs-differ', found: found.ip_port };
}
