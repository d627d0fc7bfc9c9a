import type { Step } from '../engine.js';
import type { LinkState } from './context.js';
import { refreshClients } from './steps/clients.js';
import { discover } from './steps/discover.js';
import { checkPendingRestart } from './steps/pending-restart.js';
import { confirm, plan } from './steps/plan.js';
import { precheck, preflight } from './steps/preflight.js';
import { restart } from './steps/restart.js';
import { verifyConfig, verifyTicket } from './steps/verify.js';
import { checkDrift, writePeerRealms } from './steps/write.js';
import { parity } from '../trust/parity.js';

/**
 * What `link` (and `unlink`) do, in order. Steps with scopes run on both clusters in parallel.
 * Ids are stable: progress, the journal, `--json` and tests use them.
 */
export const linkSteps: readonly Step<LinkState>[] = [
  discover, //          login; realm, KDCs, peers, health, version (A ∥ B)
  checkPendingRestart, // a restart an earlier run left pending: done since? (journaled command COMPLETE) → cleared
  preflight, //         realms valid and different, Kerberos on, healthy, no overlap, peer limit
  precheck, //          security groups (when cloud is configured; --skip-precheck)
  parity, //            krbtgt kvno/enctypes equal in both KDCs (when kerberos.admin is configured)
  plan, //              one plan for both sides
  confirm, //           typed A-B on a terminal, or --yes
  checkDrift, //        re-read both; refuse if either moved (A ∥ B)
  writePeerRealms, //   merge-write peer_realms (A ∥ B)
  restart, //           restart KrbServer (A ∥ B), bounded by --restart-timeout
  refreshClients, //    push client config to client hosts
  verifyConfig, //      re-read: each side lists the other with the right KDCs (A ∥ B)
  verifyTicket, //      real cross-realm ticket both ways (slot)
];
