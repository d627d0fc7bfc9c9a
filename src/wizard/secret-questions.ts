import { fieldChecks } from '../config/fields.js';
import type { SecretRef } from '../config/schema.js';
import { Secret } from '../domain/secret.js';
import { ask, type Answers, type Question } from './questions.js';
import type { WizardDeps } from './deps.js';

/** A secret the user typed: where the config will point, and (if they agreed) the file to write. */
export interface TypedSecret {
  /** Config field, e.g. `clusters.gamma.manager.password`. */
  field: string;
  ref: SecretRef;
  value: Secret;
  /** What it is, for "export NAME=… # the <label> you typed" (default: the Manager password). */
  label?: string;
  /** Absolute path to write the value to (mode 0600): file references whose file does not exist yet. */
  writeFile?: string;
}

type Dynamic = string | ((answers: Answers) => string);
const resolve = (d: Dynamic, a: Answers) => (typeof d === 'function' ? d(a) : d);

/**
 * One secret reference of clusters.yaml (`{ env: NAME }` or `{ file: PATH }`) as questions: where
 * to read it from, then — only when that variable is unset or that file does not exist yet — the
 * value itself, hidden. The value is never written into clusters.yaml; a file reference's file is
 * written (0600) by the caller after the last question. Answer ids: `<key>-source`, `<key>-env`,
 * `<key>-file`, `<key>-ready`, `<key>`.
 */
export interface SecretSpec {
  key: string;
  /** `the Manager password`, `the password of the verify principal` … */
  what: string;
  /** The file question's noun (default `Password file`). */
  fileNoun?: string;
  envDefault: Dynamic;
  fileDefault: Dynamic;
  /** The hidden question, given where the value goes ("it will be written to …" / "used for this run …"). */
  valuePrompt: (answers: Answers, where: string) => string;
}

export function secretRefQuestions(deps: WizardDeps, spec: SecretSpec): Question[] {
  const k = spec.key;
  return [
    {
      id: `${k}-source`,
      kind: 'select',
      message: `Where should mrs-trust read ${spec.what} from? (it is never written into clusters.yaml)`,
      choices: [
        { value: 'env', name: 'an environment variable', description: `clusters.yaml gets { env: NAME }` },
        { value: 'file', name: 'a file only you can read (mode 0600)', description: `clusters.yaml gets { file: PATH }` },
      ],
    },
    { id: `${k}-env`, kind: 'input', message: 'Environment variable name', when: (a) => a[`${k}-source`] === 'env', default: (a) => resolve(spec.envDefault, a), validate: (v) => fieldChecks.secretRef({ env: v }) },
    {
      id: `${k}-file`,
      kind: 'input',
      message: `${spec.fileNoun ?? 'Password file'}, absolute or relative to clusters.yaml (created if missing)`,
      when: (a) => a[`${k}-source`] === 'file',
      default: (a) => resolve(spec.fileDefault, a),
      validate: async (v) => {
        const ok = fieldChecks.secretRef({ file: v });
        if (ok !== true) return ok;
        const path = deps.resolvePath(v as string);
        // Never replace a file that is there but that we may not read.
        return (await deps.exists(path)) && !(await deps.readable(path)) ? `cannot read ${path}` : true;
      },
    },
  ];
}

/** The hidden question for the value, asked only when the reference does not resolve yet. */
export function secretValueQuestion(deps: WizardDeps, spec: SecretSpec): Question {
  const k = spec.key;
  const where = (a: Answers) =>
    a[`${k}-source`] === 'file' ? `it will be written to ${deps.resolvePath(a[`${k}-file`] as string)}, mode 0600` : `used for this run; export ${a[`${k}-env`] as string} next time`;
  return { id: k, kind: 'password', message: (a) => spec.valuePrompt(a, where(a)), when: (a) => a[`${k}-ready`] !== true };
}

export const refOf = (answers: Answers, key: string): SecretRef => (answers[`${key}-source`] === 'env' ? { env: answers[`${key}-env`] as string } : { file: answers[`${key}-file`] as string });

/** After the reference questions: is the value already there (variable set, file readable)? Then the hidden question. */
export async function askSecretValue(deps: WizardDeps, spec: SecretSpec, answers: Answers): Promise<void> {
  const k = spec.key;
  answers[`${k}-ready`] = answers[`${k}-source`] === 'env' ? Boolean(deps.env[answers[`${k}-env`] as string]) : await deps.readable(deps.resolvePath(answers[`${k}-file`] as string));
  await ask([secretValueQuestion(deps, spec)], deps.prompter, answers);
}

/** The typed value (if one was typed) as a TypedSecret for `field`. */
export function typedSecret(deps: WizardDeps, answers: Answers, key: string, field: string, label?: string): TypedSecret[] {
  const value = answers[key];
  if (typeof value !== 'string') return [];
  const ref = refOf(answers, key);
  return [{ field, ref, value: new Secret(value, ref.env ? `env:${ref.env}` : `file:${ref.file}`), ...(label ? { label } : {}), ...(ref.file !== undefined ? { writeFile: deps.resolvePath(ref.file) } : {}) }];
}

/** A whole secret reference, asked on its own: the reference, the value when needed, and what to write. */
export async function askSecret(deps: WizardDeps, spec: SecretSpec, field: string, label: string, preset: Answers = {}): Promise<{ ref: SecretRef; secrets: TypedSecret[] }> {
  const answers = await ask(secretRefQuestions(deps, spec), deps.prompter, { ...preset });
  await askSecretValue(deps, spec, answers);
  return { ref: refOf(answers, spec.key), secrets: typedSecret(deps, answers, spec.key, field, label) };
}
