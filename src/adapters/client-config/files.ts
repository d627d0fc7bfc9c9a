import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import type { LocalClientFiles, TarballInfo } from '../../ports/client-config.js';

/** krb5.conf files larger than this are not configuration (and are not kept in memory). */
const MAX_KRB5 = 256 * 1024;

/**
 * Finds the first krb5.conf in a tar stream, descending into `.tar` members: the MRS client
 * tarball holds `*_ClientConfig(_ConfigFiles).tar` inside it (MRS manual, "Updating a client").
 * Resolves when the stream has ended; never buffers anything but the krb5.conf.
 */
function krb5Finder(prefix: string, found: (hit: { member: string; text: string }) => void, pending: Promise<void>[]): Parser {
  return new Parser({
    onReadEntry(entry: ReadEntry) {
      const member = prefix + entry.path;
      const base = posix.basename(entry.path);
      if (entry.type === 'File' && base === 'krb5.conf' && entry.size <= MAX_KRB5) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => found({ member, text: Buffer.concat(chunks).toString('utf8') }));
        return;
      }
      if (entry.type === 'File' && base.endsWith('.tar')) {
        const inner = krb5Finder(`${member}!/`, found, pending);
        pending.push(new Promise<void>((resolve) => inner.on('end', () => resolve()).on('error', () => resolve())));
        entry.pipe(inner);
        return;
      }
      entry.resume();
    },
  });
}

/** Reads the file once: size, SHA-256, and the krb5.conf inside. */
export async function inspectTarball(path: string): Promise<TarballInfo> {
  const hash = createHash('sha256');
  let bytes = 0;
  let krb5: { member: string; text: string } | undefined;
  const nested: Promise<void>[] = [];
  const parser = krb5Finder('', (hit) => (krb5 ??= hit), nested);
  // A file that is not a tar is still hashed and uploaded; refreshConfig.sh will judge it.
  let parseFailed = false;
  parser.on('error', () => (parseFailed = true));
  const parsed = new Promise<void>((resolve) => parser.on('end', () => resolve()).on('close', () => resolve()));
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    if (!parseFailed && !parser.write(buffer)) await new Promise((resolve) => parser.once('drain', resolve));
  }
  parser.end();
  await parsed;
  await Promise.all(nested);
  return krb5 ? { bytes, sha256: hash.digest('hex'), krb5 } : { bytes, sha256: hash.digest('hex') };
}

export function createLocalClientFiles(): LocalClientFiles {
  return {
    inspect: inspectTarball,
    makeTempDir: (prefix) => mkdtemp(join(tmpdir(), prefix)),
    remove: (path) => rm(path, { recursive: true, force: true }),
  };
}
