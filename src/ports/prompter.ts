/**
 * Questions to a person at a terminal. The inquirer adapter (`src/adapters/prompter/`) asks them;
 * tests answer them with a scripted fake. Every method throws `InterruptedError` (exit 130) when
 * the user presses Ctrl-C, and is never called without a terminal (commands check first and
 * fail with exit 2 naming the flags to use instead).
 */
export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
  /** checkbox only: ticked at first. */
  checked?: boolean;
}

/**
 * A validator returns `true` or the reason shown under the question, which is then asked again.
 * It may be async (e.g. a Manager URL is checked by fetching its certificate).
 */
export type Validate = (value: string) => true | string | Promise<true | string>;

export interface Prompter {
  input(question: { message: string; default?: string; validate?: Validate }): Promise<string>;
  /** Typed text is never echoed. */
  password(question: { message: string; validate?: Validate }): Promise<string>;
  select<T>(question: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
  checkbox<T>(question: { message: string; choices: Choice<T>[] }): Promise<T[]>;
}
