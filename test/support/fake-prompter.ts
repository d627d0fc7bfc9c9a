import { InterruptedError } from '../../src/errors/index.js';
import type { Choice, Prompter, Validate } from '../../src/ports/prompter.js';

/**
 * A scripted Prompter: each question takes the next scripted answer, which must match the
 * question's message. A validator that refuses an answer is recorded (with its reason) and the
 * same question takes the next answer — the way inquirer re-asks.
 */
export type Scripted = { match: RegExp; answer: unknown } | { match: RegExp; interrupt: true };

export interface FakePrompter extends Prompter {
  asked: { kind: string; message: string; choices?: string[]; default?: unknown }[];
  rejected: { message: string; answer: unknown; reason: string }[];
  remaining(): Scripted[];
}

export function scriptedPrompter(script: Scripted[]): FakePrompter {
  const queue = [...script];
  const asked: FakePrompter['asked'] = [];
  const rejected: FakePrompter['rejected'] = [];

  function take(kind: string, message: string): Scripted {
    const next = queue.shift();
    if (!next) throw new Error(`unscripted ${kind} question: ${message}`);
    if (!next.match.test(message)) throw new Error(`expected a question matching ${next.match}, got ${kind}: ${message}`);
    if ('interrupt' in next) throw new InterruptedError(`interrupted at "${message}"`);
    return next;
  }

  async function text(kind: string, q: { message: string; default?: string; validate?: Validate }): Promise<string> {
    asked.push({ kind, message: q.message, ...(q.default !== undefined ? { default: q.default } : {}) });
    for (;;) {
      const next = take(kind, q.message) as { answer: unknown };
      // Like inquirer: Enter on an empty line takes the default.
      const value = next.answer === undefined || next.answer === '' ? (q.default ?? '') : String(next.answer);
      const verdict = q.validate ? await q.validate(value) : true;
      if (verdict === true) return value;
      rejected.push({ message: q.message, answer: next.answer, reason: verdict });
    }
  }

  function chosen<T>(kind: string, q: { message: string; choices: Choice<T>[]; default?: T }): T {
    asked.push({ kind, message: q.message, choices: q.choices.map((c) => c.name), ...(q.default !== undefined ? { default: q.default } : {}) });
    const next = take(kind, q.message) as { answer: unknown };
    const value = next.answer === undefined ? q.default : next.answer;
    if (!q.choices.some((c) => c.value === value)) throw new Error(`${String(value)} is not a choice of "${q.message}": ${q.choices.map((c) => String(c.value)).join(', ')}`);
    return value as T;
  }

  return {
    asked,
    rejected,
    remaining: () => queue,
    input: (q) => text('input', q),
    password: (q) => text('password', q),
    select: async (q) => chosen('select', q),
    confirm: async (q) => {
      asked.push({ kind: 'confirm', message: q.message, ...(q.default !== undefined ? { default: q.default } : {}) });
      const next = take('confirm', q.message) as { answer: unknown };
      return next.answer === undefined ? Boolean(q.default) : Boolean(next.answer);
    },
    checkbox: async (q) => {
      asked.push({ kind: 'checkbox', message: q.message, choices: q.choices.map((c) => c.name) });
      const next = take('checkbox', q.message) as { answer: unknown };
      return next.answer as never;
    },
  };
}
