import type { Step } from '../engine.js';
import { sides, type LinkState } from '../link/context.js';
import { discover } from '../link/steps/discover.js';
import { ticketOneWay, ticketSkip, verifyConfig, verifyTicket } from '../link/steps/verify.js';

/** Link's verify-ticket, one scope per direction, so that both directions report their own cause. */
const ticketEachWay: Step<LinkState> = {
  id: verifyTicket.id,
  title: verifyTicket.title,
  scopes: sides,
  skip: (s) => ticketSkip(s),
  run: async (s, from) => ({ message: await ticketOneWay(s, from as string) }),
};

/** Reads the trust both clusters have, without writing anything. */
export const verifyDiscover: readonly Step<LinkState>[] = [
  discover, //       login; realm, KDCs, peers (A ∥ B)
];

/** The checks of `verify`, in order; every one runs even when an earlier one failed. */
export const verifyChecks: readonly Step<LinkState>[] = [
  verifyConfig, //   each side lists the other with its current KDCs (A ∥ B)
  ticketEachWay, //  a real cross-realm ticket, A → B ∥ B → A
];
