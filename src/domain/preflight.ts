import type { ClusterFacts } from './facts.js';
import type { SidePlan } from './plan.js';
import { ruleChecks } from './precheck/rules.js';
import { profileFor } from './version.js';

/** One reason not to write. `code` is stable (tests and `--json` use it). */
export interface Problem {
  code: string;
  cluster?: string;
  message: string;
}

/**
 * Rule checks `link` reports but does not stop on: the cross-realm password can only be changed
 * after link created the principals (its fix says how); verify-ticket then names a mismatch.
 */
export const NOT_BLOCKING = new Set(['cross-realm-password']);

/**
 * The rules that stop `link` before any write. These never depend on the network pre-check, so
 * `--skip-precheck` cannot skip them.
 */
export function linkPreflight(a: ClusterFacts, b: ClusterFacts): Problem[] {
  return ruleChecks(a, b)
    .filter((c) => c.status === 'fail' && c.code && !NOT_BLOCKING.has(c.id))
    .map((c) => ({ code: c.code as string, ...(c.cluster ? { cluster: c.cluster } : {}), message: c.found[0] ?? c.title }));
}

/**
 * `unlink` needs less: it only removes rows, so health, limits and overlap don't matter. On 3.x
 * the rows live in the console (no public API), and only `link` has the assisted procedure: a
 * 3.x side is refused here, before any write, with the console path to remove it by hand.
 */
export function unlinkPreflight(a: ClusterFacts, b: ClusterFacts): Problem[] {
  return [a, b].flatMap((self) => {
    const profile = profileFor(self.mrsVersion);
    if (profile?.name === '3.x') {
      return [{ code: 'MRS_VERSION_UNSUPPORTED', cluster: self.name, message: `${self.name}: MRS ${self.mrsVersion}: removing a peer is not automated on 3.x (delete its row under System > Permission > Domain and Mutual Trust, with the clusters stopped, then run restart-RealmConfig.sh as omm)` }];
    }
    return profile && !profile.supported ? [{ code: 'MRS_VERSION_UNSUPPORTED', cluster: self.name, message: `${self.name}: MRS ${self.mrsVersion} is not supported yet` }] : [];
  });
}

/**
 * No blind first write: the `peer_realms` encoding (docs/assumptions.md) is confirmed on a
 * cluster only by a non-empty value read from it and decoded, or by the user. Writing onto an
 * empty value with nothing confirmed is refused before any write.
 */
export function encodingProblems(sides: readonly SidePlan[], confirmed: (cluster: string) => boolean): Problem[] {
  return sides
    .filter((side) => side.change.kind === 'added' && side.peersBefore.length === 0 && !confirmed(side.cluster))
    .map((side) => ({
      code: 'PEER_ENCODING_UNCONFIRMED',
      cluster: side.cluster,
      message: `${side.cluster}: peer_realms is empty, so nothing read from this Manager confirms how it encodes peer rows; writing the first one blind could keep KrbServer from starting`,
    }));
}
