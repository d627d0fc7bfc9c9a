import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileJournalStore } from '../../src/adapters/state/journal-file.js';
import { fileLockManager } from '../../src/adapters/state/locks.js';
import { JOURNAL_VERSION, type JournalDoc } from '../../src/domain/journal.js';

const dir = () => mkdtempSync(join(tmpdir(), 'mrs-trust-state-'));
const doc = (over: Partial<JournalDoc> = {}): JournalDoc => ({
  version: JOURNAL_VERSION, runId: 'r', action: 'link', clusters: ['a', 'b'], pid: 1, startedAt: 't', updatedAt: 't', status: 'running', dryRun: false, restartPending: [], steps: [], ...over,
});

describe('file journal', () => {
  it('writes whole documents, private to the user, and reads them back', async () => {
    const state = dir();
    const store = fileJournalStore(state);
    expect(await store.read('a+b')).toBeUndefined();
    await store.write('a+b', doc());
    await store.write('a+b', doc({ status: 'done' }));
    expect((await store.read('a+b'))?.status).toBe('done');
    expect(statSync(join(state, 'journal', 'a+b.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(state, 'journal')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(state, 'journal'))).toEqual(['a+b.json']); // no temp files left behind
  });
  it('makes the directory again when it disappears during a run', async () => {
    const state = dir();
    const store = fileJournalStore(state);
    await store.write('a+b', doc());
    rmSync(join(state, 'journal'), { recursive: true });
    await store.write('a+b', doc({ status: 'done' }));
    expect((await store.read('a+b'))?.status).toBe('done');
    expect(statSync(join(state, 'journal')).mode & 0o777).toBe(0o700);
  });
  it('refuses a corrupt journal with exit 3 and a hint', async () => {
    const state = dir();
    const store = fileJournalStore(state);
    await store.write('a+b', doc());
    writeFileSync(join(state, 'journal', 'a+b.json'), '{"version": 1, "trunc');
    await expect(store.read('a+b')).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT', exitCode: 3 });
  });
});

describe('cluster locks', () => {
  it('a second run on a shared cluster is refused naming the lock and the owner pid', async () => {
    const state = dir();
    const locks = fileLockManager(state);
    const first = await locks.acquire(['beta', 'alpha'], { command: 'link alpha beta' });
    const error = await locks.acquire(['alpha', 'gamma'], { command: 'link alpha gamma' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LOCK_HELD', exitCode: 3 });
    expect((error as Error).message).toMatch(new RegExp(`cluster alpha is locked by pid ${process.pid} \\(link alpha beta`));
    // The refused run released what it had taken (gamma would sort after alpha: never taken).
    const other = await locks.acquire(['gamma'], { command: 'x' });
    await other.release();
    await first.release();
    const again = await locks.acquire(['alpha', 'beta'], { command: 'link alpha beta' });
    await again.release();
  });
});
