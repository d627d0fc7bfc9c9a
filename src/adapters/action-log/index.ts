import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../ports/clock.js';
import type { ActionLog } from '../../ports/ssh-trust.js';

/**
 * An append-only text log (gs_sshexkey's `-l`): one `<ISO time> <line>` per action, written in
 * order. Created 0600: it names hosts, users and keys (public ones only).
 */
export async function openActionLog(path: string, clock: Clock): Promise<ActionLog> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, '', { mode: 0o600 });
  let queue: Promise<void> = Promise.resolve();
  let failure: unknown;
  return {
    write(line) {
      const text = line
        .split('\n')
        .map((l) => `${clock.now().toISOString()} ${l}\n`)
        .join('');
      queue = queue.then(() => appendFile(path, text)).catch((error: unknown) => {
        failure ??= error;
      });
    },
    async close() {
      await queue;
      if (failure) throw failure;
    },
  };
}
