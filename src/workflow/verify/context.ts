import type { LinkDeps, LinkState } from '../link/context.js';
import type { VerificationStore } from '../../ports/state.js';
import type { VerifyResult } from './result.js';

/** What a failed check left behind: its named cause (from the error's details) and hint. */
export interface CheckFailure {
  id: string;
  scope?: string;
  cause: string;
  hint?: string;
}

/** Link's deps (the shared steps use them) plus where the last verification is kept. */
export interface VerifyDeps extends LinkDeps {
  verifications: VerificationStore;
}

/**
 * A verify run is a link run that never writes: the shared steps (discover, verify,
 * verify-ticket) read a LinkState. Failures are collected instead of ending the run.
 */
export interface VerifyState extends LinkState {
  deps: VerifyDeps;
  failures: CheckFailure[];
  warnings: VerifyResult['warnings'];
}
