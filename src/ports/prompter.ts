/** Questions as data; the inquirer adapter asks them, tests answer them. */
export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
}

export interface Prompter {
  input(question: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  password(question: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  select<T>(question: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
  checkbox<T>(question: { message: string; choices: Choice<T>[] }): Promise<T[]>;
}
