import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { CheckError } from '../../errors/index.js';
import type { LockManager, LockOwner } from '../../ports/state.js';

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

  return {
    async acquire(clusters, who) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const held: { cluster: string; release: () => Promise<void> }[] = [];
      const releaseAll = async () => {
        for (const h of held.reverse()) {
          await rm(ownerFile(h.cluster), { force: true });
          await h.release().catch(() => undefined);
        }
      };
      for (const cluster of [...new Set(clusters)].sort()) {
        try {
          const release = await lockfile.lock(target(cluster), { realpath: false, stale: 10_000, update: 2_000, retries: 0, lockfilePath: `${target(cluster)}.lock` });
          held.push({ cluster, release });
          const me: LockOwner = { pid: process.pid, command: who.command, since: now().toISOString() };
          await writeFile(ownerFile(cluster), JSON.stringify(me), { mode: 0o600 });
        } catch (error) {
          await releaseAll();
          if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
          const by = await owner(cluster);
          const who2 = by ? ` by pid ${by.pid} (${by.command}, since ${by.since})` : '';
          throw new CheckError('LOCK_HELD', `cluster ${cluster} is locked${who2}: ${target(cluster)}.lock`, {
            hint: 'wait for the other run to finish; a lock left by a crashed run expires after 10 seconds',
            cause: error,
          });
        }
      }
      return { release: releaseAll };
    },
  };
}
