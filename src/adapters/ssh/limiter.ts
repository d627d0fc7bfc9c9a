import pLimit, { type LimitFunction } from 'p-limit';

/**
 * At most N open connections per `host:port` in this process: sshd drops new connections
 * beyond MaxStartups (default 10:30:100) while others are still authenticating, and one host
 * reached by many steps at once must not be flooded. A slot is held from connect to close.
 */
const limits = new Map<string, LimitFunction>();

export async function acquireSlot(key: string, max: number): Promise<() => void> {
  let limit = limits.get(key);
  if (!limit) {
    limit = pLimit(max);
    limits.set(key, limit);
  }
  return new Promise((resolveAcquired) => {
    void limit(
      () =>
        new Promise<void>((release) => {
          let released = false;
          resolveAcquired(() => {
            if (!released) {
              released = true;
              release();
            }
          });
        }),
    );
  });
}
