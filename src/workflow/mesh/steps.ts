import type { Step } from '../engine.js';
import type { MeshState } from './context.js';
import { checkDrift, restart, writePeerRealms } from './steps/apply.js';
import { checkPendingRestart, confirm, discover, plan, preflight } from './steps/prepare.js';
import { refreshClients, verifyConfig, verifyTicket } from './steps/verify.js';

/**
 * What `mesh apply` (and resume, rollback) do, in order. Scoped steps run on every cluster still
 * in the run, at most --parallel at once; a cluster whose write or restart fails leaves the run
 * and the others go on. Each cluster is written once and restarted once.
 */
export const meshSteps: readonly Step<MeshState>[] = [
  discover, //          login; realm, KDCs, peers, health, version (every cluster)
  checkPendingRestart, // restarts an earlier run left pending that happened since → cleared
  preflight, //         link's rules for every pair; version only for rollback
  plan, //              each cluster's whole target peer_realms; the limit before any write
  confirm, //           one typed confirmation, or --yes
  checkDrift, //        re-read every cluster that will be written; refuse if any moved
  writePeerRealms, //   one save per cluster, restart_affected_components (documented)
  restart, //           finish each cluster's one KrbServer restart
  refreshClients, //    client hosts of the changed clusters
  verifyConfig, //      every cluster lists every partner with its current KDCs
  verifyTicket, //      a real cross-realm ticket both ways, every pair (where configured)
];
