import type { Clock } from '../../ports/clock.js';
import type { JournalStore, LockManager, VerificationStore } from '../../ports/state.js';
import { systemClock } from './clock.js';
import { fileJournalStore } from './journal-file.js';
import { fileLockManager } from './locks.js';
import { fileVerificationStore } from './verification-file.js';

/** Local state next to the config file: `.mrs-trust/journal/`, `locks/` and `verify/` (0700). */
export function createState(stateDir: string): { journal: JournalStore; locks: LockManager; clock: Clock; verifications: VerificationStore } {
  return { journal: fileJournalStore(stateDir), locks: fileLockManager(stateDir), clock: systemClock, verifications: fileVerificationStore(stateDir) };
}
