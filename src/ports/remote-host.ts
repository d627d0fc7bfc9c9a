import type { Readable } from 'node:stream';

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
 * One SSH-reachable host (a client host or a cluster node). Host keys are verified before any
 * byte of auth is sent. Errors are RemoteErrors with codes SSH_REFUSED, SSH_TIMEOUT,
 * SSH_AUTH_FAILED, HOST_KEY_UNKNOWN, HOST_KEY_CHANGED, SSH_DISCONNECTED.
 */
export interface RemoteHost {
  /** `user@host:port`, for messages. */
  readonly label: string;
  connect(): Promise<void>;
  exec(command: string, options?: { timeoutMs?: number; stdin?: string; signal?: AbortSignal }): Promise<ExecResult>;
  /** Uploads a local file (fast path). */
  uploadFile(localPath: string, remotePath: string, options?: { signal?: AbortSignal }): Promise<UploadResult>;
  /** Uploads a generated stream. */
  uploadStream(source: Readable, remotePath: string, options?: { signal?: AbortSignal }): Promise<UploadResult>;
  readFile(remotePath: string): Promise<Buffer>;
  /** Downloads a remote file to a local path (SFTP), for tarballs on cluster nodes. */
  downloadFile(remotePath: string, localPath: string): Promise<{ bytes: number }>;
  close(): Promise<void>;
}
