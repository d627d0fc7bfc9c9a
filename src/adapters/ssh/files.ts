import { createWriteStream, createReadStream } from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client, SFTPWrapper } from 'ssh2';
import { shellQuote } from '../../domain/shell.js';
import { afterFrame, framed } from './exec.js';

/**
 * How files move to and from a host: SFTP when the host's SFTP subsystem works, otherwise plain
 * commands on exec channels (`cat`). Both keep the same contract; the hash check and the rename
 * into place (transfer.ts, verify.ts) are the same for both.
 */
export interface FileChannel {
  readonly kind: 'sftp' | 'exec';
  /** Writes a local file or a stream to `remote` (created with `mode`). */
  put(source: string | Readable, remote: string, mode: number, signal?: AbortSignal): Promise<void>;
  read(remote: string): Promise<Buffer>;
  get(remote: string, local: string): Promise<void>;
  /** Best effort: a failure is ignored (used to clean up a `.part` file). */
  remove(remote: string): Promise<void>;
}

/**
 * 128 KiB requests, 8 in flight (the same 1 MiB in flight as 32 × 32 KiB): a quarter of the local
 * reads and SFTP round trips, which took the tool's CPU time per 16 × 20 MB from ~2.1 s to ~1.6 s
 * (bench/clients). NOTE: OpenSSH's sftp-server accepts writes up to 256 KiB; ssh2 splits a larger
 * chunk itself for servers that announce less, so this stays correct for any SFTP server.
 */
export function fastPut(sftp: SFTPWrapper, local: string, remote: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => sftp.fastPut(local, remote, { mode, concurrency: 8, chunkSize: 128 * 1024 }, (error) => (error ? reject(error) : resolve())));
}

export function sftpFiles(sftp: SFTPWrapper): FileChannel {
  return {
    kind: 'sftp',
    async put(source, remote, mode, signal) {
      if (typeof source === 'string') return fastPut(sftp, source, remote, mode);
      await pipeline(source, sftp.createWriteStream(remote, { mode, highWaterMark: 1 << 20 }), ...(signal ? [{ signal }] : []));
    },
    read: (remote) => new Promise((resolve, reject) => sftp.readFile(remote, (error: Error | undefined, data: Buffer) => (error ? reject(error) : resolve(data)))),
    get: (remote, local) => new Promise((resolve, reject) => sftp.fastGet(remote, local, { concurrency: 32 }, (error) => (error ? reject(error) : resolve()))),
    remove: (remote) =>
      new Promise<void>((resolve) => {
        try {
          sftp.unlink(remote, () => resolve());
        } catch {
          resolve();
        }
      }),
  };
}

/** A failed transfer command: the host's own words (stderr), as SFTP's "no such file" would be. */
export class ExecTransferError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Drops stdout up to and including the frame line (start-up file noise), then passes bytes through. */
function skipToFrame(frame: string): Transform {
  const marker = Buffer.from(`${frame}\n`);
  let head: Buffer | undefined = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head === undefined) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      const at = head.indexOf(marker);
      if (at < 0) return done();
      const rest = head.subarray(at + marker.length);
      head = undefined;
      done(null, rest);
    },
  });
}

/**
 * One command whose stdin and stdout are byte streams. `run` gives it a connection (and a slot of
 * the host's channel limit). A non-zero exit rejects with the command's stderr.
 */
function streamCommand(run: <T>(use: (client: Client) => Promise<T>) => Promise<T>, command: string, io: { input?: Readable; output?: Writable; signal?: AbortSignal }): Promise<void> {
  const { command: remote, frame } = framed(command);
  return run(
    (client) =>
      new Promise<void>((resolve, reject) => {
        client.exec(remote, (error, stream) => {
          if (error) return reject(error);
          const stderr: Buffer[] = [];
          let exitCode: number | null = null;
          stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          stream.on('exit', (code: number | null) => (exitCode = typeof code === 'number' ? code : null));
          const sink = io.output ?? new Writable({ write: (_chunk, _encoding, done) => done() });
          const received = pipeline(stream, skipToFrame(frame), sink, ...(io.signal ? [{ signal: io.signal }] : []));
          const sent = io.input ? pipeline(io.input, stream, ...(io.signal ? [{ signal: io.signal }] : [])) : Promise.resolve(void stream.end());
          // The exit status arrives after stdout's end: wait for the channel to close.
          const closed = new Promise<void>((done) => stream.once('close', () => done()));
          Promise.all([received, sent, closed]).then(() => {
            const text = afterFrame(Buffer.concat(stderr).toString('utf8'), frame).trim();
            if (exitCode === 0) resolve();
            else reject(new ExecTransferError(`${command.split(' ')[0]} exited ${exitCode ?? 'without a status'}${text ? `: ${text.slice(0, 200)}` : ''}`, text));
          }, reject);
        });
      }),
  );
}

/**
 * Files over exec channels, for hosts whose SFTP subsystem is unusable: most often because sshd
 * runs an external sftp-server through the user's shell and a start-up file (~/.bashrc) prints,
 * which garbles SFTP's first packet. Also for hosts with SFTP switched off. `cat` and `rm` are
 * all it needs; the `umask` makes the file private from its first byte, as SFTP's open does.
 */
export function execFiles(run: <T>(use: (client: Client) => Promise<T>) => Promise<T>): FileChannel {
  return {
    kind: 'exec',
    async put(source, remote, mode, signal) {
      const input = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
      const octal = mode.toString(8).padStart(4, '0');
      await streamCommand(run, `umask 077 && cat > ${shellQuote(remote)} && chmod ${octal} ${shellQuote(remote)}`, { input, ...(signal ? { signal } : {}) });
    },
    async read(remote) {
      const chunks: Buffer[] = [];
      await streamCommand(run, `cat -- ${shellQuote(remote)}`, { output: new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) }) });
      return Buffer.concat(chunks);
    },
    get: (remote, local) => streamCommand(run, `cat -- ${shellQuote(remote)}`, { output: createWriteStream(local, { mode: 0o600 }) }),
    remove: (remote) => streamCommand(run, `rm -f -- ${shellQuote(remote)}`, {}).catch(() => undefined),
  };
}
