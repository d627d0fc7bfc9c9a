import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { JOURNAL_VERSION, type JournalDoc } from '../../domain/journal.js';
import { CheckError } from '../../errors/index.js';
import type { JournalStore } from '../../ports/state.js';
import { localIoError } from './io-errors.js';

/** Journals as JSON files in `<stateDir>/journal/`, written with write-file-atomic (rename), 0600. */
export function fileJournalStore(stateDir: string): JournalStore {
  const dir = join(stateDir, 'journal');
  const file = (key: string) => join(dir, `${key}.json`);
  const makeDir = () => mkdir(dir, { recursive: true, mode: 0o700 });
  let dirReady = false;
  return {
    async read(key) {
      let text: string;
      try {
        text = await readFile(file(key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw localIoError('read the journal', file(key), error);
      }
      let doc: JournalDoc;
      try {
        doc = JSON.parse(text) as JournalDoc;
      } catch (error) {
        throw new CheckError('JOURNAL_CORRUPT', `${file(key)} is not valid JSON`, { hint: 'move the file aside to start fresh (a journal is always written whole, so this file was edited by hand)', cause: error });
      }
      if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.steps) || !Array.isArray(doc.restartPending)) {
        throw new CheckError('JOURNAL_CORRUPT', `${file(key)} is not a journal (steps or restartPending missing)`, { hint: 'move the file aside to start fresh (a journal is always written whole, so this file was edited by hand)' });
      }
      if (doc.version !== JOURNAL_VERSION) throw new CheckError('JOURNAL_VERSION', `${file(key)} has journal version ${String(doc.version)}; this mrs-trust reads ${JOURNAL_VERSION}`);
      return doc;
    },
    async write(key, doc) {
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      try {
        // A run writes its journal a dozen times: the directory is made once, and again only if
        // it disappeared meanwhile (the write then fails with ENOENT).
        if (!dirReady) await makeDir();
        dirReady = true;
        await writeFileAtomic(file(key), text, { mode: 0o600 }).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          await makeDir();
          await writeFileAtomic(file(key), text, { mode: 0o600 });
        });
      } catch (error) {
        throw localIoError('write the journal', file(key), error);
      }
    },
  };
}
