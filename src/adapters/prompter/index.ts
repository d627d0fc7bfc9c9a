import { checkbox, confirm, input, password, select } from '@inquirer/prompts';
import { InterruptedError } from '../../errors/index.js';
import type { Choice, Prompter } from '../../ports/prompter.js';

/** Where a prompt reads keys and draws; defaults to stdin and stderr (stdout is kept for the result). */
export interface PromptContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** An inquirer prompt function: `input`, `select`, … */
export type PromptFn<C, V> = (config: C, context?: PromptContext) => Promise<V>;

/**
 * Runs one prompt. The default one draws on the terminal; tests hand in one built on
 * `@inquirer/testing`'s `render` so they can read the screen and press keys.
 */
export type PromptRunner = <C, V>(prompt: PromptFn<C, V>, config: C) => Promise<V>;

type SelectQuestion<T> = Parameters<Prompter['select']>[0] & { choices: Choice<T>[]; default?: T };
type CheckboxQuestion<T> = Parameters<Prompter['checkbox']>[0] & { choices: Choice<T>[] };

export interface PrompterOptions {
  context?: PromptContext;
  runner?: PromptRunner;
}

// NOTE: @inquirer/core rejects with ExitPromptError on Ctrl-C (the terminal is in raw mode, so no
// SIGINT reaches the process), AbortPromptError when the signal aborts, CancelPromptError on cancel().
const INTERRUPTS = new Set(['ExitPromptError', 'AbortPromptError', 'CancelPromptError']);

function interrupted(error: unknown, message: string): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && INTERRUPTS.has(name)) {
    return new InterruptedError(`interrupted at "${message}"`, { hint: 'nothing was written', cause: error });
  }
  return error;
}

// A long explanation (e.g. a certificate to pin) is shown while asking; once answered, only its
// last line (the question itself) stays on screen next to the answer.
const MULTI_LINE = { style: { message: (text: string, status: string) => (status === 'done' ? (text.split('\n').at(-1) ?? text) : text) } };

export function createPrompter(options: PrompterOptions = {}): Prompter {
  const context: PromptContext = { output: process.stderr, ...options.context };
  const runner: PromptRunner = options.runner ?? ((prompt, config) => prompt(config, context));
  // A question object from the port is also a valid inquirer config (same field names), so it is
  // passed through; only the error is translated here.
  const ask = async <C extends { message: string }, V>(prompt: PromptFn<C, V>, config: C): Promise<V> => {
    try {
      return await runner(prompt, config.message.includes('\n') ? { ...config, theme: MULTI_LINE } : config);
    } catch (error) {
      throw interrupted(error, config.message);
    }
  };
  return {
    input: (q) => ask(input, q),
    password: (q) => ask(password, q),
    select: <T>(q: SelectQuestion<T>) => ask(select as PromptFn<SelectQuestion<T> & { loop: boolean }, T>, { ...q, loop: false }),
    confirm: (q) => ask(confirm, q),
    checkbox: <T>(q: CheckboxQuestion<T>) => ask(checkbox as PromptFn<CheckboxQuestion<T>, T[]>, q),
  };
}
