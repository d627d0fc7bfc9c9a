import { parseKdcAddress, type KdcAddress } from './ip-port.js';
import { fail, ok, type Result } from './result.js';

/**
 * The part of an MIT krb5.conf (profile syntax) that discovery needs: `[libdefaults]
 * default_realm` and each `[realms] R = { kdc = … }` block. Comments (`#`, `;`) start a line;
 * `{ … }` blocks may nest (`[capaths]`); a `*` after a name (final marker) is ignored. Pure.
 */
export interface Krb5Conf {
  defaultRealm?: string;
  /** Realm name → its `kdc` and `admin_server` values, in file order. */
  realms: Record<string, { kdc: string[]; adminServer: string[] }>;
}

interface ParseState {
  conf: Krb5Conf;
  section: string;
  /** Names of the open `{` blocks, outermost first. */
  stack: string[];
}

function relation(state: ParseState, key: string, value: string): void {
  const { conf, section, stack } = state;
  if (section === 'libdefaults' && stack.length === 0 && key === 'default_realm') conf.defaultRealm ??= value;
  if (section !== 'realms' || stack.length !== 1) return;
  const entry = (conf.realms[stack[0] as string] ??= { kdc: [], adminServer: [] });
  if (key === 'kdc') entry.kdc.push(value);
  if (key === 'admin_server') entry.adminServer.push(value);
}

function line(state: ParseState, text: string): void {
  const header = state.stack.length === 0 ? /^\[([^\]]+)\]\*?$/.exec(text) : null;
  if (header) {
    state.section = (header[1] ?? '').trim().toLowerCase();
    return;
  }
  if (text.startsWith('}')) {
    state.stack.pop();
    return;
  }
  const match = /^([^=\s]+?)\*?\s*=\s*(.*?)\s*$/.exec(text);
  if (!match) return;
  const [, key = '', value = ''] = match;
  if (!value.startsWith('{')) return relation(state, key, value);
  if (!value.endsWith('}')) state.stack.push(key);
}

export function parseKrb5Conf(text: string): Krb5Conf {
  const state: ParseState = { conf: { realms: {} }, section: '', stack: [] };
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith(';')) line(state, trimmed);
  }
  return state.conf;
}

/** MIT's default KDC port, for a `kdc` line without one (MRS always writes 21732). */
export const DEFAULT_KDC_PORT = 88;

export function withDefaultPort(entry: string): string {
  if (entry.startsWith('[')) return /\]:\d+$/.test(entry) ? entry : `${entry}:${DEFAULT_KDC_PORT}`;
  const colons = entry.split(':').length - 1;
  if (colons === 0) return `${entry}:${DEFAULT_KDC_PORT}`;
  return colons === 1 ? entry : `[${entry}]:${DEFAULT_KDC_PORT}`;
}

/**
 * The realm (default_realm, or the only realm listed) and its KDCs as IP addresses: the
 * peer_realms `ip_port` format needs IPs, so a host name is refused with a reason.
 */
export function realmAndKdcs(conf: Krb5Conf): Result<{ realm: string; kdcs: KdcAddress[] }> {
  const names = Object.keys(conf.realms);
  const realm = conf.defaultRealm ?? (names.length === 1 ? names[0] : undefined);
  if (!realm) return fail(names.length === 0 ? 'no default_realm and no [realms] block' : `no default_realm, and several realms listed (${names.join(', ')})`);
  const entries = conf.realms[realm]?.kdc ?? [];
  if (entries.length === 0) return fail(`no "kdc =" line for ${realm} under [realms]`);
  const kdcs: KdcAddress[] = [];
  for (const entry of entries) {
    const parsed = parseKdcAddress(withDefaultPort(entry));
    if (!parsed.ok) return fail(`kdc "${entry}" of ${realm}: ${/is not an IPv4/.test(parsed.reason) ? 'a host name; peer_realms needs IP addresses' : parsed.reason}`);
    if (!kdcs.some((k) => k.ip === parsed.value.ip && k.port === parsed.value.port)) kdcs.push(parsed.value);
  }
  return ok({ realm, kdcs });
}

/**
 * The other realms a krb5.conf lists, as peer rows (`realm_name`, `ip_port` = its `kdc` lines
 * joined by commas, IPv6 in brackets; a `kdc` without port keeps MIT's default 88). On MRS 3.x
 * this is where a peer shows once restart-RealmConfig.sh has applied the saved Peer Mutual
 * Trust Domain (docs/assumptions.md "MRS 3.x"). A realm without `kdc` lines is left out.
 */
export function otherRealms(conf: Krb5Conf, realm: string): { realm_name: string; ip_port: string }[] {
  return Object.entries(conf.realms)
    .filter(([name, entry]) => name !== realm && entry.kdc.length > 0)
    .map(([name, entry]) => ({ realm_name: name, ip_port: entry.kdc.map(withDefaultPort).join(',') }));
}
