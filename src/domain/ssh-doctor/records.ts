/**
 * Parsers of recorded command output, as the doctor collects it on each host: `stat -c`,
 * `ls -ld`, `ls -dZ`, `sshd -T`, `getent shadow`, `passwd -S`. Pure: the text comes from a
 * host (or from a recording in a test); nothing here runs a command.
 */

export interface PathStat {
  path: string;
  exists: boolean;
  /** Permission bits, e.g. 0o700. */
  mode?: number;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  type?: 'directory' | 'file' | 'link' | 'other';
}

function typeOf(text: string): PathStat['type'] {
  if (/^d|directory/.test(text)) return 'directory';
  if (/^-|regular/.test(text)) return 'file';
  if (/^l|symbolic/.test(text)) return 'link';
  return 'other';
}

/**
 * One line of `stat -c '%a %u %g %U %G %F|%n'` (what the doctor's script prints), or
 * `missing|PATH` when the path does not exist.
 */
export function parseStatLine(line: string): PathStat | undefined {
  const bar = line.indexOf('|');
  if (bar < 0) return undefined;
  const head = line.slice(0, bar).trim();
  const path = line.slice(bar + 1);
  if (head === 'missing') return { path, exists: false };
  const m = /^([0-7]{1,4}) (\d+) (\d+) (\S+) (\S+) (.+)$/.exec(head);
  if (!m) return undefined;
  return { path, exists: true, mode: parseInt(m[1] ?? '0', 8), uid: Number(m[2]), gid: Number(m[3]), owner: m[4] ?? '', group: m[5] ?? '', type: typeOf(m[6] ?? '') };
}

const PERM: Record<string, number> = { r: 4, w: 2, x: 1, s: 1, t: 1 };

/** `drwxr-x---` (with an optional trailing `.`/`+`) → type and permission bits. */
export function parseModeString(text: string): { mode: number; type: PathStat['type'] } | undefined {
  if (!/^[-dlcbps][-rwxsStT]{9}[.+@]?$/.test(text)) return undefined;
  let mode = 0;
  for (let i = 0; i < 9; i += 1) {
    const c = text[i + 1] ?? '-';
    if (c !== '-' && c !== 'S' && c !== 'T') mode |= (PERM[c] ?? 0) << (3 * (2 - Math.floor(i / 3)));
  }
  return { mode, type: typeOf(text) };
}

/** One line of `ls -ld PATH` (or `ls -ldn`): `drwx------ 2 omm omm 4096 Jan  1 00:00 /home/omm/.ssh`. */
export function parseLsLine(line: string): PathStat | undefined {
  const m = /^(\S+)\s+\d+\s+(\S+)\s+(\S+)\s+\d+(?:,\s*\d+)?\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line.trim());
  if (!m) return undefined;
  const parsed = parseModeString(m[1] ?? '');
  if (!parsed) return undefined;
  const path = (m[4] ?? '').replace(/ -> .*$/, '');
  const numeric = (s: string) => (/^\d+$/.test(s) ? { id: Number(s) } : { name: s });
  const o = numeric(m[2] ?? '');
  const g = numeric(m[3] ?? '');
  return { path, exists: true, mode: parsed.mode, type: parsed.type, ...('id' in o ? { uid: o.id } : { owner: o.name }), ...('id' in g ? { gid: g.id } : { group: g.name }) };
}

export interface SelinuxLabel {
  path: string;
  /** `unconfined_u:object_r:ssh_home_t:s0` */
  context: string;
  /** The type field: `ssh_home_t`. */
  type: string;
}

/**
 * `ls -dZ PATH` lines: `unconfined_u:object_r:ssh_home_t:s0 /root/.ssh` (coreutils 8+) or the
 * long form `drwx------. root root unconfined_u:object_r:ssh_home_t:s0 /root/.ssh` (RHEL 6).
 * Without SELinux, coreutils prints `?` for the context: no label.
 */
export function parseLsZ(text: string): SelinuxLabel[] {
  const labels: SelinuxLabel[] = [];
  for (const raw of text.split('\n')) {
    const m = /(?:^|\s)(\S+:\S+:(\S+?):s\d[^\s]*|\S+:\S+:(\S+?))\s+(\/.*)$/.exec(raw.trim());
    if (!m) continue;
    const context = m[1] ?? '';
    const parts = context.split(':');
    labels.push({ path: (m[4] ?? '').trim(), context, type: parts[2] ?? '' });
  }
  return labels;
}

/** `sshd -T` output: lower-case keyword → value (repeated keywords joined by a space). */
export function parseSshdT(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^([a-z0-9]+) (.*)$/.exec(raw.trim());
    if (!m) continue;
    const key = m[1] ?? '';
    const value = m[2] ?? '';
    out.set(key, out.has(key) ? `${out.get(key)} ${value}` : value);
  }
  return out;
}

/** `AuthorizedKeysFile` tokens with `%h`, `%u`, `%%` expanded (relative paths are under the home). */
export function authorizedKeysFiles(value: string | undefined, home: string, user: string): string[] {
  const tokens = (value ?? '.ssh/authorized_keys .ssh/authorized_keys2').split(/\s+/).filter((t) => t !== '' && t !== 'none');
  return tokens.map((t) => {
    const expanded = t.replace(/%%|%h|%u|%U/g, (s) => (s === '%%' ? '%' : s === '%h' ? home : s === '%u' ? user : s));
    return expanded.startsWith('/') ? expanded : `${home.replace(/\/$/, '')}/${expanded}`;
  });
}

/** `MaxStartups start:rate:full` (or a single number). */
export function parseMaxStartups(value: string | undefined): { start: number; rate: number; full: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(':').map(Number);
  if (parts.some((n) => !Number.isFinite(n))) return undefined;
  const [start = 10, rate = 100, full = start] = parts;
  return parts.length === 1 ? { start, rate: 100, full: start } : { start, rate, full };
}

export interface AccountState {
  locked: boolean;
  /** No usable password hash at all (`*`, empty): key logins still work unless locked. */
  noPassword: boolean;
  /** The password must be changed (last change 0, or older than the maximum age). */
  passwordExpired: boolean;
  /** The account itself expired (field 8). */
  accountExpired: boolean;
  /** The raw evidence, with the hash removed. */
  evidence: string;
}

/**
 * One `getent shadow USER` line. `today` is days since 1970-01-01 on the host (`date +%s` /
 * 86400), so expiry is judged by the host's clock, as sshd and PAM do.
 */
export function parseShadow(line: string, today: number): AccountState | undefined {
  const f = line.trim().split(':');
  if (f.length < 8) return undefined;
  const [name, hash = '', last, , max, , , expire] = f;
  const n = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  const lastChange = n(last);
  const maxAge = n(max);
  const expires = n(expire);
  const locked = hash.startsWith('!');
  const passwordExpired = lastChange === 0 || (lastChange !== undefined && maxAge !== undefined && maxAge < 99999 && lastChange + maxAge < today);
  const accountExpired = expires !== undefined && expires < today;
  const shownHash = locked ? `!${hash.length > 1 ? '<hash>' : ''}` : hash === '' || hash === '*' ? hash : '<hash>';
  return { locked, noPassword: hash.replace(/^!+/, '') === '' || hash.replace(/^!+/, '') === '*', passwordExpired, accountExpired, evidence: [name, shownHash, ...f.slice(2)].join(':') };
}

/** `passwd -S USER`: `omm L 2024-05-01 0 99999 7 -1` (L locked, NP no password, P usable). */
export function parsePasswdS(line: string): { user: string; status: 'L' | 'NP' | 'P'; lastChange: string } | undefined {
  const m = /^(\S+)\s+(L|LK|NP|P|PS)\s+(\S+)/.exec(line.trim());
  if (!m) return undefined;
  const s = m[2] ?? '';
  return { user: m[1] ?? '', status: s === 'L' || s === 'LK' ? 'L' : s === 'NP' ? 'NP' : 'P', lastChange: m[3] ?? '' };
}

/** Splits output printed as `@@<nonce> <name>` headers into named sections (text before the first header is `''`). */
export function splitSections(text: string, nonce: string): Map<string, string> {
  const sections = new Map<string, string>();
  const marker = `@@${nonce} `;
  let name = '';
  let lines: string[] = [];
  // Headers are printed after a newline (output before them may lack one): drop the blank lines that leaves.
  const flush = () => sections.set(name, ((sections.get(name) ?? '') + lines.join('\n')).replace(/\n+$/, ''));
  for (const line of text.split('\n')) {
    if (line.startsWith(marker)) {
      flush();
      name = line.slice(marker.length).trim();
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return sections;
}
