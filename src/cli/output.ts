import { inspect } from 'node:util';
import type { WorkflowEvent } from '../ports/events.js';

export type ProgressMode = 'auto' | 'plain' | 'json' | 'none';

/**
 * Where everything the user sees goes. Results go to stdout (human text, or exactly one JSON
 * document with `--json`); progress, warnings and logs always go to stderr.
 */
export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  readonly isTTY: boolean;
  readonly progress: ProgressMode;
  readonly verbose: boolean;
  /** The command's result: `human()` lines unless `--json`, then the document. Call once. */
  result(document: unknown, human: () => string[] | string): void;
  /** A line of human text on stdout (not in `--json` mode). */
  print(line: string): void;
  /** A line on stderr. */
  info(line: string): void;
  warn(line: string): void;
  debug(line: string): void;
  event(event: WorkflowEvent): void;
}

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
  progress: ProgressMode;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const paint = (on: boolean, code: number) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function createOutput(options: OutputOptions): Output {
  const { stdout, stderr, env } = options;
  const isTTY = Boolean(stderr.isTTY);
  const color = isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const yellow = paint(color, 33);
  const dim = paint(color, 2);
  const progress = options.progress === 'auto' ? (isTTY ? 'auto' : 'plain') : options.progress;
  let renderer: ((event: WorkflowEvent) => void) | undefined;
  const err = (line: string) => stderr.write(`${line}\n`);
  return {
    json: options.json,
    color,
    isTTY,
    progress,
    verbose: options.verbose,
    result(document, human) {
      if (options.json) {
        stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        return;
      }
      const text = human();
      const lines = Array.isArray(text) ? text : [text];
      if (lines.length > 0) stdout.write(`${lines.join('\n')}\n`);
    },
    print(line) {
      if (!options.json) stdout.write(`${line}\n`);
    },
    info: err,
    warn: (line) => err(yellow(`warning: ${line}`)),
    debug(line) {
      if (options.verbose) err(dim(line));
    },
    event(event) {
      if (progress === 'none') return;
      if (progress === 'json') {
        err(JSON.stringify(event));
        return;
      }
      renderer ??= plainRenderer(err, color, options.verbose);
      renderer(event);
    },
  };
}

/** One line per event; the TTY task list (listr2) replaces this in the CLI when stderr is a TTY. */
function plainRenderer(err: (line: string) => void, color: boolean, verbose: boolean): (event: WorkflowEvent) => void {
  const green = paint(color, 32);
  const red = paint(color, 31);
  const tag = (e: { step?: string; scope?: string }) => [e.step, e.scope].filter(Boolean).join(' ');
  return (event) => {
    // Per-host and per-source lines would drown a fleet's run; the result lists every host.
    if ('detail' in event && event.detail && !verbose) return;
    switch (event.type) {
      case 'step-start':
        return err(`… ${tag(event)}: ${event.title}`);
      case 'step-progress':
        return err(`  ${tag(event)}: ${event.message}${event.percent === undefined ? '' : ` (${event.percent}%)`}`);
      case 'step-done':
        return err(`${green('✔')} ${tag(event)}${event.outcome === 'skipped' ? ' skipped' : ''}${event.message ? `: ${event.message}` : ''}`);
      case 'step-failed':
        return err(`${red('✖')} ${tag(event)}: ${event.error.message}`);
      case 'warning':
        return err(`warning: ${event.message}`);
      case 'info':
        return err(event.message);
      default:
        return err(inspect(event));
    }
  };
}
