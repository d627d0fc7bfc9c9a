import { kvnoOf } from '../../domain/ticket-errors.js';
import type { Secret } from '../../domain/secret.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { shellQuote } from '../../domain/shell.js';
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
 * kinit and kvno in one shell on the client host, in a private credential cache (the host's
 * own tickets are never touched, and the cache is destroyed on exit). The client environment
 * comes from bigdata_env as MRS documents; its krb5.conf is the one the refresh just wrote.
 * The password is read by kinit from stdin, never from argv.
 */
export function ticketCommand(clientDir: string, principal: string, service: string): string {
  const dir = clientDir.replace(/\/+$/, '');
  return [
    `. ${shellQuote(`${dir}/bigdata_env`)} >/dev/null 2>&1`,
    // NOTE: the MRS client krb5.conf location (docs/assumptions.md), set even if bigdata_env does not.
    `export KRB5_CONFIG=${shellQuote(`${dir}/KrbClient/kerberos/var/krb5kdc/krb5.conf`)}`,
    'cc=$(mktemp "${TMPDIR:-/tmp}/mrs-trust-cc.XXXXXX") || exit 1',
    'export KRB5CCNAME="FILE:$cc"',
    `trap 'kdestroy >/dev/null 2>&1; rm -f "$cc"' EXIT`,
    `kinit ${shellQuote(principal)} || exit 1`,
    `kvno ${shellQuote(service)}`,
  ].join('\n');
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
