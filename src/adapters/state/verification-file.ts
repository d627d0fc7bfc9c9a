import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { VerificationStore } from '../../ports/state.js';

/** `<stateDir>/verify/<key>.json`, written whole (write-file-atomic), 0600 in a 0700 directory. */
export function fileVerificationStore(stateDir: string): VerificationStore {
  const dir = join(stateDir, 'verify');
  const file = (key: string) => join(dir, `${key}.json`);
  return {
    async read(key) {
      try {
        return JSON.parse(await readFile(file(key), 'utf8')) as unknown;
      } catch (error) {
        // Missing or unreadable: status just has no last verification to show.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
        throw error;
      }
    },
    async write(key, record) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(file(key), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    },
  };
}
