import { kvnoOf } from '../../domain/ticket-errors.js';
import type { Secret } from '../../domain/secret.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { shellQuote } from '../../domain/shell.js';
import { clientShellPreamble } from './client-env.js';
import type { TicketOutcome, TicketTester } from '../../ports/ticket.js';

/** One cluster's side of the ticket test, from clusters.yaml (`verify`, `clients[0]`). */
export interface TicketSide {
  principal: string;
  service: string;
  timeoutMs: number;
  clientDir: string;
  password(): Promise<Secret>;
  /** A new, not yet connected host; the tester closes it. */
  host(): Promise<RemoteHost>;
}

/**
 * kinit and kvno in one shell on the client host (clientShellPreamble: private credential
 * cache, the client environment; its krb5.conf is the one the refresh just wrote).
 * The password is read by kinit from stdin, never from argv.
 */
export function ticketCommand(clientDir: string, principal: string, service: string): string {
  return [...clientShellPreamble(clientDir), `kinit ${shellQuote(principal)} || exit 1`, `kvno ${shellQuote(service)}`].join('\n');
}

export function ticketTester(sides: Record<string, TicketSide | string>): TicketTester {
  return {
    unavailable(cluster) {
      const side = sides[cluster];
      return typeof side === 'string' ? side : side ? undefined : `${cluster} is not part of this run`;
    },
    async test(from, to, toRealm, signal): Promise<TicketOutcome> {
      const mine = sides[from] as TicketSide;
      const theirs = sides[to] as TicketSide;
      const service = theirs.service;
      const password = await mine.password();
      const host = await mine.host();
      let result;
      try {
        result = await host.exec(ticketCommand(mine.clientDir, mine.principal, `${service}@${toRealm}`), {
          timeoutMs: mine.timeoutMs,
          stdin: `${password.reveal()}\n`,
          signal,
        });
      } finally {
        await host.close().catch(() => undefined);
      }
      const kvno = kvnoOf(result.stdout);
      if (result.exitCode === 0 && kvno !== undefined) return { ok: true, host: host.label, service, kvno };
      return { ok: false, host: host.label, service, output: `${result.stdout}\n${result.stderr}`.trim() };
    },
  };
}
