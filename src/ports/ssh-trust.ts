import type { KnownKeysFor, PublicKey } from '../domain/ssh-trust.js';
import type { RemoteHost, SshTarget } from './remote-host.js';

/** A host key as the server offered it, before any authentication. */
export interface OfferedHostKey extends PublicKey {
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

/** What the local known_hosts file (or `--host-keys` file) says about an offered key. */
export interface HostKeyCheck extends OfferedHostKey {
  verdict: 'trusted' | 'unknown' | 'changed';
  /** For `changed`: the fingerprints (and lines) on record. */
  expected?: string;
}

/**
 * The SSH side of `ssh trust` / `ssh revoke` on this machine: host key checks, local known_hosts,
 * and logins. The ssh2 adapter implements it (`src/adapters/ssh/trust-io.ts`).
 */
export interface SshTrustIo {
  /**
   * Connects without authenticating and judges the offered key against `knownHostsPath`
   * (asking for the key types on record first, as OpenSSH does). Nothing is sent but the
   * key exchange. Errors: SSH_REFUSED, SSH_TIMEOUT, SSH_DISCONNECTED (RemoteError).
   */
  checkHostKey(host: string, port: number, knownHostsPath: string, label: string): Promise<HostKeyCheck>;
  /** Appends `[host]:port type key` (or `host type key` for port 22) to a local known_hosts file. */
  recordHostKey(knownHostsPath: string, host: string, port: number, key: PublicKey): Promise<void>;
  /** Keys recorded for a name in known_hosts text (plain, wildcard and hashed names). */
  knownKeysFor: KnownKeysFor;
  /** The user's own known_hosts (`~/.ssh/known_hosts`). */
  defaultKnownHosts(): string;
  /**
   * A login to one host (nothing connects until first use). `target.hostKey` pins the key
   * checked above; the user's default key (`~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`, when not
   * encrypted) or ssh-agent is offered besides the password.
   */
  open(target: Omit<SshTarget, 'key' | 'agent'>): Promise<RemoteHost>;
}

/** The `--log FILE` of the `ssh` commands: timestamped lines, appended; never a secret. */
export interface ActionLog {
  write(line: string): void;
  /** Waits for every line to reach the file. */
  close(): Promise<void>;
}
