import type { Secret } from '../../domain/secret.js';
import type { RemoteHost, RemoteHostOptions } from '../../ports/remote-host.js';
import type { SshDoctorIo } from '../../ports/ssh-doctor.js';
import { fingerprintOf, knownHostsName, knownKeysFor, readKnownHosts } from './host-key.js';
import { createRemoteHost } from './index.js';
import { defaultIdentity } from './trust-io.js';

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
