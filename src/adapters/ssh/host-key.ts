import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Host key trust, as OpenSSH does it: a pinned fingerprint, or known_hosts lines (plain,
 * wildcard, negated, hashed `|1|salt|hash`, and `[host]:port` for ports other than 22).
 */

/** `SHA256:` + unpadded base64, exactly what `ssh-keygen -lf` prints. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

export { knownHostsName } from '../../domain/ssh-trust.js';

export interface KnownKey {
  type: string;
  blob: Buffer;
  revoked: boolean;
  line: number;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function hostsMatch(field: string, name: string): boolean {
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Keys recorded for `name` in known_hosts text (`@cert-authority` lines are not host keys). */
export function knownKeysFor(text: string, name: string): KnownKey[] {
  const keys: KnownKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let fields = line.split(/\s+/);
    let marker = '';
    if (fields[0]?.startsWith('@')) {
      marker = fields[0];
      fields = fields.slice(1);
    }
    const [hosts, type, base64] = fields;
    if (!hosts || !type || !base64 || marker === '@cert-authority') return;
    if (!hostsMatch(hosts, name)) return;
    keys.push({ type, blob: Buffer.from(base64, 'base64'), revoked: marker === '@revoked', line: index + 1 });
  });
  return keys;
}

export type Verdict =
  | { kind: 'trusted' }
  | { kind: 'unknown'; fingerprint: string }
  | { kind: 'changed'; fingerprint: string; expected: string; revoked?: boolean };

/** Decides about an offered host key. Pure: known_hosts text is read by the caller. */
export function judgeHostKey(offered: Buffer, trust: { pin?: string; known?: KnownKey[] }): Verdict {
  const fingerprint = fingerprintOf(offered);
  if (trust.pin !== undefined) {
    return fingerprint === trust.pin ? { kind: 'trusted' } : { kind: 'changed', fingerprint, expected: trust.pin };
  }
  const known = trust.known ?? [];
  const revoked = known.find((k) => k.revoked && k.blob.equals(offered));
  if (revoked) return { kind: 'changed', fingerprint, expected: `not ${fingerprint} (revoked, line ${revoked.line})`, revoked: true };
  const live = known.filter((k) => !k.revoked);
  if (live.some((k) => k.blob.equals(offered))) return { kind: 'trusted' };
  if (live.length === 0) return { kind: 'unknown', fingerprint };
  // NOTE: the client asks the server for the key types already known (serverHostKeyOrder),
  // so a known host offering a different key really has a different key: treat it as changed.
  return { kind: 'changed', fingerprint, expected: live.map((k) => `${fingerprintOf(k.blob)} (line ${k.line})`).join(', ') };
}

const ALGORITHMS_OF_TYPE: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Server host key algorithms with the types already known for this host first (as OpenSSH orders them). */
export function serverHostKeyOrder(known: KnownKey[], supported: readonly string[]): string[] {
  const preferred = [...new Set(known.filter((k) => !k.revoked).flatMap((k) => ALGORITHMS_OF_TYPE[k.type] ?? [k.type]))].filter((a) => supported.includes(a));
  if (preferred.length === 0) return [...supported];
  return [...preferred, ...supported.filter((a) => !preferred.includes(a))];
}

export async function readKnownHosts(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Appends one plain line (one `write` with O_APPEND, so parallel appends do not interleave). */
export async function appendKnownHost(path: string, name: string, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const existing = await readKnownHosts(path);
  const newline = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(path, `${newline}${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}
