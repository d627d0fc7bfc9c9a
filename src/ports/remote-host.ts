import type { Readable } from 'node:stream';
import type { Secret } from '../domain/secret.js';

export interface ExecResult {
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface UploadResult {
  bytes: number;
  /** Hex SHA-256 computed while streaming and checked on the host. */
  sha256: string;
}

/**
 * Where and how to log in: one `nodes[i]` or `clients[i]` entry of clusters.yaml with its
 * secrets resolved. Host key trust: `hostKey` (a pin, as `ssh-keygen -lf` prints it) wins;
 * otherwise `knownHosts` (default `~/.ssh/known_hosts`).
 */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** Private key file (OpenSSH or PEM format). */
  key?: string;
  passphrase?: Secret;
  password?: Secret;
  /** ssh-agent socket (`SSH_AUTH_SOCK`), used only when neither `key` nor `password` is given. */
  agent?: string;
  /** `SHA256:` + 43 base64 characters. */
  hostKey?: string;
  /** A known_hosts file (hashed entries and `[host]:port` understood). */
  knownHosts?: string;
  /** The config path of this entry, e.g. `clusters.alpha.clients[0]`: hints name its fields. */
  field: string;
}

export interface RemoteHostOptions {
  /** Trust (and record in known_hosts) a host key never seen before. Never accepts a changed key. */
  acceptNew?: boolean;
  /** TCP connect + SSH handshake + auth; default 20 s. */
  connectTimeoutMs?: number;
  /** Open connections per `host:port` in this process (sshd MaxStartups); default 4. */
  maxConnectionsPerHost?: number;
  log?: { warn(line: string): void; debug(line: string): void };
}

/**
 * One SSH-reachable host (a client host or a cluster node). Host keys are verified before any
 * byte of auth is sent. Errors are RemoteErrors with codes SSH_REFUSED, SSH_TIMEOUT,
 * SSH_AUTH_FAILED, HOST_KEY_UNKNOWN, HOST_KEY_CHANGED, SSH_DISCONNECTED (plus UPLOAD_MISMATCH
 * when the hash computed on the host disagrees); a key file that cannot be read is a ConfigError.
 * The connection opens lazily on first use and is reused by concurrent calls.
 */
export interface RemoteHost {
  /** `user@host:port`, for messages. */
  readonly label: string;
  connect(): Promise<void>;
  /**
   * A non-zero exit is a result, not an error. A timeout is SSH_TIMEOUT (the command is killed).
   * `holdStdin`: stdin stays open until the command ends, so a command can watch it and stop
   * when the channel closes (OpenSSH does not stop a command whose channel was closed).
   * Output printed by the login shell's start-up files (~/.bashrc) before the command ran is
   * dropped; `raw` keeps it (ssh doctor looks for it).
   */
  exec(command: string, options?: { timeoutMs?: number; stdin?: string; signal?: AbortSignal; holdStdin?: boolean; raw?: boolean }): Promise<ExecResult>;
  /**
   * Uploads a local file (fast path). Writes a hidden temporary name next to `remotePath`,
   * checks its SHA-256 on the host (openssl dgst, else sha256sum), then renames: `remotePath` never holds a partial file.
   */
  uploadFile(localPath: string, remotePath: string, options?: { signal?: AbortSignal; mode?: number; /** The file's SHA-256 when already known: not re-hashed; the host's check compares with it. */ sha256?: string }): Promise<UploadResult>;
  /**
   * Writes a local file to `remotePath` over SFTP and nothing else (no shell session): for a
   * caller that checks the hash on the host itself and writes into a directory it made private.
   */
  sendFile(localPath: string, remotePath: string, options?: { signal?: AbortSignal; mode?: number }): Promise<{ bytes: number }>;
  /** Uploads a generated stream, with the same temporary name, check and rename. */
  uploadStream(source: Readable, remotePath: string, options?: { signal?: AbortSignal; mode?: number }): Promise<UploadResult>;
  readFile(remotePath: string): Promise<Buffer>;
  /** Downloads a remote file to a local path (SFTP), for tarballs on cluster nodes. */
  downloadFile(remotePath: string, localPath: string): Promise<{ bytes: number }>;
  close(): Promise<void>;
}
