import type { Step } from '../engine.js';
import type { LinkState } from '../link/context.js';
import { refreshClients } from '../link/steps/clients.js';
import { discover } from '../link/steps/discover.js';
import { confirm, plan } from '../link/steps/plan.js';
import { precheck, preflight } from '../link/steps/preflight.js';
import { restart } from '../link/steps/restart.js';
import { verifyConfig } from '../link/steps/verify.js';
import { checkDrift, writePeerRealms } from '../link/steps/write.js';
import { parity } from '../trust/parity.js';
import { mrs2Sides } from './roles.js';
import { confirmDowntime } from './steps/downtime.js';
import { waitHealthy } from './steps/healthy.js';
import { consoleSteps, startClusters } from './steps/manual.js';
import { preflightMrs3 } from './steps/preflight.js';
import { applyRealmConfig } from './steps/realm-config.js';
import { verifyTicketMrs3 } from './steps/ticket.js';

/**
 * A shared link step, run only on the 2.x side(s) of the pair (a mixed pair: each side its own
 * procedure). The 3.x side is skipped with the reason, so progress shows both sides.
 */
const on2x = (step: Step<LinkState>): Step<LinkState> => ({
  ...step,
  skip: (s, scope) => (mrs2Sides(s).includes(scope as string) ? step.skip?.(s, scope) : 'MRS 3.x side: set through the console checklist'),
});

/**
 * What `link` does when a side is MRS 3.x (docs/mrs3.md). Discovery, the rules, the plan, the
 * confirmation, the client refresh and the ticket test are link's own steps; a 2.x side keeps
 * its Manager write and restart; a 3.x side gets the console checklist, the documented omm
 * script, and checks that each console step took effect.
 */
export const link3Steps: readonly Step<LinkState>[] = [
  discover, //                 login; realm, KDCs (3.x: service IPs), peers, health, version (A ∥ B)
  preflight, //                realms, Kerberos, health, overlap, versions, peer limit (3.x: 16)
  precheck, //                 network pre-check (--skip-precheck)
  { ...parity, skipIfDoneBefore: true }, // krbtgt kvno/enctypes (with kerberos.admin); not redone once the clusters are stopped
  preflightMrs3, //            one-way needs 3.6.0+; cross-realm enctypes AES only
  plan, //                     one plan; a 3.x side is applied through the console
  confirm, //                  typed A-B on a terminal, or --yes
  confirmDowntime, //          typed on a terminal, or --allow-downtime (separate from --yes)
  on2x(checkDrift), //         2.x side: re-read before writing
  on2x(writePeerRealms), //    2.x side: merge-write peer_realms
  on2x(restart), //            2.x side: restart KrbServer
  consoleSteps, //             3.x: checklist (stop clusters, add the row, OK); "done?" or exit 3 + resume
  applyRealmConfig, //         3.x: restart-RealmConfig.sh as omm on the active node; krb5.conf must list the peer
  startClusters, //            3.x: checklist (start clusters / restart expired instances); "done?" or exit 3 + resume
  waitHealthy, //              3.x: every service GOOD again
  refreshClients, //           client hosts get the new configuration
  on2x(verifyConfig), //       2.x side: re-read peer_realms
  verifyTicketMrs3, //         real cross-realm ticket both ways (one-way: a → b)
];
