import { checkPendingRestart } from '../link/steps/pending-restart.js';
import type { Step } from '../engine.js';
import type { LinkState } from '../link/context.js';
import { refreshClients } from '../link/steps/clients.js';
import { discover } from '../link/steps/discover.js';
import { confirm, plan } from '../link/steps/plan.js';
import { restart } from '../link/steps/restart.js';
import { verifyConfig } from '../link/steps/verify.js';
import { checkDrift, writePeerRealms } from '../link/steps/write.js';
import { removeSecurityGroupRules } from './remove-rules.js';

/**
 * What `rollback` does, in order: the same steps as `link` (shared, not copied), with a plan that
 * undoes the journaled changes against the rows found now, and the removal of the
 * security-group rules `precheck --fix` added. No preflight: undoing must not be blocked by the
 * rules that guard adding a peer.
 */
export const rollbackSteps: readonly Step<LinkState>[] = [
  discover, //                  login; realm, KDCs, peers, config version (A ∥ B)
  checkPendingRestart, //       a restart left pending that happened since → cleared
  plan, //                      undo the journaled change per side; keep rows changed by others since
  confirm, //                   typed A-B on a terminal, or --yes
  checkDrift, //                re-read both; refuse if either moved (A ∥ B)
  writePeerRealms, //           merge-write the restored peer_realms (A ∥ B)
  restart, //                   restart KrbServer (A ∥ B), the same path as link
  removeSecurityGroupRules, //  delete exactly the journaled rule ids
  refreshClients, //            client hosts get the restored configuration
  verifyConfig, //              re-read: each side is as the plan left it (A ∥ B)
];
