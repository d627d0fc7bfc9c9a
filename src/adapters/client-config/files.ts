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
interface Seen {
  entries: number;
  layout?: string;
  unsafe?: string;
}

/** A member that would land outside the extraction directory, or a link pointing out of it. */
function escapes(entry: ReadEntry): boolean {
  const out = (p: string) => p.startsWith('/') || p.split('/').includes('..');
  if (out(entry.path)) return true;
  const link = (entry as { linkpath?: string }).linkpath;
  return (entry.type === 'SymbolicLink' || entry.type === 'Link') && typeof link === 'string' && out(link);
}

function krb5Finder(prefix: string, found: (hit: { member: string; text: string }) => void, pending: Promise<void>[], seen: Seen): Parser {
  // strict: a file that is not a tar fails the parse instead of being skipped silently.
  return new Parser({
    strict: true,
    onReadEntry(entry: ReadEntry) {
      const member = prefix + entry.path;
      const base = posix.basename(entry.path);
      seen.entries += 1;
      if (!seen.layout && /_ClientConfig/.test(entry.path)) seen.layout = member;
      if (!seen.unsafe && escapes(entry)) seen.unsafe = member;
      if (entry.type === 'File' && base === 'krb5.conf' && entry.size <= MAX_KRB5) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => found({ member, text: Buffer.concat(chunks).toString('utf8') }));
        return;
      }
      if (entry.type === 'File' && base.endsWith('.tar')) {
        const inner = krb5Finder(`${member}!/`, found, pending, seen);
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
  const seen: Seen = { entries: 0 };
  const parser = krb5Finder('', (hit) => (krb5 ??= hit), nested, seen);
  // A file that is not a tar is still hashed; the caller refuses it before any host is touched.
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
  const layout = { tar: !parseFailed && seen.entries > 0, entries: seen.entries, ...(seen.layout ? { layoutMember: seen.layout } : {}), ...(seen.unsafe ? { unsafeMember: seen.unsafe } : {}) };
  return krb5 ? { bytes, sha256: hash.digest('hex'), krb5, ...layout } : { bytes, sha256: hash.digest('hex'), ...layout };
}

export function createLocalClientFiles(): LocalClientFiles {
  return {
    inspect: inspectTarball,
    makeTempDir: (prefix) => mkdtemp(join(tmpdir(), prefix)),
    remove: (path) => rm(path, { recursive: true, force: true }),
  };
}
