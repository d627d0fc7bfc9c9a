import { dirname } from 'node:path';
import { CheckError } from '../../errors/index.js';

/** What to do about a local file-system error, by errno. */
function advice(code: string | undefined, path: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `give this user write access to ${dirname(path)} (or run as its owner)`;
    case 'EROFS':
      return `the file system is read-only: keep clusters.yaml (and its .mrs-trust/ next to it) on a writable disk`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk is full: free space on the file system of ${dirname(path)}, then run the same command again`;
    case 'ENOENT':
    case 'ENOTDIR':
      return `a directory on the way to ${path} does not exist or is not a directory: create it`;
    default:
      return `check ${dirname(path)}, then run the same command again`;
  }
}

/**
 * A local state file (journal, lock) that cannot be read or written: a CheckError (exit 3) that
 * names the path, the errno and what to do — never an internal error with a stack.
 */
export function localIoError(what: string, path: string, error: unknown): CheckError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (error as Error | undefined)?.message?.split('\n')[0] ?? String(error);
  return new CheckError('LOCAL_IO', `cannot ${what} ${path}: ${code ?? reason}`, { hint: advice(code, path), cause: error, details: { path, errno: code } });
}
