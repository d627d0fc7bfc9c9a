import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UsageError } from '../../errors/index.js';
import { localIoError } from './io-errors.js';

/**
 * Writes a file the user named with a flag (`--out`) whole and atomically (a temp file, then a
 * rename: never half-written). A failure is a usage error (exit 2) naming the flag, the path and
 * what to do — a missing directory, no permission, a read-only or full disk.
 */
export async function writeOutputFile(flag: string, path: string, text: string, mode = 0o600): Promise<void> {
  try {
    await writeFileAtomic(path, text, { mode });
  } catch (error) {
    const local = localIoError('write', path, error);
    throw new UsageError('OUTPUT_NOT_WRITABLE', `${flag} ${local.message.replace(/^cannot write /, '')}`, { hint: local.hint ?? 'choose another path', cause: error, details: local.details ?? {} });
  }
}

/** Checked before any network call: the directory of an output file exists (so a long run does not end in a write error). */
export async function checkOutputDir(flag: string, path: string): Promise<void> {
  const dir = dirname(path);
  const found = await stat(dir).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (found instanceof Error || !found.isDirectory()) {
    const code = found instanceof Error ? (found.code ?? 'error') : 'ENOTDIR';
    throw new UsageError('OUTPUT_NOT_WRITABLE', `${flag} ${path}: ${code} (the directory ${dir} does not exist)`, { hint: `create ${dir} first, or choose another path` });
  }
}

/** Reads a file the user named on the command line; a failure is a usage error naming it. */
export async function readInputFile(what: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('INPUT_NOT_READABLE', `${what} ${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`}`, { cause: error });
  }
}
