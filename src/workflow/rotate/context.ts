import type { PrincipalKeys } from '../../domain/cross-realm.js';
import type { Secret } from '../../domain/secret.js';
import type { VerifyState } from '../verify/context.js';

/** One of the four cross-realm principals in one KDC, in the order rotate changes them. */
export interface KeySlot {
  cluster: string;
  principal: string;
}

export const slotKey = (k: KeySlot): string => `${k.cluster}:${k.principal}`;

export type KeyState = 'unchanged' | 'new' | 'restored' | 'unknown';

export interface RotateRequest {
  newPassword: Secret;
  /** The password the principals have now (restore needs it); absent = MRS's default for the version. */
  currentPassword?: Secret;
  /** `MRS default` or `--old-password-file`: for messages. */
  currentSource: string;
  /** Keys an earlier, unfinished rotation already changed (from its journal), by slotKey → kvno before. */
  resumed: Record<string, number>;
}

/** A rotate run: the verify state (facts, failures) plus the key slots and what happened to each. */
export interface RotateState extends VerifyState {
  rotate: RotateRequest & {
    before: Record<string, PrincipalKeys>;
    state: Record<string, KeyState>;
    errors: Record<string, string>;
    /** Slots changed by this run or the resumed one, in change order (restore goes backwards). */
    changed: KeySlot[];
  };
}

/**
 * The lockstep order. For each name the KDC that only *accepts* it (the other realm's) gets the
 * new key first, then the KDC that issues tickets with it: with the old key kept (-keepold),
 * every direction keeps working at every point of the rotation.
 */
export function keyOrder(s: RotateState): KeySlot[] {
  const { a, b } = s.request;
  const ra = s.facts[a]?.realm;
  const rb = s.facts[b]?.realm;
  if (!ra || !rb) throw new Error('key order before discover');
  return [
    { cluster: b, principal: `krbtgt/${rb}@${ra}` },
    { cluster: a, principal: `krbtgt/${rb}@${ra}` },
    { cluster: a, principal: `krbtgt/${ra}@${rb}` },
    { cluster: b, principal: `krbtgt/${ra}@${rb}` },
  ];
}
