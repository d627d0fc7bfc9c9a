import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Secret } from '../../domain/secret.js';
import type { RemoteHost, RemoteHostOptions } from '../../ports/remote-host.js';
import type { SshDoctorIo } from '../../ports/ssh-doctor.js';
import { keyNeedsPassphrase } from './connection.js';
import { fingerprintOf, knownHostsName, knownKeysFor, readKnownHosts } from './host-key.js';
import { createRemoteHost } from './index.js';

/** The user's first default identity OpenSSH would offer without a passphrase (encrypted ones: the agent). */
async function defaultIdentity(): Promise<string | undefined> {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const path = join(homedir(), '.ssh', name);
    if (!(await access(path).then(() => true, () => false))) continue;
    if (!(await keyNeedsPassphrase(path))) return path;
  }
  return undefined;
}

export interface DoctorIoOptions {
  password?: Secret;
  hostKeys?: string;
  acceptNew: boolean;
  connectTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  log: NonNullable<RemoteHostOptions['log']>;
}

export function createSshDoctorIo(options: DoctorIoOptions): SshDoctorIo {
  let identity: Promise<string | undefined> | undefined;
  let pins: Promise<string> | undefined;
  return {
    async login(t): Promise<RemoteHost> {
      identity ??= defaultIdentity();
      const key = await identity;
      const agent = options.env.SSH_AUTH_SOCK;
      const host = createRemoteHost(
        { host: t.host, port: t.port, user: t.user, field: t.label, ...(key ? { key } : {}), ...(agent ? { agent } : {}), ...(options.password ? { password: options.password } : {}), ...(options.hostKeys ? { knownHosts: options.hostKeys } : {}) },
        { acceptNew: options.acceptNew, connectTimeoutMs: options.connectTimeoutMs, maxConnectionsPerHost: 2, log: options.log },
      );
      await host.connect();
      return host;
    },
    async pinned(host, port) {
      if (!options.hostKeys) return undefined;
      pins ??= readKnownHosts(options.hostKeys);
      const key = knownKeysFor(await pins, knownHostsName(host, port)).find((k) => !k.revoked);
      return key ? { line: `${key.type} ${key.blob.toString('base64')}`, fingerprint: fingerprintOf(key.blob) } : undefined;
    },
  };
}
