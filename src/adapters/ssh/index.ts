import { rename, rm, stat } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { Readable } from 'node:stream';
import type { Client, SFTPWrapper } from 'ssh2';
import { InterruptedError, RemoteError } from '../../errors/index.js';
import type { ExecResult, RemoteHost, RemoteHostOptions, SshTarget, UploadResult } from '../../ports/remote-host.js';
import { openClient } from './connection.js';
import { disconnected, toRemoteError } from './errors.js';
import { runExec, type ExecOptions } from './exec.js';
import { acquireSlot } from './limiter.js';
import { ExecTransferError, execFiles, sftpFiles, type FileChannel } from './files.js';
import { uploadFile, uploadStream, type TransferHost } from './transfer.js';

export { fingerprintOf } from './host-key.js';
export { keyNeedsPassphrase } from './connection.js';

interface Live {
  client: Client;
  closed: boolean;
  release: () => void;
  sftp?: Promise<SFTPWrapper>;
  files?: Promise<FileChannel>;
}

/** The ssh2 adapter behind the `RemoteHost` port. One lazily opened connection, shared by concurrent calls. */
class SshRemoteHost implements RemoteHost {
  readonly label: string;
  readonly #target: SshTarget;
  readonly #options: RemoteHostOptions;
  #live: Promise<Live> | undefined;
  /**
   * NOTE: OpenSSH allows 10 sessions per connection (MaxSessions) and refuses more channels
   * with "open failed"; the SFTP session takes one, so at most 8 commands run at once.
   */
  readonly #channels = pLimit(8);

  constructor(target: SshTarget, options: RemoteHostOptions) {
    this.#target = target;
    this.#options = options;
    this.label = `${target.user}@${target.host}:${target.port}`;
  }

  async connect(): Promise<void> {
    await this.#connection();
  }

  #connection(): Promise<Live> {
    this.#live ??= this.#open().catch((error: unknown) => {
      this.#live = undefined;
      throw error;
    });
    return this.#live;
  }

  async #open(): Promise<Live> {
    const release = await acquireSlot(`${this.#target.host}:${this.#target.port}`, this.#options.maxConnectionsPerHost ?? 4);
    try {
      const { client, accepted } = await openClient(this.#target, this.#options, this.label);
      if (accepted) this.#options.log?.warn(`${this.label}: accepted new host key ${accepted} (--accept-new)`);
      const live: Live = { client, release, closed: false };
      // After ready, errors arrive as 'error' then 'close'; operations see the close.
      client.on('error', (error: Error) => this.#options.log?.debug(`${this.label}: ${error.message}`));
      client.once('close', () => {
        live.closed = true;
        release();
        if (this.#live && live === this.#current) this.#live = undefined;
      });
      this.#current = live;
      return live;
    } catch (error) {
      release();
      throw error;
    }
  }

  #current: Live | undefined;

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) throw new InterruptedError();
    return this.#channels(async () => {
      for (let attempt = 1; ; attempt += 1) {
        const { client } = await this.#connection();
        try {
          return await runExec(client, command, options, this.#target, this.label);
        } catch (error) {
          // NOTE: sshd may still count a session the client already saw closed; "open failed"
          // refuses the channel only, so wait a moment and open it again.
          const refused = /open failed/i.test(String((error as { cause?: { message?: string } }).cause?.message));
          if (!refused || attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
        }
      }
    });
  }

  #sftp(): Promise<SFTPWrapper> {
    return this.#connection().then((live) => {
      live.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
        live.client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
      }).catch((error: unknown) => {
        live.sftp = undefined;
        throw sftpUnusable(error) ? error : toRemoteError(error, this.#target, this.label);
      });
      return live.sftp;
    });
  }

  /**
   * SFTP when it works; exec channels when the host's SFTP subsystem is unusable (a start-up file
   * that prints garbles sftp-server's first packet, or SFTP is switched off). Decided once per
   * connection, and said in the log.
   */
  #files(): Promise<FileChannel> {
    return this.#connection().then((live) => {
      live.files ??= this.#sftp().then(sftpFiles, (error: unknown) => {
        if (!sftpUnusable(error)) {
          live.files = undefined;
          throw error;
        }
        this.#options.log?.debug(`${this.label}: SFTP unusable (${(error as Error).message}); files go over exec channels (cat) instead`);
        return execFiles((use) => this.#channels(async () => use((await this.#connection()).client)));
      });
      return live.files;
    });
  }

  #transfer(): TransferHost {
    return {
      label: this.label,
      files: () => this.#files(),
      exec: (command) => this.exec(command),
      convert: (error, what) => this.#convert(error, what),
      debug: (line) => this.#options.log?.debug(line),
    };
  }

  #convert(error: unknown, what: string): Error {
    if (error instanceof RemoteError || error instanceof InterruptedError) return error;
    if ((error as { name?: string }).name === 'AbortError') return new InterruptedError();
    if (error instanceof ExecTransferError) {
      return new RemoteError('SSH_TRANSFER_FAILED', `${this.label}: ${what}: ${error.stderr || error.message}`, { hint: `check that the directory exists and is writable by ${this.#target.field}.user`, cause: error });
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') {
      // SFTP status codes: 2 no such file, 3 permission denied, 4 failure (e.g. disk full).
      const why = code === 2 ? 'no such file or directory' : code === 3 ? 'permission denied' : (error as Error).message;
      return new RemoteError('SSH_TRANSFER_FAILED', `${this.label}: ${what}: ${why}`, { hint: `check that the directory exists and is writable by ${this.#target.field}.user`, cause: error });
    }
    if (!this.#current || this.#live === undefined) return disconnected(this.label, this.#target, what);
    return toRemoteError(error, this.#target, this.label);
  }

  /** Races an SFTP operation with the connection closing (ssh2 may leave it pending otherwise). */
  async #guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    const live = await this.#connection();
    let onClose: (() => void) | undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(disconnected(this.label, this.#target, what));
      live.client.once('close', onClose);
    });
    try {
      return await Promise.race([run(), closed]);
    } catch (error) {
      throw this.#convert(error, what);
    } finally {
      if (onClose) live.client.removeListener('close', onClose);
    }
  }

  uploadFile(localPath: string, remotePath: string, options: { signal?: AbortSignal; mode?: number; sha256?: string } = {}): Promise<UploadResult> {
    return this.#abortable(options.signal, () => this.#guard(`upload to ${remotePath}`, () => uploadFile(this.#transfer(), localPath, remotePath, options.mode, options.sha256)));
  }

  sendFile(localPath: string, remotePath: string, options: { signal?: AbortSignal; mode?: number } = {}): Promise<{ bytes: number }> {
    return this.#abortable(options.signal, () =>
      this.#guard(`upload to ${remotePath}`, async () => {
        await (await this.#files()).put(localPath, remotePath, options.mode ?? 0o600);
        return { bytes: (await stat(localPath)).size };
      }),
    );
  }

  uploadStream(source: Readable, remotePath: string, options: { signal?: AbortSignal; mode?: number } = {}): Promise<UploadResult> {
    return this.#guard(`upload to ${remotePath}`, () => uploadStream(this.#transfer(), source, remotePath, options.mode, options.signal));
  }

  readFile(remotePath: string): Promise<Buffer> {
    return this.#guard(`read ${remotePath}`, async () => (await this.#files()).read(remotePath));
  }

  downloadFile(remotePath: string, localPath: string): Promise<{ bytes: number }> {
    // Downloaded under a temporary name and renamed: a failure never leaves a partial file at localPath.
    const partial = `${localPath}.${process.pid}.part`;
    return this.#guard(`download ${remotePath}`, async () => {
      try {
        await (await this.#files()).get(remotePath, partial);
        await rename(partial, localPath);
      } finally {
        await rm(partial, { force: true });
      }
      return { bytes: (await stat(localPath)).size };
    });
  }

  /** fastPut cannot be cancelled: an abort ends the connection, which fails it. */
  async #abortable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (!signal) return run();
    if (signal.aborted) throw new InterruptedError();
    const onAbort = () => this.#current?.client.end();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await run();
    } catch (error) {
      throw signal.aborted ? new InterruptedError() : error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    const pending = this.#live;
    this.#live = undefined;
    if (!pending) return;
    const live = await pending.catch(() => undefined);
    if (!live || live.closed) return;
    await new Promise<void>((resolve) => {
      live.client.once('close', () => resolve());
      live.client.end();
    });
    live.release();
  }
}

/**
 * ssh2's verdict on an SFTP session that never started: garbage where the VERSION packet belongs
 * (level "sftp-protocol", e.g. "Packet length 1466264675 exceeds max length": the first bytes of
 * "Welcome…"), or a subsystem request sshd refused.
 */
function sftpUnusable(error: unknown): boolean {
  const e = error as { level?: string; message?: string };
  return e.level === 'sftp-protocol' || /subsystem request failed|unable to start subsystem/i.test(e.message ?? '');
}

/** Builds a `RemoteHost` for one config entry; nothing connects until first use. */
export function createRemoteHost(target: SshTarget, options: RemoteHostOptions = {}): RemoteHost {
  return new SshRemoteHost(target, options);
}
