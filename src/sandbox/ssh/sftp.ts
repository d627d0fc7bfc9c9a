import { open, readdir, lstat, mkdir, rename, rm, rmdir, stat, chmod, utimes, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import ssh2, { type Attributes, type SFTPWrapper } from 'ssh2';

// NOTE: ssh2 is CommonJS; Node's ESM loader exposes only some names (Client), so use the default export.
const { utils } = ssh2;
import { toHost, toLocal } from './paths.js';

const { STATUS_CODE } = utils.sftp;

/** What the SFTP server needs from its host. */
export interface SftpHost {
  root: string;
  home: string;
  /** Called with every WRITE's size; returns false to cut the connection (fault injection). */
  onWrite(bytes: number): boolean;
}

type Handle = { kind: 'file'; fh: FileHandle } | { kind: 'dir'; entries: string[] | undefined; path: string };

function attrsOf(s: Stats): Attributes {
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

function statusOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

/**
 * An SFTP v3 server over the host's root directory: the requests OpenSSH's client and ssh2's
 * fastPut/fastGet/createWriteStream/readFile use. Each path is mapped with `toLocal`.
 */
export function serveSftp(sftp: SFTPWrapper, host: SftpHost, onCut: () => void): void {
  const handles = new Map<number, Handle>();
  let next = 1;
  const local = (p: string) => toLocal(host.root, p, host.home);
  const newHandle = (h: Handle) => {
    const id = next++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const lookup = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
  // Every request answers exactly once: OK/data from `run`, an error status otherwise.
  const answer = (reqid: number, run: () => Promise<void>) => {
    run().catch((error: unknown) => sftp.status(reqid, statusOf(error), (error as Error).message));
  };
  const ok = (reqid: number) => sftp.status(reqid, STATUS_CODE.OK);
  const badHandle = (reqid: number) => sftp.status(reqid, STATUS_CODE.FAILURE, 'invalid handle');

  sftp.on('OPEN', (reqid, filename, flags, attrs) =>
    answer(reqid, async () => {
      const mode = utils.sftp.flagsToString(flags) ?? 'r';
      const fh = await open(local(filename), mode, attrs.mode ?? 0o644);
      sftp.handle(reqid, newHandle({ kind: 'file', fh }));
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    answer(reqid, async () => {
      const h = lookup(handle);
      if (h?.kind !== 'file') return badHandle(reqid);
      if (!host.onWrite(data.length)) return onCut();
      await h.fh.write(data, 0, data.length, offset);
      ok(reqid);
    }),
  );
  sftp.on('READ', (reqid, handle, offset, length) =>
    answer(reqid, async () => {
      const h = lookup(handle);
      if (h?.kind !== 'file') return badHandle(reqid);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await h.fh.read(buf, 0, length, offset);
      if (bytesRead === 0) return sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, buf.subarray(0, bytesRead));
    }),
  );
  sftp.on('CLOSE', (reqid, handle) =>
    answer(reqid, async () => {
      const h = lookup(handle);
      if (!h) return badHandle(reqid);
      handles.delete(handle.readUInt32BE(0));
      if (h.kind === 'file') await h.fh.close();
      ok(reqid);
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    answer(reqid, async () => {
      const h = lookup(handle);
      if (h?.kind !== 'file') return badHandle(reqid);
      sftp.attrs(reqid, attrsOf(await h.fh.stat()));
    }),
  );
  sftp.on('FSETSTAT', (reqid, handle, attrs) =>
    answer(reqid, async () => {
      const h = lookup(handle);
      if (h?.kind !== 'file') return badHandle(reqid);
      if (attrs.mode !== undefined) await h.fh.chmod(attrs.mode & 0o7777);
      if (attrs.size !== undefined) await h.fh.truncate(attrs.size);
      ok(reqid);
    }),
  );
  const doStat = (follow: boolean) => (reqid: number, path: string) => answer(reqid, async () => sftp.attrs(reqid, attrsOf(await (follow ? stat : lstat)(local(path)))));
  sftp.on('STAT', doStat(true));
  sftp.on('LSTAT', doStat(false));
  sftp.on('SETSTAT', (reqid, path, attrs) =>
    answer(reqid, async () => {
      if (attrs.mode !== undefined) await chmod(local(path), attrs.mode & 0o7777);
      if (attrs.atime !== undefined && attrs.mtime !== undefined) await utimes(local(path), attrs.atime, attrs.mtime);
      ok(reqid);
    }),
  );
  sftp.on('REALPATH', (reqid, path) =>
    answer(reqid, async () => {
      const hostPath = toHost(host.root, local(path));
      sftp.name(reqid, [{ filename: hostPath, longname: hostPath, attrs: {} as Attributes }]);
    }),
  );
  // NOTE: like OpenSSH's sftp-server, RENAME (SFTP v3) refuses to overwrite an existing file.
  sftp.on('RENAME', (reqid, from, to) =>
    answer(reqid, async () => {
      const exists = await stat(local(to)).then(() => true, () => false);
      if (exists) return sftp.status(reqid, STATUS_CODE.FAILURE, 'target exists');
      await rename(local(from), local(to));
      ok(reqid);
    }),
  );
  sftp.on('REMOVE', (reqid, path) => answer(reqid, async () => (await rm(local(path)), ok(reqid))));
  sftp.on('MKDIR', (reqid, path, attrs) => answer(reqid, async () => (await mkdir(local(path), { mode: attrs.mode ?? 0o755 }), ok(reqid))));
  sftp.on('RMDIR', (reqid, path) => answer(reqid, async () => (await rmdir(local(path)), ok(reqid))));
  sftp.on('OPENDIR', (reqid, path) =>
    answer(reqid, async () => {
      const dir = local(path);
      if (!(await stat(dir)).isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE, 'not a directory');
      sftp.handle(reqid, newHandle({ kind: 'dir', entries: undefined, path: dir }));
    }),
  );
  sftp.on('READDIR', (reqid, handle) =>
    answer(reqid, async () => {
      const h = lookup(handle);
      if (h?.kind !== 'dir') return badHandle(reqid);
      if (h.entries !== undefined) return sftp.status(reqid, STATUS_CODE.EOF);
      h.entries = await readdir(h.path);
      const names = await Promise.all(h.entries.map(async (name) => ({ filename: name, longname: name, attrs: attrsOf(await lstat(`${h.path}/${name}`)) })));
      sftp.name(reqid, names);
    }),
  );
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') void h.fh.close().catch(() => undefined);
    handles.clear();
  });
}
