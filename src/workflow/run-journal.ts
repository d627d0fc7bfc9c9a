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

  /** Records a step event; the same (id, scope) is updated in place. */
  recordStep(step: Omit<JournalStep, 'startedAt'> & { startedAt?: string }): Promise<void> {
    return this.update((doc) => {
      const index = doc.steps.findIndex((s) => s.id === step.id && s.scope === step.scope);
      const now = this.clock.now().toISOString();
      if (index < 0) doc.steps.push({ ...step, startedAt: step.startedAt ?? now });
      else doc.steps[index] = { ...(doc.steps[index] as JournalStep), ...step, endedAt: now };
    });
  }

  /**
   * Queues a whole-document write. A failed write rejects only its own caller: the queue goes on,
   * so one failed write never turns every later record into the same error.
   */
  private flush(): Promise<void> {
    if (this.doc.dryRun) return Promise.resolve();
    const copy = structuredClone(this.doc);
    const write = this.queue.catch(() => undefined).then(() => this.store.write(this.key, copy));
    this.queue = write;
    return write;
  }
}
