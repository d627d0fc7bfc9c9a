import type { Choice, Prompter } from '../ports/prompter.js';

/**
 * Questions as data. The wizard is a few ordered lists of these; `ask()` walks a list and puts
 * each answer under its `id`. An id already present in `answers` (from a flag or the config
 * file) is not asked: the wizard fills only what is left open.
 */
export type Answers = Record<string, unknown>;
type Dynamic<T> = T | ((answers: Answers) => T);
type Check = (value: unknown, answers: Answers) => true | string | Promise<true | string>;

interface Common {
  /** Stable kebab-case id; the key of the answer. */
  id: string;
  message: Dynamic<string>;
  /** Ask only when this returns true. */
  when?: (answers: Answers) => boolean;
}

export type Question =
  | (Common & {
      kind: 'input';
      default?: Dynamic<string | undefined>;
      /** An empty answer means "not set" (stored as undefined) instead of "is required". */
      optional?: boolean;
      /** Text → value (e.g. a port number) before `validate` and before it is stored. */
      parse?: (text: string) => unknown;
      validate?: Check;
    })
  | (Common & { kind: 'password'; validate?: Check })
  | (Common & { kind: 'select'; choices: Dynamic<Choice<unknown>[]>; default?: Dynamic<string> })
  | (Common & { kind: 'confirm'; default?: Dynamic<boolean> });

const resolve = <T>(value: Dynamic<T>, answers: Answers): T => (typeof value === 'function' ? (value as (a: Answers) => T)(answers) : value);

function textValue(q: Extract<Question, { kind: 'input' }>, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return q.parse ? q.parse(trimmed) : trimmed;
}

async function askOne(q: Question, prompter: Prompter, answers: Answers): Promise<unknown> {
  const message = resolve(q.message, answers);
  switch (q.kind) {
    case 'input': {
      const fallback = q.default === undefined ? undefined : resolve(q.default, answers);
      const validate = async (text: string): Promise<true | string> => {
        const value = textValue(q, text);
        if (value === undefined) return q.optional ? true : 'is required';
        return q.validate ? q.validate(value, answers) : true;
      };
      const text = await prompter.input({ message, ...(fallback ? { default: fallback } : {}), validate });
      return textValue(q, text);
    }
    case 'password': {
      const validate = async (text: string): Promise<true | string> => (text === '' ? 'is required' : q.validate ? q.validate(text, answers) : true);
      return prompter.password({ message, validate });
    }
    case 'select': {
      const fallback = q.default === undefined ? undefined : resolve(q.default, answers);
      return prompter.select({ message, choices: resolve(q.choices, answers), ...(fallback === undefined ? {} : { default: fallback }) });
    }
    case 'confirm':
      return prompter.confirm({ message, ...(q.default === undefined ? {} : { default: resolve(q.default, answers) }) });
  }
}

/** Asks every question of `questions` that is not answered yet and applies; returns `answers`. */
export async function ask(questions: readonly Question[], prompter: Prompter, answers: Answers = {}): Promise<Answers> {
  for (const q of questions) {
    if (q.id in answers) continue;
    if (q.when && !q.when(answers)) continue;
    answers[q.id] = await askOne(q, prompter, answers);
  }
  return answers;
}
