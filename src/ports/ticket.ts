/** What one kinit + kvno attempt on a client host gave. */
export type TicketOutcome =
  | { ok: true; host: string; service: string; kvno: number }
  | { ok: false; host: string; service: string; output: string };

/**
 * The cross-realm ticket test used by link's `verify-ticket` step: on a client host of
 * `from`, kinit as its `verify.principal`, then kvno `to`'s `verify.service` in `toRealm`.
 */
export interface TicketTester {
  /** Why the test cannot run for this cluster (no `verify` block, no client host); undefined = it can. */
  unavailable(cluster: string): string | undefined;
  test(from: string, to: string, toRealm: string, signal: AbortSignal): Promise<TicketOutcome>;
}

