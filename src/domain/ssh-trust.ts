/**
 * The line edits of `ssh trust` / `ssh revoke`, pure: which `authorized_keys` and `known_hosts`
 * lines a host gets, and which exactly are this tool's to remove. Existing bytes are never
 * rewritten by `trust` (it only appends); `revoke` keeps every line that is not marked as ours.
 *
 * Marked lines end with a comment (the key's comment field, which both files allow):
 *   authorized_keys: `ssh-ed25519 AAAA… mrs-trust:from=omm@10.0.0.1:22`
 *   known_hosts:     `[10.0.0.2]:2222 ssh-ed25519 AAAA… mrs-trust:host=omm@10.0.0.2:2222`
 */
export const MARK_FROM = 'mrs-trust:from=';
export const MARK_HOST = 'mrs-trust:host=';
/** The comment of a key pair `ssh trust` generated (and the only pairs `--remove-keys` deletes). */
export const GENERATED_PREFIX = 'mrs-trust:generated=';

export interface PublicKey {
  type: string;
  base64: string;
}

const KEY_TYPE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(-cert-v01@openssh\.com)?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The key of a public key line (`type base64 [comment]`), or undefined. */
export function parsePublicKey(line: string): (PublicKey & { comment: string }) | undefined {
  const [type = '', base64 = '', ...comment] = line.trim().split(/\s+/);
  if (!KEY_TYPE.test(type) || !BASE64.test(base64)) return undefined;
  return { type, base64, comment: comment.join(' ') };
}

/**
 * The key of an `authorized_keys` line, whatever options precede it (`from="…",no-pty ssh-ed25519 …`).
 * Options may contain quoted spaces, so the key is found as the first `type base64` token pair.
 */
export function authorizedKeyOf(line: string): (PublicKey & { comment: string }) | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const tokens = trimmed.split(/\s+/);
  for (let i = 0; i + 1 < tokens.length; i += 1) {
    const key = parsePublicKey(tokens.slice(i).join(' '));
    if (key) return key;
  }
  return undefined;
}

/** The name known_hosts uses for a host: `host`, or `[host]:port` when the port is not 22 (as ssh looks it up). */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function authorizedLine(key: PublicKey, fromLabel: string): string {
  return `${key.type} ${key.base64} ${MARK_FROM}${fromLabel}`;
}

export function knownHostsLine(names: string[], key: PublicKey, hostLabel: string): string {
  return `${names.join(',')} ${key.type} ${key.base64} ${MARK_HOST}${hostLabel}`;
}

/** The bytes to append so that `lines` follow `text` (a missing final newline is added first). */
export function appendix(text: string, lines: string[]): string {
  if (lines.length === 0) return '';
  const newline = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${newline}${lines.map((l) => `${l}\n`).join('')}`;
}

/** The authorized_keys lines to add: each peer key not present already (with or without our mark). */
export function authorizedKeysToAdd(text: string, peers: { label: string; key: PublicKey }[]): string[] {
  const present = new Set(text.split('\n').map((l) => authorizedKeyOf(l)?.base64).filter((k): k is string => k !== undefined));
  const lines: string[] = [];
  for (const peer of peers) {
    if (present.has(peer.key.base64)) continue;
    present.add(peer.key.base64);
    lines.push(authorizedLine(peer.key, peer.label));
  }
  return lines;
}

/** Keys recorded for a name in known_hosts text (the caller matches hashed names too). */
export type KnownKeysFor = (text: string, name: string) => { type: string; base64: string; line: number; revoked: boolean }[];

export interface KnownHostsPlan {
  lines: string[];
  /** A name already bound to another key of the same type: ssh would refuse; left alone. */
  conflicts: { label: string; name: string; line: number }[];
}

/** The known_hosts lines a host needs to reach `peers` by the names users type. */
export function knownHostsToAdd(text: string, peers: { label: string; names: string[]; key: PublicKey }[], keysFor: KnownKeysFor): KnownHostsPlan {
  const lines: string[] = [];
  const conflicts: KnownHostsPlan['conflicts'] = [];
  for (const peer of peers) {
    const missing: string[] = [];
    for (const name of peer.names) {
      const known = keysFor(text, name);
      if (known.some((k) => !k.revoked && k.base64 === peer.key.base64)) continue;
      const other = known.find((k) => k.revoked ? k.base64 === peer.key.base64 : k.type === peer.key.type);
      if (other) conflicts.push({ label: peer.label, name, line: other.line });
      else missing.push(name);
    }
    if (missing.length > 0) lines.push(knownHostsLine(missing, peer.key, peer.label));
  }
  return { lines, conflicts };
}

/** Whether a line carries our mark for one of `labels` (the hosts of this host file). */
function markedFor(line: string, mark: string, labels: ReadonlySet<string>): boolean {
  const comment = line.trimEnd().split(/\s+/).pop() ?? '';
  return comment.startsWith(mark) && labels.has(comment.slice(mark.length));
}

/**
 * Removes exactly our marked lines for `labels`; every other byte stays as it was. With nothing
 * to remove, `text` is returned unchanged.
 */
export function removeMarked(text: string, mark: typeof MARK_FROM | typeof MARK_HOST, labels: ReadonlySet<string>): { text: string; removed: string[] } {
  const parts = text.split(/(?<=\n)/);
  const removed: string[] = [];
  const kept = parts.filter((part) => {
    const hit = markedFor(part, mark, labels);
    if (hit) removed.push(part.replace(/\n$/, ''));
    return !hit;
  });
  return { text: removed.length === 0 ? text : kept.join(''), removed };
}

export function generatedComment(hostLabel: string): string {
  return `${GENERATED_PREFIX}${hostLabel}`;
}

/** The comment that marks our `/etc/hosts` lines (`--set-hostnames`). */
export const HOSTS_MARK = '# mrs-trust';

export interface EtcHostsPlan {
  /** The whole new file (unchanged when there is nothing to do). */
  text: string;
  added: string[];
  removed: string[];
  /** A name another line (not ours) maps to another address: left alone, since the first match wins. */
  conflicts: string[];
}

/**
 * `--set-hostnames`: `ip name # mrs-trust` for every host, as gs_sshexkey writes its mapping
 * lines. A name already mapped to that address is left as it is; with `deduplicate`, an older
 * line of ours for the same name (another address) is replaced, without it both stay.
 */
export function planEtcHosts(text: string, entries: { ip: string; name: string }[], deduplicate: boolean): EtcHostsPlan {
  const lines = text.split(/(?<=\n)/);
  const parsed = lines.map((raw) => {
    const [body = '', comment] = raw.replace(/\r?\n$/, '').split('#', 2);
    const [ip = '', ...names] = body.trim().split(/\s+/);
    return { raw, ip, names, ours: comment !== undefined && `#${comment}`.trim() === HOSTS_MARK };
  });
  const drop = new Set<number>();
  const added: string[] = [];
  const conflicts: string[] = [];
  const ipsOf = new Map<string, Set<string>>();
  for (const e of entries) ipsOf.set(e.name, (ipsOf.get(e.name) ?? new Set()).add(e.ip));
  for (const { ip, name } of entries) {
    const ips = ipsOf.get(name) ?? new Set();
    if (ips.size > 1) {
      // Two hosts of the file report one host name: no mapping can be right; say so once.
      if ([...ips][0] === ip) conflicts.push(`${name} is the host name of ${[...ips].join(' and ')}; not mapped`);
      continue;
    }
    const holders = parsed.map((p, i) => ({ ...p, i })).filter((p) => p.names.includes(name));
    if (holders.some((p) => p.ip === ip && !drop.has(p.i))) continue;
    const foreign = holders.find((p) => !p.ours);
    if (foreign) {
      conflicts.push(`${name} is mapped to ${foreign.ip} by line ${foreign.i + 1}; left alone`);
      continue;
    }
    if (deduplicate) for (const p of holders) drop.add(p.i);
    added.push(`${ip} ${name} ${HOSTS_MARK}`);
  }
  if (added.length === 0 && drop.size === 0) return { text, added, removed: [], conflicts };
  const kept = lines.filter((_, i) => !drop.has(i)).join('');
  return { text: `${kept}${appendix(kept, added)}`, added, removed: [...drop].map((i) => (lines[i] ?? '').trimEnd()), conflicts };
}
