import type { JournalDoc } from '../../src/domain/journal.js';
import type { WorkflowEvent } from '../../src/ports/events.js';
import type { JournalStore, LockManager } from '../../src/ports/state.js';
import type { LinkDeps, LinkRequest } from '../../src/workflow/link/context.js';
import { FakeManager } from './fake-manager.js';

export class MemoryJournal implements JournalStore {
  docs = new Map<string, JournalDoc>();
  writes = 0;
  async read(key: string) {
    const doc = this.docs.get(key);
    return doc && structuredClone(doc);
  }
  async write(key: string, doc: JournalDoc) {
    this.writes += 1;
    this.docs.set(key, structuredClone(doc));
  }
}

export const noLocks: LockManager = { acquire: async () => ({ release: async () => undefined }) };

export function twoClusters() {
  const alpha = new FakeManager('alpha', 'ALPHA.MRS', [{ ip: '10.1.0.11', port: 21732 }, { ip: '10.1.0.12', port: 21732 }]);
  const beta = new FakeManager('beta', 'BETA.MRS', [{ ip: '10.2.0.11', port: 21732 }, { ip: '10.2.0.12', port: 21732 }]);
  return { alpha, beta };
}

export function linkDeps(managers: { alpha: FakeManager; beta: FakeManager }, over: Partial<LinkDeps> = {}) {
  const events: WorkflowEvent[] = [];
  const journal = new MemoryJournal();
  const asked: unknown[] = [];
  const deps: LinkDeps = {
    clusters: {
      alpha: { name: 'alpha', type: 'analysis', clientHosts: [], peerEncodingConfirmed: true },
      beta: { name: 'beta', type: 'analysis', clientHosts: [], peerEncodingConfirmed: true },
    },
    managers,
    journal,
    locks: noLocks,
    clock: { now: () => new Date('2026-11-23T10:00:00Z'), sleep: async () => undefined },
    events: { emit: (e) => events.push(e) },
    signal: new AbortController().signal,
    confirm: async (plan) => {
      asked.push(plan);
      return true;
    },
    newRunId: () => 'run-1',
    ...over,
  };
  return { deps, events, journal, asked };
}

export const request = (over: Partial<LinkRequest> = {}): LinkRequest => ({ action: 'link', a: 'alpha', b: 'beta', dryRun: false, restartTimeoutMs: 1000, skipPrecheck: false, ...over });
