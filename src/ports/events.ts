/**
 * `detail`: one of many fine-grained events (one per client host, one per source tried); plain
 * progress shows them only with --verbose, JSON progress always. What the core tells the outside world. The core never prints: it emits these, and the CLI
 * renders them (live task list on a TTY, plain lines, or JSON lines with `--progress json`).
 */
export type WorkflowEvent =
  | { type: 'step-start'; step: string; title: string; scope?: string; detail?: boolean }
  | { type: 'step-progress'; step: string; scope?: string; message: string; percent?: number; detail?: boolean }
  | { type: 'step-done'; step: string; scope?: string; outcome: 'done' | 'skipped'; message?: string; detail?: boolean }
  | { type: 'step-failed'; step: string; scope?: string; error: { code: string; message: string }; detail?: boolean }
  | { type: 'warning'; message: string; scope?: string }
  | { type: 'info'; message: string; scope?: string };

export interface EventSink {
  emit(event: WorkflowEvent): void;
}

export const silentSink: EventSink = { emit: () => undefined };
