import { posix } from 'node:path';

/**
 * How a simulated host sees its own filesystem. Every host has a root directory R on this
 * machine; the host path `/x` is `R/x`, so `/opt/client` and `/tmp` of two hosts never collide.
 *
 * - SFTP maps every path (`..` cannot climb above R).
 * - `exec` runs a real shell, which sees the real filesystem; so before it runs, absolute paths
 *   under the host's own top-level directories (`VIRTUAL_ROOTS`) in the command text are
 *   rewritten to R/…, and R is removed again from everything the command prints. System
 *   directories (`/usr`, `/bin`, `/dev`, `/proc`) are the machine's own, so real tools run.
 *   docs/ssh.md "Sandbox hosts" documents this; files written by the sandbox into a host
 *   (bigdata_env) hold real paths.
 */
export const VIRTUAL_ROOTS = ['opt', 'tmp', 'home', 'root', 'var', 'etc', 'srv', 'data', '.sandbox'] as const;

/** Host path (absolute, or relative to `home`) → path on this machine, never outside `root`. */
export function toLocal(root: string, hostPath: string, home = '/root'): string {
  const absolute = posix.resolve(home, hostPath || '.');
  return absolute === '/' ? root : posix.join(root, absolute);
}

/** Path on this machine → host path (for REALPATH and messages). */
export function toHost(root: string, localPath: string): string {
  if (localPath === root) return '/';
  return localPath.startsWith(`${root}/`) ? localPath.slice(root.length) : localPath;
}

const BOUNDARY = `(^|[\\s'"=:(<>;|&\`,])`;
const rootsAlternation = VIRTUAL_ROOTS.map((r) => r.replace('.', '\\.')).join('|');
const HOST_PATH = new RegExp(`${BOUNDARY}/(${rootsAlternation})(?=/|$|[\\s'"):;|&\`,])`, 'g');

/** Rewrites `/opt/…`, `/tmp/…` etc. in a command to the host's root directory. */
export function mapCommand(root: string, command: string): string {
  return command.replace(HOST_PATH, (_m, before: string, top: string) => `${before}${root}/${top}`);
}

/**
 * Removes the host root from output, chunk by chunk: a chunk may end in the middle of the root
 * path, so a possible prefix of it is held back until the next chunk (or the end).
 */
export class OutputUnmapper {
  readonly #root: string;
  #carry = '';
  constructor(root: string) {
    this.#root = root;
  }
  push(text: string): string {
    const all = (this.#carry + text).split(this.#root).join('');
    let keep = 0;
    for (let n = Math.min(this.#root.length - 1, all.length); n > 0; n -= 1) {
      if (this.#root.startsWith(all.slice(all.length - n))) {
        keep = n;
        break;
      }
    }
    this.#carry = all.slice(all.length - keep);
    return all.slice(0, all.length - keep);
  }
  end(): string {
    const rest = this.#carry;
    this.#carry = '';
    return rest;
  }
}
