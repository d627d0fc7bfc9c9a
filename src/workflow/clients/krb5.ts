/**
 * The little of krb5.conf the refresh needs: which realms a client configuration names.
 * Pure; tolerant of comments, indentation and `{ … }` blocks spanning lines (MIT profile syntax).
 */
export interface Krb5Realms {
  defaultRealm?: string;
  /** Realms with a block under `[realms]`, in file order. */
  realms: string[];
}

export function parseKrb5Realms(text: string): Krb5Realms {
  let section = '';
  let depth = 0;
  let defaultRealm: string | undefined;
  const realms: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') continue;
    const header = depth === 0 ? /^\[([^\]]+)\]$/.exec(line) : null;
    if (header) {
      section = (header[1] ?? '').trim().toLowerCase();
      continue;
    }
    const assignment = depth === 0 ? /^([^=\s]+)\s*=\s*(.*)$/.exec(line) : null;
    const [, key = '', value = ''] = assignment ?? [];
    if (section === 'libdefaults' && key === 'default_realm') defaultRealm = value.trim();
    if (section === 'realms' && value.startsWith('{')) realms.push(key);
    depth = Math.max(0, depth + count(line, '{') - count(line, '}'));
  }
  return defaultRealm === undefined ? { realms } : { defaultRealm, realms };
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Every realm the file names: the default realm and each `[realms]` block. */
export function namedRealms(parsed: Krb5Realms): string[] {
  const all = parsed.defaultRealm ? [parsed.defaultRealm, ...parsed.realms] : parsed.realms;
  return [...new Set(all)];
}
