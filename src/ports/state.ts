import type { JournalDoc } from '../domain/journal.js';

/** Run journals, one document per cluster pair (or set). Writes are atomic and private (0600). */
export interface JournalStore {
  read(key: string): Promise<JournalDoc | undefined>;
  write(key: string, doc: JournalDoc): Promise<void>;
}

export interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

/**
 * Per-cluster locks, taken in sorted order so that `link a b`, `link a c` and `mesh` never write
 * one cluster at the same time. A held lock is a CheckError (exit 3) naming it and its owner pid.
 */
export interface LockManager {
  acquire(clusters: readonly string[], owner: { command: string }, options?: { onCompromised?: (error: Error) => void }): Promise<{ release(): Promise<void> }>;
}

/**
 * The last verification of each pair (`verify`, and rotate's closing checks), read by `status`.
 * One JSON document per pair in `.mrs-trust/verify/<names sorted, joined by "+">.json` (0600).
 * Stored as the verify result document, which holds no secrets.
 */
export interface VerificationStore {
  read(key: string): Promise<unknown>;
  write(key: string, record: unknown): Promise<void>;
}
