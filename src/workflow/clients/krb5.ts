import { parseKrb5Conf } from '../../domain/krb5conf.js';

/**
 * The little of krb5.conf the refresh needs: which realms a client configuration names
 * (parsed by the domain's MIT profile parser, shared with krb5.conf discovery).
 */
export interface Krb5Realms {
  defaultRealm?: string;
  /** Realms with a block under `[realms]`, in file order. */
  realms: string[];
}

export function parseKrb5Realms(text: string): Krb5Realms {
  const conf = parseKrb5Conf(text);
  const realms = Object.keys(conf.realms);
  return conf.defaultRealm === undefined ? { realms } : { defaultRealm: conf.defaultRealm, realms };
}

/** Every realm the file names: the default realm and each `[realms]` block. */
export function namedRealms(parsed: Krb5Realms): string[] {
  const all = parsed.defaultRealm ? [parsed.defaultRealm, ...parsed.realms] : parsed.realms;
  return [...new Set(all)];
}
