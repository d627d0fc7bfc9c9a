import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { RemoteError } from '../../errors/index.js';
import type { ExecResult, UploadResult } from '../../ports/remote-host.js';
import type { FileChannel } from './files.js';
import { parseVerify, verifyAndMoveCommand } from './verify.js';

/** What the upload needs from the host it runs on. */
export interface TransferHost {
  label: string;
  /** SFTP, or exec channels when the host's SFTP is unusable (files.ts). */
  files(): Promise<FileChannel>;
  exec(command: string): Promise<ExecResult>;
  /** Converts an SFTP/socket error (a disconnect becomes SSH_DISCONNECTED). */
  convert(error: unknown, what: string): Error;
  debug?(line: string): void;
}

/** `dir/.name.<random>.part`: hidden, clearly partial, and unique per upload. */
export function tempNameFor(remotePath: string): string {
  return posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.${randomBytes(6).toString('hex')}.part`);
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes to a temporary name, then one remote command checks its SHA-256 on the host against the
 * hash computed while sending and only then renames (verify.ts). A dropped connection leaves at
 * most a hidden `.part` file: the target path only ever appears complete and verified.
 */
async function verifiedUpload(host: TransferHost, remotePath: string, write: (files: FileChannel, tmp: string) => Promise<{ bytes: number; sha256: string }>): Promise<UploadResult> {
  const tmp = tempNameFor(remotePath);
  const files = await host.files();
  let sent: { bytes: number; sha256: string };
  const started = performance.now();
  try {
    sent = await write(files, tmp);
  } catch (error) {
    await files.remove(tmp);
    throw host.convert(error, `upload to ${remotePath}`);
  }
  const sentAt = performance.now();
  const check = await host.exec(verifyAndMoveCommand(tmp, remotePath, sent.sha256));
  const outcome = parseVerify(check.stdout, sent.sha256);
  if (outcome.kind !== 'moved') await files.remove(tmp);
  if (outcome.kind === 'no-hash') {
    throw new RemoteError('UPLOAD_VERIFY_FAILED', `${host.label}: cannot check the upload with openssl or sha256sum (exit ${check.exitCode}): ${check.stderr.trim().slice(0, 200)}`, { hint: 'the host needs coreutils sha256sum (or openssl)' });
  }
  if (outcome.kind === 'mismatch') {
    throw new RemoteError('UPLOAD_MISMATCH', `${host.label}: ${remotePath} arrived damaged (sha256 ${outcome.sha256}, sent ${sent.sha256})`, { hint: 'retry; check the disk space on the host', details: { remoteHash: outcome.sha256, sentHash: sent.sha256 } });
  }
  if (outcome.kind === 'not-moved') {
    throw new RemoteError('UPLOAD_RENAME_FAILED', `${host.label}: cannot move the upload into place at ${remotePath}: ${check.stderr.trim().slice(0, 200)}`);
  }
  host.debug?.(`${host.label}: ${remotePath}: ${sent.bytes} bytes sent over ${files.kind} in ${(sentAt - started).toFixed(0)} ms, verified and renamed in ${(performance.now() - sentAt).toFixed(0)} ms`);
  return sent;
}

/**
 * `knownSha256`: the caller already hashed this file (e.g. once for 16 hosts); it is not hashed
 * again here, and the host's sha256sum is checked against it (a file changed since then fails
 * as UPLOAD_MISMATCH). Saves a full read and hash per host (measured in bench/clients).
 */
export async function uploadFile(host: TransferHost, localPath: string, remotePath: string, mode = 0o600, knownSha256?: string): Promise<UploadResult> {
  const size = (await stat(localPath)).size;
  return verifiedUpload(host, remotePath, async (files, tmp) => {
    // The hash is read from the same file while it is sent (page cache: one disk read).
    const [sha256] = await Promise.all([knownSha256 ?? sha256OfFile(localPath), files.put(localPath, tmp, mode)]);
    return { bytes: size, sha256 };
  });
}

export async function uploadStream(host: TransferHost, source: Readable, remotePath: string, mode = 0o600, signal?: AbortSignal): Promise<UploadResult> {
  return verifiedUpload(host, remotePath, async (files, tmp) => {
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    source.once('error', (error) => tap.destroy(error));
    await files.put(source.pipe(tap), tmp, mode, signal);
    return { bytes, sha256: hash.digest('hex') };
  });
}
