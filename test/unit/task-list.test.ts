import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTaskList } from '../../src/cli/progress/task-list.js';

// The live task list (listr2's default renderer) hijacks the stream's write() while a list
// renders. Each step gets its own Listr, opened while the previous one may still be rendering;
// a line written after finish() must reach the terminal. (Regression: a logger made per step
// restored the hijacked write, and the plan and "Next time" lines vanished on real terminals.)
describe('live task list', () => {
  let wasTTY: boolean | undefined;
  beforeEach(() => {
    // listr2 picks its live renderer only when process.stdout is a TTY.
    wasTTY = process.stdout.isTTY;
    process.stdout.isTTY = true;
  });
  afterEach(() => {
    process.stdout.isTTY = wasTTY as boolean;
  });

  function terminal() {
    const written: string[] = [];
    const stream = { isTTY: true, columns: 100, rows: 40, write: (chunk: string | Uint8Array) => (written.push(String(chunk)), true), on: () => stream, once: () => stream, removeListener: () => stream, off: () => stream };
    const write = stream.write;
    return { stream: stream as unknown as NodeJS.WriteStream, text: () => written.join(''), original: write };
  }

  it('keeps lines written after the list finished, with steps opened while others render', async () => {
    const t = terminal();
    const live = createTaskList(
      [
        { id: 'discover', title: 'Discover', scopes: ['alpha', 'beta'] },
        { id: 'write', title: 'Write', scopes: ['alpha', 'beta'] },
        { id: 'verify', title: 'Verify' },
      ],
      t.stream,
    );
    live.sink.emit({ type: 'step-start', step: 'discover', scope: 'alpha', title: 'Discover' });
    live.sink.emit({ type: 'step-start', step: 'discover', scope: 'beta', title: 'Discover' });
    // Let "discover" start rendering (listr2 hijacks write() once its renderer has loaded), then
    // open the next step while it still renders (its rows are not settled yet).
    while (t.stream.write === t.original) await new Promise((resolve) => setTimeout(resolve, 10));
    live.sink.emit({ type: 'step-start', step: 'write', scope: 'alpha', title: 'Write' });
    live.sink.emit({ type: 'step-done', step: 'discover', scope: 'alpha', outcome: 'done', message: 'ALPHA.MRS' });
    live.sink.emit({ type: 'step-done', step: 'discover', scope: 'beta', outcome: 'done', message: 'BETA.MRS' });
    live.sink.emit({ type: 'step-start', step: 'verify', title: 'Verify' });
    live.sink.emit({ type: 'step-done', step: 'write', scope: 'alpha', outcome: 'skipped', message: 'would add BETA.MRS' });
    await live.finish();
    t.stream.write('Plan: link alpha ↔ beta\n');
    expect(t.stream.write).toBe(t.original);
    expect(t.text()).toContain('Plan: link alpha ↔ beta');
    expect(t.text()).toContain('ALPHA.MRS');
  });
});
