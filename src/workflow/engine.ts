import type { JournalDoc, JournalUndo } from '../domain/journal.js';
import { InterruptedError, isMrsTrustError } from '../errors/index.js';
import type { EventSink } from '../ports/events.js';
import type { RunJournal } from './run-journal.js';

/** What a step reports back. */
export interface StepResult {
  message?: string;
  /** The step decided at run time that there was nothing to do (e.g. "already present"). */
  skipped?: string;
  /** Recorded in the journal for rollback. */
  undo?: JournalUndo;
  /**
   * A change to the journal document carried by the step's own `done` record (one write, not
   * two): e.g. the restart step clearing the restart it owed.
   */
  journal?: (doc: JournalDoc) => void;
}

/**
 * One step of a workflow, as data. Ids are stable kebab-case verbs: they appear in progress,
 * the journal, `--json` results and tests.
 */
export interface Step<C> {
  id: string;
  title: string;
  /** Runs once per scope, all scopes in parallel (the two sides of a link). */
  scopes?: (ctx: C) => string[];
  /** A human reason to skip, decided before running; undefined = run. */
  skip?: (ctx: C, scope?: string) => string | undefined;
  /**
   * `resume`: a step whose whole effect is recorded as done in the run being resumed (checks,
   * the client refresh) is not run again. Steps without it always run: they re-read and skip
   * what is already in place themselves.
   */
  skipIfDoneBefore?: boolean;
  /**
   * A step that writes or restarts says what it would do: in a dry run it runs against the
   * recording ports (so the recorded writes are the plan) and reports `skipped` with this text.
   */
  would?: (ctx: C, scope?: string) => string;
  run: (ctx: C, scope?: string) => Promise<StepResult | void>;
  /**
   * The step changes nothing outside this process (it reads, checks, computes or asks). Its
   * journal records are then not waited for one by one — each is an fsync'd write, ~3 ms, and
   * link runs ten such steps before its first write — but every step without this flag that is
   * not skipped, and the end of the run, first waits until all of them are on disk (and stops on
   * a failed one), so nothing is written to a cluster before the journal says what led to it.
   * A step without it waits for its `started` record; its `done` record, like every record,
   * is waited for at the next such barrier: what comes after it until then only reads, and a
   * run that dies before the record lands re-reads what the step did (resume, a pending restart).
   */
  readOnly?: boolean;
  /**
   * The step journals its own `started` record (with its undo data) before it writes anything
   * (`savePeersWithRestart`), so the engine writes none: one fsync'd write before a save, not two.
   */
  recordsStart?: boolean;
  /**
   * Scoped steps only: a failing scope does not stop the run; the engine reports it here (and
   * in the step reports) and goes on, so the workflow can leave that scope out of later steps
   * (`mesh`: one cluster failing leaves the others consistent). Interruptions still stop the run.
   */
  onScopeFailed?: (ctx: C, scope: string, error: unknown) => void;
}

export interface StepReport {
  id: string;
  scope?: string;
  status: 'done' | 'skipped' | 'failed';
  message?: string;
  error?: { code: string; message: string };
}

export interface EngineIo {
  events: EventSink;
  /** Absent for read-mostly workflows that keep no journal (ssh doctor). */
  journal?: Pick<RunJournal, 'recordStep'>;
  signal: AbortSignal;
  /** A dry run: steps with `would` report `skipped` ("would …"), never `done`. */
  dryRun?: boolean;
  /** `resume`: the steps (id and scope) the resumed run finished. */
  doneBefore?: (id: string, scope?: string) => boolean;
  /** Called between steps; throws to stop the run (e.g. a lock found compromised). */
  guard?: () => void;
  /**
   * Called once the last step has run, before the run waits for its journal writes: what needs
   * no step any more (link's logouts) starts while the journal catches up.
   */
  stepsDone?: () => void;
}

function describeError(error: unknown): { code: string; message: string } {
  if (isMrsTrustError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Journals a step event when the workflow keeps a journal; `also` changes the document in the same write. */
function record(io: EngineIo, step: Parameters<RunJournal['recordStep']>[0], also?: (doc: JournalDoc) => void): Promise<void> {
  return io.journal ? io.journal.recordStep(step, also) : Promise.resolve();
}

/** Journal writes of read-only steps still on their way to disk (see `Step.readOnly`). */
type InFlight = Promise<void>[];

/** Journals a step event: waited for, or (a read-only or skipped step) left in flight until the next barrier. */
function journal(io: EngineIo, inFlight: InFlight, entry: Parameters<RunJournal['recordStep']>[0], wait: boolean, also?: (doc: JournalDoc) => void): Promise<void> {
  const written = record(io, entry, also);
  if (wait) return written;
  // Handled at the barrier; the no-op catch only keeps Node from calling it unhandled meanwhile.
  written.catch(() => undefined);
  inFlight.push(written);
  return Promise.resolve();
}

/** Waits until every journal write in flight is on disk; the first that failed stops the run. */
async function barrier(inFlight: InFlight): Promise<void> {
  const settled = await Promise.allSettled(inFlight.splice(0));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The last step has run: what needs no step any more starts, then the journal catches up. */
async function endOfSteps(io: EngineIo, inFlight: InFlight): Promise<void> {
  io.stepsDone?.();
  await barrier(inFlight);
}

/** The skip reason of a step done in the run being resumed: a later resume counts it as done too. */
export const DONE_IN_RESUMED_RUN = 'done in the run being resumed';

function skipReason<C>(step: Step<C>, ctx: C, scope: string | undefined, io: EngineIo): string | undefined {
  if (step.skipIfDoneBefore && io.doneBefore?.(step.id, scope)) return DONE_IN_RESUMED_RUN;
  return step.skip?.(ctx, scope);
}

/** What a step that ran reports: in a dry run, a step that would write reports `skipped` ("would …"). */
function outcomeOf<C>(step: Step<C>, ctx: C, scope: string | undefined, io: EngineIo, ran: StepResult) {
  const result = io.dryRun && step.would && ran.skipped === undefined ? { skipped: step.would(ctx, scope) } : ran;
  const status: 'done' | 'skipped' = result.skipped === undefined ? 'done' : 'skipped';
  const message = result.skipped ?? result.message;
  return { status, ...(message === undefined ? {} : { message }), ...(result.undo ? { undo: result.undo } : {}) };
}

async function failed<C>(step: Step<C>, at: { scope?: string }, io: EngineIo, caught: unknown): Promise<unknown> {
  // An abort surfaces from deep inside an adapter as a plain AbortError: name it for what it is.
  const error = io.signal.aborted && !isMrsTrustError(caught) ? new InterruptedError(`interrupted during ${step.id}`, { cause: caught, hint: 'run the same command again: it continues from what is in place' }) : caught;
  const described = describeError(error);
  io.events.emit({ type: 'step-failed', step: step.id, ...at, error: described });
  // The step's own error is the one to report: a journal that cannot record it is only a warning.
  await record(io, { id: step.id, ...at, status: 'failed', error: described }).catch((journalError: unknown) => {
    io.events.emit({ type: 'warning', message: `the journal could not record that ${step.id} failed: ${describeError(journalError).message}` });
  });
  return error;
}

/** Runs one step on one scope (or none); `reason` is its skip reason, decided by `runSteps`. */
async function runOne<C>(step: Step<C>, ctx: C, scope: string | undefined, reason: string | undefined, io: EngineIo, inFlight: InFlight): Promise<StepReport> {
  const at = scope === undefined ? {} : { scope };
  if (reason !== undefined) {
    io.events.emit({ type: 'step-done', step: step.id, ...at, outcome: 'skipped', message: reason });
    await journal(io, inFlight, { id: step.id, ...at, status: 'skipped', message: reason }, false);
    return { id: step.id, ...at, status: 'skipped', message: reason };
  }
  io.events.emit({ type: 'step-start', step: step.id, title: step.title, ...at });
  if (!step.recordsStart) await journal(io, inFlight, { id: step.id, ...at, status: 'started' }, !step.readOnly);
  let ran: StepResult;
  try {
    ran = (await step.run(ctx, scope)) ?? {};
  } catch (caught) {
    throw await failed(step, at, io, caught);
  }
  const outcome = outcomeOf(step, ctx, scope, io, ran);
  const { status, message } = outcome;
  io.events.emit({ type: 'step-done', step: step.id, ...at, outcome: status, ...(message === undefined ? {} : { message }) });
  // Not waited for here: the next step that writes, and the end of the run, wait (Step.readOnly).
  await journal(io, inFlight, { id: step.id, ...at, ...outcome }, false, ran.journal);
  return { id: step.id, ...at, status, ...(message === undefined ? {} : { message }) };
}

const isLocalIo = (e: unknown) => isMrsTrustError(e) && e.code === 'LOCAL_IO';

/**
 * Of the errors of parallel scopes, a step's own (remote, check) error is the run's error; a
 * sibling scope that only failed to journal (one journal write carries both scopes' records) is
 * a warning, as when a step's own failure cannot be recorded.
 */
function firstOwnError(errors: unknown[], io: EngineIo): unknown {
  const own = errors.find((e) => !isLocalIo(e));
  if (own === undefined) return errors[0];
  for (const e of errors.filter(isLocalIo)) io.events.emit({ type: 'warning', message: `the journal could not record a step: ${describeError(e).message}` });
  return own;
}

/**
 * Runs the steps in order; a scoped step runs its scopes in parallel and waits for all of them
 * (one side failing never cuts the other side's write or restart short). Stops at the first
 * failure, or between steps when interrupted. Returns the report of every step that ran.
 */
export async function runSteps<C>(steps: readonly Step<C>[], ctx: C, io: EngineIo): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const inFlight: InFlight = [];
  for (const step of steps) {
    if (io.signal.aborted) throw new InterruptedError('interrupted between steps; nothing more was written', { hint: 'run the same command again: it continues from what is in place' });
    io.guard?.();
    const scopes = step.scopes?.(ctx);
    // Decided once per scope: the barrier below and the run agree on what is skipped.
    const reasons = (scopes ?? [undefined]).map((scope) => skipReason(step, ctx, scope, io));
    // A step that writes starts once the journal holds everything before it; one that only skips changes nothing.
    if (!step.readOnly && reasons.some((reason) => reason === undefined)) await barrier(inFlight);
    if (scopes === undefined) {
      reports.push(await runOne(step, ctx, undefined, reasons[0], io, inFlight));
      continue;
    }
    const settled = await Promise.allSettled(scopes.map((scope, i) => runOne(step, ctx, scope, reasons[i], io, inFlight)));
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') reports.push(s.value);
      else if (step.onScopeFailed) reports.push({ id: step.id, scope: scopes[i] as string, status: 'failed', error: describeError(s.reason) });
    });
    const failed = settled.map((s, i) => ({ s, scope: scopes[i] as string })).filter((x): x is { s: PromiseRejectedResult; scope: string } => x.s.status === 'rejected');
    const tolerated = step.onScopeFailed && !io.signal.aborted && !failed.some((f) => isMrsTrustError(f.s.reason) && f.s.reason.code === 'INTERRUPTED');
    if (tolerated) for (const f of failed) step.onScopeFailed?.(ctx, f.scope, f.s.reason);
    else if (failed[0]) throw firstOwnError(failed.map((f) => f.s.reason), io);
  }
  await endOfSteps(io, inFlight);
  return reports;
}
