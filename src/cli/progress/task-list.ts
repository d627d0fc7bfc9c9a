import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { EventSink, WorkflowEvent } from '../../ports/events.js';

/** What the task list needs to know about a workflow's steps up front. */
export interface StepOutline {
  id: string;
  title: string;
  /** Sub-rows that run in parallel (the two clusters), or none. */
  scopes?: string[];
  /** Steps that ask a question render nothing, so the prompt has the terminal to itself. */
  quiet?: boolean;
}

type Outcome = { status: 'done' | 'skipped'; message?: string } | { status: 'failed'; message: string };

interface Row {
  settle(outcome: Outcome): void;
  outcome: Promise<Outcome>;
  wrapper?: ListrTaskWrapper<unknown, never, never>;
}

function row(): Row {
  let settle!: (o: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  return { settle, outcome };
}

/**
 * A live task list (listr2) on the terminal, driven by workflow events. Each step gets its own
 * small Listr when it starts; they render one after another on stderr. `idle()` resolves when
 * everything so far has been drawn (a prompt waits for it).
 */
export function createTaskList(outline: readonly StepOutline[], stderr: NodeJS.WriteStream): { sink: EventSink; idle(): Promise<void>; finish(): Promise<void> } {
  const rows = new Map<string, Row>();
  const steps = new Map(outline.map((s) => [s.id, s]));
  let chain: Promise<void> = Promise.resolve();
  const key = (id: string, scope?: string) => `${id}\u0000${scope ?? ''}`;
  // ONE logger for every step's Listr, made before any of them renders. listr2 hijacks the
  // stream's write() while a list renders and restores the write() it saw when its ProcessOutput
  // was constructed; a ProcessOutput made while an earlier list was rendering would "restore" the
  // hijacked buffer, and every later stderr line (the plan, the summary) would vanish.
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stderr, stderr) });

  const bind = (id: string, scope?: string) => async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
    const r = rows.get(key(id, scope)) as Row;
    r.wrapper = task;
    const outcome = await r.outcome;
    if (outcome.status === 'failed') throw new Error(outcome.message);
    if (outcome.status === 'skipped') task.skip(`${task.title} — skipped: ${outcome.message ?? ''}`);
    else if (outcome.message) task.title = `${task.title} — ${outcome.message}`;
  };

  function open(step: StepOutline): void {
    const scopes = step.scopes ?? [];
    for (const scope of scopes.length ? scopes : [undefined]) rows.set(key(step.id, scope), row());
    if (step.quiet) return;
    const list = new Listr(
      [
        {
          title: step.title,
          task: scopes.length
            ? (_ctx, task) => task.newListr(scopes.map((scope) => ({ title: scope, task: bind(step.id, scope) })), { concurrent: true, exitOnError: false })
            : bind(step.id),
        },
      ],
      { exitOnError: false, registerSignalListeners: false, rendererOptions: { logger, collapseSubtasks: false, collapseSkips: true } },
    );
    chain = chain.then(() => list.run().then(() => undefined, () => undefined));
  }

  function settle(event: WorkflowEvent & { step: string; scope?: string }, outcome: Outcome): void {
    const step = steps.get(event.step) ?? { id: event.step, title: event.step };
    if (!rows.has(key(event.step, event.scope))) open(step);
    rows.get(key(event.step, event.scope))?.settle(outcome);
  }

  const sink: EventSink = {
    emit(event) {
      switch (event.type) {
        case 'step-start': {
          const step = steps.get(event.step) ?? { id: event.step, title: event.title };
          if (!rows.has(key(event.step, event.scope))) open(step);
          return;
        }
        case 'step-progress': {
          const wrapper = rows.get(key(event.step, event.scope))?.wrapper;
          if (wrapper) wrapper.output = `${event.message}${event.percent === undefined ? '' : ` ${event.percent}%`}`;
          return;
        }
        case 'step-done':
          return settle(event, { status: event.outcome, ...(event.message ? { message: event.message } : {}) });
        case 'step-failed':
          return settle(event, { status: 'failed', message: event.error.message });
        default:
          stderr.write(`${event.type === 'warning' ? 'warning: ' : ''}${event.message}\n`);
      }
    },
  };
  return {
    sink,
    idle: () => chain,
    async finish() {
      for (const r of rows.values()) r.settle({ status: 'skipped', message: 'not reached' });
      await chain;
    },
  };
}
