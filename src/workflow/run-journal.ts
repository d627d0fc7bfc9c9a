import { carriedOpen, carriedSteps, JOURNAL_VERSION, journalKey, type JournalDoc, type JournalStep } from '../domain/journal.js';
import type { Clock } from '../ports/clock.js';
import type { JournalStore } from '../ports/state.js';

/**
 * The journal of the current run. Every change is written whole and atomically; writes are
 * queued so that parallel steps (both sides at once) never interleave.
 */
export class RunJournal {
  readonly key: string;
  private doc: JournalDoc;
  private queue: Promise<void> = Promise.resolve();
  /** The write not yet started: changes made now join it. */
  private next: Promise<void> | undefined;

  private constructor(
    private readonly store: JournalStore,
    private readonly clock: Clock,
    doc: JournalDoc,
  ) {
    this.key = journalKey(doc.clusters);
    this.doc = doc;
  }

  /** Starts a run; carries over what a previous run left pending (restarts not yet done). */
  static async start(store: JournalStore, clock: Clock, init: { action: string; clusters: string[]; dryRun: boolean; runId: string }): Promise<{ journal: RunJournal; previous?: JournalDoc }> {
    const key = journalKey(init.clusters);
    const previous = await store.read(key);
    const now = clock.now().toISOString();
    const doc: JournalDoc = {
      version: JOURNAL_VERSION,
      runId: init.runId,
      action: init.action,
      clusters: [...init.clusters],
      pid: process.pid,
      startedAt: now,
      updatedAt: now,
      status: 'running',
      dryRun: init.dryRun,
      restartPending: previous?.restartPending ?? [],
      ...(previous?.restartCommands ? { restartCommands: { ...previous.restartCommands } } : {}),
      carried: carriedSteps(previous),
      owedOpen: carriedOpen(previous),
      steps: [],
    };
    const journal = new RunJournal(store, clock, doc);
    // A dry run never writes the journal: it must leave no trace a later real run could act on.
    if (!init.dryRun) await journal.flush();
    return previous ? { journal, previous } : { journal };
  }

  /**
   * `resume`: continues an earlier run's document (same run id, its steps and undo data kept);
   * steps run again update their entries in place.
   */
  static async continue(store: JournalStore, clock: Clock, previous: JournalDoc): Promise<RunJournal> {
    const doc: JournalDoc = { ...structuredClone(previous), pid: process.pid, status: 'running', resumed: (previous.resumed ?? 0) + 1, updatedAt: clock.now().toISOString() };
    const journal = new RunJournal(store, clock, doc);
    await journal.flush();
    return journal;
  }

  get snapshot(): Readonly<JournalDoc> {
    return this.doc;
  }

  update(change: (doc: JournalDoc) => void): Promise<void> {
    change(this.doc);
    this.doc.updatedAt = this.clock.now().toISOString();
    return this.flush();
  }

  /**
   * Records a step event; the same (id, scope) is updated in place. `also` changes the document
   * in the same write (one fsync'd write instead of several in a row before a save).
   */
  recordStep(step: Omit<JournalStep, 'startedAt'> & { startedAt?: string }, also?: (doc: JournalDoc) => void): Promise<void> {
    return this.update((doc) => {
      also?.(doc);
      const index = doc.steps.findIndex((s) => s.id === step.id && s.scope === step.scope);
      const now = this.clock.now().toISOString();
      if (index < 0) doc.steps.push({ ...step, startedAt: step.startedAt ?? now });
      else doc.steps[index] = { ...(doc.steps[index] as JournalStep), ...step, endedAt: now };
    });
  }

  /**
   * Writes the whole document (group commit): while one write is on disk, every change made
   * meanwhile waits for the next single write, which carries all of them. Each caller's promise
   * settles when a write holding its change has completed, so nothing is reported durable early,
   * and 17 clusters saving at once cost a few writes instead of ~85 fsync'd ones in a row. A
   * failed write rejects only the callers of that write: the next one goes on, so one failed
   * write never turns every later record into the same error.
   */
  private flush(): Promise<void> {
    if (this.doc.dryRun) return Promise.resolve();
    if (this.next) return this.next;
    const next = this.queue.catch(() => undefined).then(() => {
      // Taken when the write starts, so it holds every change made while the previous one ran.
      this.next = undefined;
      return this.store.write(this.key, structuredClone(this.doc));
    });
    this.next = next;
    this.queue = next;
    return next;
  }
}
