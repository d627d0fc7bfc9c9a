import type { RemoteHost } from './remote-host.js';

/** A host key pinned by `--host-keys`: `type base64` as known_hosts holds it, and its fingerprint. */
export interface PinnedHostKey {
  line: string;
  fingerprint: string;
}

/**
 * The doctor's view from this machine: logins to the hosts of the host file (host keys checked
 * as everywhere: `--host-keys`, else the user's known_hosts, `--accept-new` for unknown keys),
 * and the `--host-keys` pins. Implemented over the ssh2 adapter.
 */
export interface SshDoctorIo {
  /**
   * Connects and authenticates as `user` now (the password, when given, and the user's default
   * key). Errors are RemoteErrors (SSH_REFUSED, SSH_TIMEOUT, SSH_AUTH_FAILED, HOST_KEY_*).
   */
  login(target: { host: string; port: number; user: string; label: string }): Promise<RemoteHost>;
  /** The key `--host-keys` pins for `host:port`, if the option was given and names it. */
  pinned(host: string, port: number): Promise<PinnedHostKey | undefined>;
}
