import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { PublicKey } from '../../domain/ssh-trust.js';
import type { RemoteHostOptions } from '../../ports/remote-host.js';
import type { HostKeyCheck, SshTrustIo } from '../../ports/ssh-trust.js';
import { keyNeedsPassphrase, defaultKnownHosts } from './connection.js';
import { toRemoteError } from './errors.js';
import { appendKnownHost, fingerprintOf, judgeHostKey, keyTypeOf, knownHostsName, knownKeysFor, readKnownHosts, serverHostKeyOrder } from './host-key.js';
import { createRemoteHost } from './index.js';

const { Client } = ssh2;
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
const SCAN_TIMEOUT_MS = 15_000;

/** The key exchange only: the verifier records the key and refuses it, which ends the handshake. */
function offeredKey(host: string, port: number, algorithms: string[], label: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: Buffer | undefined;
    let failure: Error | undefined;
    client.on('error', (error: Error) => {
      failure ??= error;
      client.end();
    });
    // Settles once the connection is gone: with the key (refused on purpose), or with the cause.
    client.on('close', () => {
      if (offered) resolve(offered);
      else reject(toRemoteError(failure ?? new Error('closed before the key exchange'), { host, port, user: '-', field: label }, label));
    });
    client.connect({
      host,
      port,
      username: 'mrs-trust-host-key-check',
      readyTimeout: SCAN_TIMEOUT_MS,
      algorithms: { serverHostKey: algorithms as never },
      hostVerifier: (blob: Buffer) => {
        offered = blob;
        return false;
      },
    });
  });
}

/** The user's first usable default identity, as OpenSSH would offer it (encrypted ones are left to the agent). */
export async function defaultIdentity(): Promise<string | undefined> {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const path = join(homedir(), '.ssh', name);
    if (!(await access(path).then(() => true, () => false))) continue;
    if (!(await keyNeedsPassphrase(path))) return path;
  }
  return undefined;
}

export function createSshTrustIo(options: { env: NodeJS.ProcessEnv; log: NonNullable<RemoteHostOptions['log']> }): SshTrustIo {
  let identity: Promise<string | undefined> | undefined;
  return {
    async checkHostKey(host, port, knownHostsPath, label): Promise<HostKeyCheck> {
      const known = knownKeysFor(await readKnownHosts(knownHostsPath), knownHostsName(host, port));
      const blob = await offeredKey(host, port, serverHostKeyOrder(known, HOST_KEY_ALGORITHMS), label);
      const verdict = judgeHostKey(blob, { known });
      const key = { type: keyTypeOf(blob), base64: blob.toString('base64'), fingerprint: fingerprintOf(blob) };
      if (verdict.kind === 'changed') return { ...key, verdict: 'changed', expected: verdict.expected };
      return { ...key, verdict: verdict.kind };
    },
    recordHostKey: (path, host, port, key: PublicKey) => appendKnownHost(path, knownHostsName(host, port), Buffer.from(key.base64, 'base64')),
    knownKeysFor: (text, name) => knownKeysFor(text, name).map((k) => ({ type: k.type, base64: k.blob.toString('base64'), line: k.line, revoked: k.revoked })),
    defaultKnownHosts,
    async open(target) {
      identity ??= defaultIdentity();
      const key = await identity;
      const agent = options.env.SSH_AUTH_SOCK;
      // NOTE: one connection per host from here; the N×N check runs on the hosts themselves.
      return createRemoteHost({ ...target, ...(key ? { key } : {}), ...(agent ? { agent } : {}) }, { acceptNew: false, maxConnectionsPerHost: 2, log: options.log });
    },
  };
}
