import { describe, expect, it } from 'vitest';
import type { TicketOutcome, TicketTester } from '../../src/ports/ticket.js';
import { runLink } from '../../src/workflow/link/run.js';
import { linkDeps, request, twoClusters } from '../support/link-deps.js';

type Step = { id: string; scope?: string; status: string; message?: string };
const ticketSteps = (steps: Step[]) => steps.filter((s) => s.id === 'verify-ticket');

function fakeTester(answer: (from: string, to: string, realm: string) => TicketOutcome, unavailable: Record<string, string> = {}) {
  const calls: string[] = [];
  const tester: TicketTester = {
    unavailable: (c) => unavailable[c],
    test: async (from, to, realm) => {
      calls.push(`${from}->${to}@${realm}`);
      return answer(from, to, realm);
    },
  };
  return { tester, calls };
}

const ok = (from: string, to: string): TicketOutcome => ({ ok: true, host: `root@client1.${from}:22`, service: `hdfs/master1.${to}`, kvno: 1 });

describe('verify-ticket step (fake TicketTester)', () => {
  it('tests both ways after link and reports the kvno', async () => {
    const { tester, calls } = fakeTester(ok);
    const { deps } = linkDeps(twoClusters(), { ticket: tester });
    const { result } = await runLink(deps, request());
    expect(calls.sort()).toEqual(['alpha->beta@BETA.MRS', 'beta->alpha@ALPHA.MRS']);
    expect(ticketSteps(result.steps).map((s) => s.status)).toEqual(['done']);
    expect(ticketSteps(result.steps)[0]?.message).toContain('alpha → beta: ticket for hdfs/master1.beta@BETA.MRS (kvno 1)');
    expect(ticketSteps(result.steps)[0]?.message).toContain('beta → alpha: ticket for hdfs/master1.alpha@ALPHA.MRS (kvno 1)');
  });

  it('fails with TICKET_FAILED (exit 3) naming the MIT cause', async () => {
    const { tester } = fakeTester((from, to) => (from === 'beta' ? { ok: false, host: 'h', service: `hdfs/master1.${to}`, output: 'kvno: Decrypt integrity check failed while getting credentials' } : ok(from, to)));
    const { deps } = linkDeps(twoClusters(), { ticket: tester });
    const error = await runLink(deps, request()).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'TICKET_FAILED', exitCode: 3, details: { cause: 'password-mismatch', from: 'beta', to: 'alpha' } });
    expect(String((error as Error).message)).toContain('password-mismatch');
  });

  it('skips with the reason: not configured, dry run, unlink', async () => {
    const none = linkDeps(twoClusters());
    expect(ticketSteps((await runLink(none.deps, request())).result.steps)[0]?.message).toMatch(/not configured/);

    const { tester, calls } = fakeTester(ok, { beta: 'not configured: clusters.beta.verify is not set' });
    const half = linkDeps(twoClusters(), { ticket: tester });
    const steps = ticketSteps((await runLink(half.deps, request())).result.steps);
    expect(steps.every((s) => s.status === 'skipped' && s.message === 'not configured: clusters.beta.verify is not set')).toBe(true);

    const dry = linkDeps(twoClusters(), { ticket: tester });
    expect(ticketSteps((await runLink(dry.deps, request({ dryRun: true }))).result.steps)[0]?.message).toMatch(/dry run/);

    const m = twoClusters();
    const both = linkDeps(m, { ticket: fakeTester(ok).tester });
    await runLink(both.deps, request());
    expect(ticketSteps((await runLink(both.deps, request({ action: 'unlink' }))).result.steps)[0]?.message).toMatch(/unlink/);
    expect(calls).toEqual([]);
  });
});
