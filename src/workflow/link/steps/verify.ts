import { findPeer, peerEntry, sameEntry, type PeerEntry } from '../../../domain/peers.js';
import { classifyTicketError } from '../../../domain/ticket-errors.js';
import { CheckError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { peerOf, sides, type LinkState, type TicketTester } from '../context.js';

/**
 * The row of the other realm this side should have: what the plan left there, or — for `verify`,
 * which has no plan — the other side's realm with its current KDCs.
 */
function expectation(s: LinkState, name: string): { realm: string; expected: PeerEntry | undefined } {
  const side = s.plan?.sides.find((x) => x.cluster === name);
  if (side) return { realm: side.change.realm, expected: findPeer(side.peersAfter, side.change.realm) };
  const other = s.facts[peerOf(s, name)];
  if (!other) throw new Error('verify before discover');
  return { realm: other.realm, expected: peerEntry(other.realm, other.kdcs) };
}

/**
 * Re-reads each side and checks its row of the other realm is what the plan left there: the
 * other side's realm with the right KDCs (link), no row (unlink), the row from before (rollback).
 */
export const verifyConfig: Step<LinkState> = {
  id: 'verify',
  title: 'Re-read both clusters and check the trust is configured',
  readOnly: true,
  scopes: sides,
  skip: (s) => (s.request.dryRun ? 'dry run: nothing was written' : undefined),
  async run(s, scope) {
    const name = scope as string;
    const { realm, expected } = expectation(s, name);
    // The read the restart step started once its command ended (LinkState.reread), else a new one.
    const started = s.reread?.[name];
    if (s.reread) delete s.reread[name];
    const now = await (started ?? (s.managers[name] as NonNullable<LinkState['managers'][string]>).readPeerRealms());
    const found = findPeer(now.peers, realm);
    const hint = `run \`mrs-trust status ${s.request.a} ${s.request.b}\` to see both sides`;
    if (expected) {
      if (!found || !sameEntry(found, expected)) {
        throw new CheckError('VERIFY_FAILED', `${name}: peer_realms should list ${expected.realm_name} ${expected.ip_port} but ${found ? `lists ${found.ip_port}` : 'does not list it'}`, {
          hint,
          details: { cause: found ? 'kdcs-differ' : 'no-trust', cluster: name },
        });
      }
      return { message: `lists ${expected.realm_name} ${expected.ip_port}` };
    }
    if (found) throw new CheckError('VERIFY_FAILED', `${name}: peer_realms still lists ${realm}`, { hint });
    return { message: `no longer lists ${realm}` };
  },
};

export function ticketSkip(s: LinkState): string | undefined {
  if (s.request.dryRun) return 'dry run: nothing was written';
  if (s.request.action !== 'link') return `${s.request.action}: there is no new trust to prove`;
  if (s.request.skipClients) return 'the client hosts were not refreshed (--skip-clients)';
  const tester = s.deps.ticket;
  if (!tester) return 'not configured: clusters.<name>.verify and clients are needed on both clusters';
  return tester.unavailable(s.request.a) ?? tester.unavailable(s.request.b);
}

/** One direction: a ticket for `to`'s service, obtained as `from`'s user (also `verify`'s step). */
export async function ticketOneWay(s: LinkState, from: string): Promise<string> {
  const to = peerOf(s, from);
  const realm = s.facts[to]?.realm;
  if (!realm) throw new Error('verify-ticket before discover');
  const outcome = await (s.deps.ticket as TicketTester).test(from, to, realm, s.deps.signal);
  if (!outcome.ok) {
    const d = classifyTicketError(outcome.output);
    throw new CheckError('TICKET_FAILED', `${from} → ${to}: no ticket for ${outcome.service}@${realm} from ${outcome.host} (${d.cause})`, {
      hint: d.hint,
      details: { cause: d.cause, from, to, host: outcome.host, service: `${outcome.service}@${realm}`, output: outcome.output.slice(-2000) },
    });
  }
  s.tickets = { ...s.tickets, [from]: { service: `${outcome.service}@${realm}`, kvno: outcome.kvno, host: outcome.host } };
  return `${from} → ${to}: ticket for ${outcome.service}@${realm} (kvno ${outcome.kvno}) on ${outcome.host}`;
}

/**
 * The real proof: from a client host of each side, kinit as that side's user and get a ticket
 * (kvno) for a service of the other realm. Only a working trust in both KDCs gives one; MIT's
 * error text names the cause when it does not (domain/ticket-errors.ts). One step for both
 * directions (run in parallel), so both are tried even when one fails.
 */
export const verifyTicket: Step<LinkState> = {
  id: 'verify-ticket',
  title: 'Obtain a real cross-realm ticket both ways',
  readOnly: true,
  skipIfDoneBefore: true,
  skip: ticketSkip,
  async run(s) {
    const results = await Promise.allSettled(sides(s).map((from) => ticketOneWay(s, from)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { message: results.map((r) => (r as PromiseFulfilledResult<string>).value).join('; ') };
  },
};
