import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors/index.js';

/**
 * Reads a file the user named (clusters.yaml, a topology): a missing or unreadable file is a
 * usage error (exit 2) with the caller's code and hint, never a stack trace.
 */
export async function readUserFile(path: string, code: string, hint: string): Promise<{ absolute: string; text: string }> {
  const absolute = resolve(path);
  try {
    return { absolute, text: await readFile(absolute, 'utf8') };
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code, `${absolute}: ${errno === 'ENOENT' ? 'file not found' : `cannot read (${errno ?? 'error'})`}`, { hint, cause: error });
  }
}
