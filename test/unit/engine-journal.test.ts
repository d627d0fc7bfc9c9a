import { describe, expect, it } from 'vitest';
import { runSteps, type Step } from '../../src/workflow/engine.js';
import { RunJournal } from '../../src/workflow/run-journal.js';
import { CheckError } from '../../src/errors/index.js';
import type { JournalDoc } from '../../src/domain/journal.js';
import type { JournalStore } from '../../src/ports/state.js';
import { silentSink } from '../../src/ports/events.js';

/** A journal store whose writes finish only when the test says so: what waited for the disk shows. */
function slowStore() {
  const pending: { doc: JournalDoc; done: () => void; fail: (e: Error) => void }[] = [];
  const written: JournalDoc[] = [];
  const store: JournalStore = {
    read: () => Promise.resolve(undefined),
    write: (_key, doc) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ doc, done: () => (written.push(doc), resolve()), fail: reject });
      }),
  };
  const finishAll = () => pending.splice(0).forEach((w) => w.done());
  return { store, pending, written, finishAll };
}

const clock = { now: () => new Date('2026-11-30T00:00:00Z'), sleep: () => Promise.resolve() };
const tick = () => new Promise((r) => setImmediate(r));

async function startJournal(store: JournalStore, finishAll: () => void) {
  const started = RunJournal.start(store, clock, { action: 'link', clusters: ['a', 'b'], dryRun: false, runId: 'r1' });
  await tick();
  finishAll();
  return (await started).journal;
}

/** The run does not end before its last journal writes are on disk; the disk then answers until it does. */
async function endsOnlyOnceWritten(run: Promise<unknown>, finishAll: () => void) {
  let finished = false;
  void run.then(() => (finished = true));
  await tick();
  expect(finished).toBe(false);
  while (!finished) {
    finishAll();
    await tick();
  }
}

describe('the engine and the journal', () => {
  it('runs read-only steps without waiting for their journal writes, and a writing step only once they are on disk', async () => {
    const { store, pending, written, finishAll } = slowStore();
    const journal = await startJournal(store, finishAll);
    const ran: string[] = [];
    const read = (id: string): Step<object> => ({ id, title: id, readOnly: true, run: async () => void ran.push(id) });
    const write: Step<object> = {
      id: 'write',
      title: 'write',
      // What the write step sees on disk when it starts: the read steps must already be there.
      run: async () => void ran.push(`write (on disk: ${(written.at(-1)?.steps ?? []).map((s) => `${s.id}:${s.status}`).join(' ')})`),
    };
    const run = runSteps([read('discover'), read('plan'), write], {}, { events: silentSink, journal, signal: new AbortController().signal });
    await tick();
    // Both read steps ran although not one of their journal writes has finished.
    expect(ran).toEqual(['discover', 'plan']);
    expect(pending.length).toBeGreaterThan(0);
    // The writing step waits for the disk.
    await tick();
    expect(ran).toEqual(['discover', 'plan']);
    while (!ran.some((r) => r.startsWith('write'))) {
      finishAll();
      await tick();
    }
    expect(ran[2]).toBe('write (on disk: discover:done plan:done write:started)');
    // The end of the run waits for the last records too.
    await endsOnlyOnceWritten(run, finishAll);
    expect(written.at(-1)?.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['discover:done', 'plan:done', 'write:done']);
  });

  it('a writing step that skips (nothing to do) does not wait for the disk either', async () => {
    const { store, pending, finishAll } = slowStore();
    const journal = await startJournal(store, finishAll);
    const ran: string[] = [];
    const steps: Step<object>[] = [
      { id: 'discover', title: 'discover', readOnly: true, run: async () => void ran.push('discover') },
      { id: 'refresh-clients', title: 'refresh', skip: () => 'no client hosts configured', run: async () => void ran.push('refresh') },
      { id: 'verify', title: 'verify', readOnly: true, run: async () => void ran.push('verify') },
    ];
    const run = runSteps(steps, {}, { events: silentSink, journal, signal: new AbortController().signal });
    await tick();
    await tick();
    expect(ran).toEqual(['discover', 'verify']);
    expect(pending.length).toBeGreaterThan(0);
    const settle = setInterval(finishAll, 1);
    const reports = await run;
    clearInterval(settle);
    expect(reports.map((r) => `${r.id}:${r.status}`)).toEqual(['discover:done', 'refresh-clients:skipped', 'verify:done']);
  });

  it('stops before a writing step when a read-only step could not be journaled', async () => {
    const { store, pending, finishAll } = slowStore();
    const journal = await startJournal(store, finishAll);
    let wrote = false;
    const steps: Step<object>[] = [
      { id: 'discover', title: 'discover', readOnly: true, run: async () => undefined },
      { id: 'write', title: 'write', run: async () => void (wrote = true) },
    ];
    const run = runSteps(steps, {}, { events: silentSink, journal, signal: new AbortController().signal });
    await tick();
    for (const w of pending.splice(0)) w.fail(new CheckError('LOCAL_IO', 'cannot write the journal /x: ENOSPC', { hint: 'free some space' }));
    // Writes started after the failed one succeed: only the barrier's error matters.
    const settle = setInterval(finishAll, 1);
    await expect(run).rejects.toMatchObject({ code: 'LOCAL_IO' });
    clearInterval(settle);
    expect(wrote).toBe(false);
  });

  it('a step that records its own start (with undo data) gets no engine record first: one write before it acts, not two', async () => {
    const { store, written, finishAll } = slowStore();
    const journal = await startJournal(store, finishAll);
    const writesBefore: number[] = [];
    const base = written.length;
    const step: Step<object> = {
      id: 'write-peer-realms',
      title: 'write',
      recordsStart: true,
      run: async () => {
        await journal.recordStep({ id: 'write-peer-realms', status: 'started', undo: { kind: 'peer-change', cluster: 'a', change: { kind: 'added', realm: 'B.MRS' } } as never });
        writesBefore.push(written.length - base);
      },
    };
    const settle = setInterval(finishAll, 1);
    let done = false;
    const reports = await runSteps([step], {}, { events: silentSink, journal, signal: new AbortController().signal, stepsDone: () => void (done = true) });
    clearInterval(settle);
    expect(writesBefore).toEqual([1]);
    expect(done).toBe(true);
    expect(reports.map((r) => `${r.id}:${r.status}`)).toEqual(['write-peer-realms:done']);
    // Its own record carries the start; the engine's "done" updates it in place, undo kept.
    const entry = written.at(-1)?.steps.find((x) => x.id === 'write-peer-realms');
    expect(entry).toMatchObject({ status: 'done' });
    expect(entry?.undo).toBeDefined();
  });

  it("a writing step's done record (with the change it carries) is waited for at the next barrier, not before the read-only step after it", async () => {
    const { store, pending, written, finishAll } = slowStore();
    const journal = await startJournal(store, finishAll);
    const ran: string[] = [];
    const steps: Step<object>[] = [
      { id: 'restart', title: 'restart', run: async () => (ran.push('restart'), { message: 'restarted', journal: (doc) => void (doc.restartPending = []) }) },
      { id: 'verify', title: 'verify', readOnly: true, run: async () => void ran.push('verify') },
    ];
    const owed = journal.update((doc) => void (doc.restartPending = ['a']));
    await tick();
    finishAll();
    await owed;
    const run = runSteps(steps, {}, { events: silentSink, journal, signal: new AbortController().signal });
    // restart's `started` record is waited for (it writes next): let the disk answer once.
    while (!ran.includes('restart')) {
      finishAll();
      await tick();
    }
    await tick();
    await tick();
    // verify ran while restart's done record was still on its way to disk.
    expect(ran).toEqual(['restart', 'verify']);
    expect(pending.length).toBeGreaterThan(0);
    expect(written.at(-1)?.restartPending).toEqual(['a']);
    await endsOnlyOnceWritten(run, finishAll);
    // The end of the run waited for it; the change went with the done record.
    const last = written.at(-1);
    expect(last?.restartPending).toEqual([]);
    expect(last?.steps.map((x) => `${x.id}:${x.status}`)).toEqual(['restart:done', 'verify:done']);
    // Never cleared before the step is recorded done: the same write.
    expect(written.some((d) => d.restartPending.length === 0 && d.steps.some((x) => x.id === 'restart' && x.status !== 'done'))).toBe(false);
  });
});
