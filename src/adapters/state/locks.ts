import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { CheckError } from '../../errors/index.js';
import type { LockManager, LockOwner } from '../../ports/state.js';
import { localIoError } from './io-errors.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cluster locks with proper-lockfile (mkdir-based, refreshed while held, stale after 10 s when
 * the holder died), plus an owner file so that a refusal can name the owner's pid.
 */
export function fileLockManager(stateDir: string, now: () => Date = () => new Date()): LockManager {
  const dir = join(stateDir, 'locks');
  const target = (cluster: string) => join(dir, cluster);
  const ownerFile = (cluster: string) => join(dir, `${cluster}.owner.json`);

  async function owner(cluster: string): Promise<LockOwner | undefined> {
    try {
      return JSON.parse(await readFile(ownerFile(cluster), 'utf8')) as LockOwner;
    } catch {
      return undefined;
    }
  }

  /**
   * A lock whose owner process is gone on this host (killed with SIGKILL, crashed) is broken at
   * once instead of after the 10-second staleness: `resume` right after a kill must not wait.
   */
  async function breakIfOwnerDead(cluster: string): Promise<boolean> {
    const by = await owner(cluster);
    if (!by || by.pid === process.pid || processAlive(by.pid)) return false;
    await rm(`${target(cluster)}.lock`, { recursive: true, force: true });
    await rm(ownerFile(cluster), { force: true });
    return true;
  }

  const take = (cluster: string, onCompromised: (error: Error) => void) =>
    lockfile.lock(target(cluster), { realpath: false, stale: 10_000, update: 2_000, retries: 0, lockfilePath: `${target(cluster)}.lock`, onCompromised });

  return {
    async acquire(clusters, who, options = {}) {
      await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
        throw localIoError('create the lock directory', dir, error);
      });
      const held: { cluster: string; release: () => Promise<void> }[] = [];
      // Taken one by one in sorted order (no deadlock between runs); given back all at once.
      const releaseAll = async () => {
        await Promise.all(
          held.splice(0).map(async (h) => {
            await rm(ownerFile(h.cluster), { force: true }).catch(() => undefined);
            // A compromised lock is no longer ours to release: releasing it fails, which is fine.
            await h.release().catch(() => undefined);
          }),
        );
      };
      for (const cluster of [...new Set(clusters)].sort()) {
        try {
          // onCompromised: proper-lockfile's default throws from a timer (an uncaught crash); the run
          // is told instead and stops before its next step.
          const onCompromised = (error: Error) =>
            options.onCompromised?.(
              new CheckError('LOCK_COMPROMISED', `the lock ${target(cluster)}.lock was lost mid-run (${error.message}); the run stopped before its next step`, {
                hint: 'another process may have removed or taken it (check for a second run, or a cleaner of the state directory); the journal is written: `mrs-trust resume` continues',
                cause: error,
              }),
            );
          const release = await take(cluster, onCompromised).catch(async (error: unknown) => {
            if ((error as NodeJS.ErrnoException).code === 'ELOCKED' && (await breakIfOwnerDead(cluster))) return take(cluster, onCompromised);
            throw error;
          });
          held.push({ cluster, release });
          const me: LockOwner = { pid: process.pid, command: who.command, since: now().toISOString() };
          await writeFile(ownerFile(cluster), JSON.stringify(me), { mode: 0o600 });
        } catch (error) {
          await releaseAll();
          if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw localIoError('take the lock', `${target(cluster)}.lock`, error);
          const by = await owner(cluster);
          const who2 = by ? ` by pid ${by.pid} (${by.command}, since ${by.since})` : '';
          throw new CheckError('LOCK_HELD', `cluster ${cluster} is locked${who2}: ${target(cluster)}.lock`, {
            hint: 'wait for the other run to finish; a lock left by a crashed run expires after 10 seconds (at once when its pid is gone)',
            cause: error,
          });
        }
      }
      return { release: releaseAll };
    },
  };
}
