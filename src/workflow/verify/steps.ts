import type { Step } from '../engine.js';
import { sides, type LinkState } from '../link/context.js';
import { discover } from '../link/steps/discover.js';
import { ticketOneWay, ticketSkip, verifyConfig, verifyTicket } from '../link/steps/verify.js';
import { defaultPasswordWarning } from '../../domain/default-password.js';
import { checkDefaultPassword } from '../trust/default-password.js';
import { parity } from '../trust/parity.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { VerifyState } from './context.js';

/** Link's verify-ticket, one scope per direction, so that both directions report their own cause. */
const ticketEachWay: Step<LinkState> = {
  id: verifyTicket.id,
  title: verifyTicket.title,
  scopes: sides,
  skip: (s) => ticketSkip(s),
  run: async (s, from) => ({ message: await ticketOneWay(s, from as string) }),
};

/**
 * Warns (never fails) when a KDC still accepts MRS's default cross-realm password: anyone who
 * read the MRS guide could then forge cross-realm tickets. One kinit per KDC per run.
 */
export const defaultPassword: Step<VerifyState> = {
  id: 'default-password',
  title: "Check the cross-realm principals no longer accept MRS's default password",
  skip: (s) => (Object.keys(s.deps.kdcAdmin ?? {}).length === 0 ? 'no admin access: clusters.<name>.kerberos.admin is not set' : undefined),
  async run(s) {
    const pair: [string, string] = [s.request.a, s.request.b];
    const sides = pair.map((c) => {
      const me = s.facts[c];
      const peer = s.facts[c === pair[0] ? pair[1] : pair[0]];
      if (!me || !peer) throw new Error('default-password before discover');
      return { cluster: c, realm: me.realm, peerRealm: peer.realm, mrsVersion: me.mrsVersion };
    });
    const findings = await checkDefaultPassword(s.deps.kdcAdmin as Record<string, KdcAdmin>, sides);
    for (const f of findings) {
      const warning = defaultPasswordWarning(f, pair);
      if (warning) s.warnings.push(warning);
    }
    return { message: findings.map((f) => `${f.cluster}: ${f.accepted === true ? 'default password ACCEPTED' : f.accepted === false ? 'default password refused' : 'could not tell'}`).join('; ') };
  },
};

/** Reads the trust both clusters have, without writing anything. */
export const verifyDiscover: readonly Step<LinkState>[] = [
  discover, //       login; realm, KDCs, peers (A ∥ B)
];

/** The checks of `verify`, in order; every one runs even when an earlier one failed. */
export const verifyChecks: readonly (Step<LinkState> | Step<VerifyState>)[] = [
  verifyConfig, //     each side lists the other with its current KDCs (A ∥ B)
  ticketEachWay, //    a real cross-realm ticket, A → B ∥ B → A
  parity, //           kvno and enctypes of the four krbtgt principals (with kerberos.admin)
  defaultPassword, //  warn while MRS's default password still works (with kerberos.admin)
];
