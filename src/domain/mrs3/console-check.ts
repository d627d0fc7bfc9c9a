import type { Krb5Conf } from '../krb5conf.js';
import { formatKdcAddress, parseIpPort } from '../ip-port.js';
import type { PeerEntry } from '../peers.js';
import { withDefaultPort } from '../krb5conf.js';
import type { Health } from '../facts.js';

/**
 * Whether the console step took effect, read where it can be read: after restart-RealmConfig.sh
 * the node's krb5.conf lists the peer realm under [realms] with the peer's KDCs. Never assumed:
 * a missing realm or different KDCs name the console step that was not done.
 */
export type ConsoleCheck = { ok: true } | { ok: false; cause: 'realm-missing' | 'kdcs-differ'; found?: string };

function kdcSet(values: readonly string[]): Set<string> {
  return new Set(
    values.map((v) => {
      const parsed = parseIpPort(withDefaultPort(v));
      return parsed.ok ? parsed.value.map(formatKdcAddress).join(',') : v;
    }),
  );
}

export function checkPeerInKrb5Conf(conf: Krb5Conf, row: PeerEntry): ConsoleCheck {
  const realm = conf.realms[row.realm_name];
  if (!realm || realm.kdc.length === 0) return { ok: false, cause: 'realm-missing' };
  const want = parseIpPort(row.ip_port);
  const wanted = want.ok ? new Set(want.value.map(formatKdcAddress)) : new Set([row.ip_port]);
  const found = kdcSet(realm.kdc);
  const same = wanted.size === found.size && [...wanted].every((k) => found.has(k));
  return same ? { ok: true } : { ok: false, cause: 'kdcs-differ', found: [...found].join(',') };
}

/**
 * Before the script of a two-way link: the clusters must be stopped (the first console step).
 * A service reporting GOOD is running. Returns the running services (empty = stopped, or not
 * readable as running).
 */
export function runningServices(services: readonly { name: string; health: Health }[]): string[] {
  return services.filter((s) => s.health === 'GOOD').map((s) => s.name);
}
