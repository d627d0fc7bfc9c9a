import type { Clock } from '../../ports/clock.js';
import type { JournalStore, LockManager } from '../../ports/state.js';
import { systemClock } from './clock.js';
import { fileJournalStore } from './journal-file.js';
import { fileLockManager } from './locks.js';

/** Local state next to the config file: `.mrs-trust/journal/` and `.mrs-trust/locks/` (0700). */
export function createState(stateDir: string): { journal: JournalStore; locks: LockManager; clock: Clock } {
  return { journal: fileJournalStore(stateDir), locks: fileLockManager(stateDir), clock: systemClock };
}
