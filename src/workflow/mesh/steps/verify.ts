import { expectedRows, unmetRows } from '../../../domain/mesh-plan.js';
import { classifyTicketError } from '../../../domain/ticket-errors.js';
import { CheckError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { live, sideOf, type MeshState } from '../context.js';

/** The client hosts of every cluster that changed get its new configuration. */
export const refreshClients: Step<MeshState> = {
  id: 'refresh-clients',
  title: 'Refresh client configuration on client hosts',
  skip(s) {
    if (s.request.dryRun) return 'dry run';
    if (!s.deps.clients) return 'no client hosts configured (clusters.<name>.clients)';
    if (!s.plan?.sides.some((x) => s.restarted.has(x.cluster) && x.clientHosts.length > 0)) return 'no changed cluster has client hosts';
    return undefined;
  },
  async run(s) {
    const sides = (s.plan?.sides ?? []).filter((x) => s.restarted.has(x.cluster) && x.clientHosts.length > 0 && !s.failed.has(x.cluster));
    const rollback = s.request.action === 'rollback';
    const realmsOf = (side: (typeof sides)[number]) => {
      const rows = expectedRows(s.plan!, side, s.facts, rollback);
      return { named: rows.filter((r) => r.entry).map((r) => r.realm), absent: rows.filter((r) => !r.entry).map((r) => r.realm) };
    };
    const result = await s.deps.clients!.refresh(sides.map((x) => ({ cluster: x.cluster, realm: x.realm, mrsVersion: x.mrsVersion, ...realmsOf(x) })), s.deps.signal);
    s.clients = result;
    return { message: result.summary };
  },
};

/** Re-reads every cluster: each lists every partner with its current KDCs (rollback: rows as restored). */
export const verifyConfig: Step<MeshState> = {
  id: 'verify',
  title: 'Re-read every cluster and check its peer_realms',
  readOnly: true,
  scopes: live,
  skip: (s) => (s.request.dryRun ? 'dry run: nothing was written' : undefined),
  run: (s, scope) =>
    s.limit(async () => {
      const name = scope as string;
      const side = sideOf(s, name);
      const expected = expectedRows(s.plan!, side, s.facts, s.request.action === 'rollback').filter((e) => ![...s.failed.keys()].some((f) => s.facts[f]?.realm === e.realm));
      const now = await s.managers[name]!.readKerberosFacts();
      const unmet = unmetRows(now.peers, expected);
      if (unmet.length > 0) {
        throw new CheckError('VERIFY_FAILED', `${name}: ${unmet.join('; ')}`, { hint: 'run `mrs-trust mesh status TOPOLOGY` to see every cluster', details: { cluster: name, unmet } });
      }
      return { message: `${expected.length} row${expected.length === 1 ? '' : 's'} as planned` };
    }),
};

/** A real cross-realm ticket both ways for every pair of the topology, where `verify` is configured. */
export const verifyTicket: Step<MeshState> = {
  id: 'verify-ticket',
  title: 'Obtain a real cross-realm ticket both ways, every pair',
  readOnly: true,
  skip(s) {
    if (s.request.dryRun) return 'dry run: nothing was written';
    if (s.request.action === 'rollback') return 'rollback: nothing to prove';
    if (!s.deps.ticket) return 'not configured: clusters.<name>.verify and clients are needed';
    return s.request.clusters.map((c) => s.deps.ticket!.unavailable(c)).find(Boolean);
  },
  async run(s) {
    const tester = s.deps.ticket!;
    const directions = s.request.pairs.filter(([a, b]) => !s.failed.has(a) && !s.failed.has(b)).flatMap(([a, b]) => [[a, b], [b, a]] as const);
    const settled = await Promise.allSettled(
      directions.map(([from, to]) =>
        s.limit(async () => {
          const realm = s.facts[to]!.realm;
          const outcome = await tester.test(from, to, realm, s.deps.signal);
          if (!outcome.ok) {
            const d = classifyTicketError(outcome.output);
            throw new CheckError('TICKET_FAILED', `${from} → ${to}: no ticket for ${outcome.service}@${realm} from ${outcome.host} (${d.cause})`, { hint: d.hint, details: { cause: d.cause, from, to } });
          }
          s.tickets = { ...s.tickets, [`${from}>${to}`]: { service: `${outcome.service}@${realm}`, kvno: outcome.kvno, host: outcome.host } };
        }),
      ),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { message: `${directions.length} ticket${directions.length === 1 ? '' : 's'} obtained` };
  },
};
