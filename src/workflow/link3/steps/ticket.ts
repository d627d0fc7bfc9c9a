import type { Step } from '../../engine.js';
import type { LinkState } from '../../link/context.js';
import { ticketOneWay, verifyTicket } from '../../link/steps/verify.js';

/**
 * The shared ticket test, both ways; with `--one-way` only from the local side `a` (its users use
 * `b`'s services — the reverse is not set up, so not tested).
 */
export const verifyTicketMrs3: Step<LinkState> = {
  ...verifyTicket,
  async run(s) {
    if (!s.request.oneWay) return verifyTicket.run(s);
    return { message: `${await ticketOneWay(s, s.request.a)} (one-way: ${s.request.b} → ${s.request.a} is not set up)` };
  },
};
