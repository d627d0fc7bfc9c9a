import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import ssh2 from 'ssh2';

// NOTE: ssh2 is CommonJS; Node's ESM loader does not expose `utils` as a named export.
const { utils } = ssh2;

export interface KeyPair {
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicLine: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export function fingerprintOfPublic(publicLine: string): string {
  const parsed = utils.parseKey(publicLine);
  if (parsed instanceof Error) throw parsed;
  return `SHA256:${createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

/**
 * An ed25519 key pair kept at `path` (private, 0600) and `path.pub`: made once per sandbox
 * state directory and reused, so host-key pins in clusters.yaml stay valid across restarts.
 */
export async function keyPairAt(path: string, comment: string): Promise<KeyPair> {
  try {
    const [privateKey, publicLine] = await Promise.all([readFile(path, 'utf8'), readFile(`${path}.pub`, 'utf8')]);
    return { privateKey, publicLine: publicLine.trim(), fingerprint: fingerprintOfPublic(publicLine.trim()) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // NOTE: ssh2's generateKeyPairSync drops a leading zero byte of the ed25519 public key about
  // once in 250 keys (a 31-byte key: "Malformed OpenSSH public key"); generate again.
  let pair = utils.generateKeyPairSync('ed25519', { comment });
  while (utils.parseKey(pair.public.trim()) instanceof Error || utils.parseKey(pair.private) instanceof Error) pair = utils.generateKeyPairSync('ed25519', { comment });
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, pair.private, { mode: 0o600 });
  await writeFile(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
  return { privateKey: pair.private, publicLine: pair.public.trim(), fingerprint: fingerprintOfPublic(pair.public) };
}
