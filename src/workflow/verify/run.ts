import { journalKey } from '../../domain/journal.js';
import { isMrsTrustError, UsageError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import type { Manager } from '../../ports/manager.js';
import { runSteps, type Step } from '../engine.js';
import type { LinkState } from '../link/context.js';
import { RunJournal } from '../run-journal.js';
import type { CheckFailure, VerifyDeps, VerifyState } from './context.js';
import type { VerifyCheck, VerifyResult } from './result.js';
import { verifyChecks, verifyDiscover } from './steps.js';

/** The cause a failed check names: the error's `details.cause`, else its code in kebab case. */
export function failureOf(id: string, scope: string | undefined, error: unknown): CheckFailure {
  const details = isMrsTrustError(error) ? error.details : undefined;
  const cause = typeof details?.cause === 'string' ? details.cause : isMrsTrustError(error) ? error.code.toLowerCase().replace(/_/g, '-') : 'internal';
  const hint = isMrsTrustError(error) ? error.hint : undefined;
  return { id, ...(scope ? { scope } : {}), cause, ...(hint ? { hint } : {}) };
}

/** Records a failing check's cause on the state; the engine still reports the step as failed. */
export function collecting<S extends VerifyState>(step: Step<LinkState> | Step<S>): Step<S> {
  const inner = step as Step<S>;
  return {
    ...inner,
    run: async (s, scope) => {
      try {
        return await inner.run(s, scope);
      } catch (error) {
        s.failures.push(failureOf(inner.id, scope, error));
        throw error;
      }
    },
  };
}

/** Turns the engine's events into the checks of the result (one per step and scope). */
function recorder(sink: EventSink, failures: CheckFailure[]): { sink: EventSink; checks: VerifyCheck[] } {
  const checks: VerifyCheck[] = [];
  return {
    checks,
    sink: {
      emit(event) {
        sink.emit(event);
        if (event.type !== 'step-done' && event.type !== 'step-failed') return;
        const at = event.scope ? { scope: event.scope } : {};
        if (event.type === 'step-done') {
          checks.push({ id: event.step, ...at, status: event.outcome === 'done' ? 'passed' : 'skipped', ...(event.message ? { message: event.message } : {}) });
          return;
        }
        const f = failures.find((x) => x.id === event.step && x.scope === event.scope);
        checks.push({ id: event.step, ...at, status: 'failed', message: event.error.message, cause: f?.cause ?? event.error.code.toLowerCase(), ...(f?.hint ? { hint: f.hint } : {}) });
      },
    },
  };
}

/**
 * `verify A B`: discover both sides (a failure there ends the run with its own error), then run
 * every check, each even when an earlier one failed. Writes nothing to any cluster and no run
 * journal (a journal of the pair belongs to link and rollback); the result is kept as the pair's
 * last verification for `status`.
 */
export async function runVerify(deps: VerifyDeps, request: { a: string; b: string }, checks: readonly Step<VerifyState>[] = verifyChecks.map((c) => collecting(c))): Promise<VerifyResult> {
  const names = [request.a, request.b];
  if (request.a === request.b) throw new UsageError('SAME_CLUSTER', `cannot verify ${request.a} with itself`, { hint: 'name two different clusters' });
  const checkedAt = deps.clock.now().toISOString();
  // A journal that is never written (dryRun): the engine wants one, verify leaves no trace there.
  const { journal } = await RunJournal.start(deps.journal, deps.clock, { action: 'verify', clusters: names, dryRun: true, runId: deps.newRunId() });
  const s: VerifyState = {
    request: { action: 'link', a: request.a, b: request.b, dryRun: false, restartTimeoutMs: 0, skipPrecheck: true },
    deps,
    journal,
    managers: Object.fromEntries(names.map((n) => [n, deps.managers[n] as Manager])),
    writes: [],
    facts: {},
    restartPending: new Set(),
    restarted: new Set(),
    configVersionAfter: {},
    failures: [],
    warnings: [],
  };
  const rec = recorder(deps.events, s.failures);
  const io = { events: rec.sink, journal, signal: deps.signal };
  try {
    await runSteps(verifyDiscover, s, io);
    for (const step of checks) {
      const before = s.failures.length;
      try {
        await runSteps([step], s, io);
      } catch (error) {
        if (s.failures.length === before) throw error; // not a check's failure: interrupted, or a bug
      }
    }
  } finally {
    await Promise.allSettled(names.map((n) => (deps.managers[n] as Manager).logout()));
  }
  if (!rec.checks.some((c) => c.id === 'verify-ticket' && c.status !== 'skipped')) {
    const why = rec.checks.find((c) => c.id === 'verify-ticket')?.message ?? 'not configured';
    s.warnings.push({ code: 'TRUST_NOT_PROVEN', message: `no cross-realm ticket was tried (${why}): only the configuration was checked` });
  }
  const result: VerifyResult = {
    ok: rec.checks.every((c) => c.status !== 'failed'),
    clusters: [request.a, request.b],
    checkedAt,
    checks: rec.checks.filter((c) => c.id !== 'discover'),
    warnings: s.warnings,
    ...(s.tickets ? { tickets: s.tickets } : {}),
  };
  await deps.verifications.write(journalKey(names), result);
  return result;
}
