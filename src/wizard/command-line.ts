import { isAbsolute, relative } from 'node:path';
import type { WizardOutcome } from './index.js';

const SAFE = /^[A-Za-z0-9_./:=@%+-]+$/;
export const shellQuote = (word: string) => (SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * The command that does the same without questions, for next time and for scripts. Env variables
 * the run got from typed passwords are named (never their values) so the user can export them.
 */
export function equivalentCommand(outcome: WizardOutcome, options: { cwd: string; env: NodeJS.ProcessEnv; sandbox?: boolean }): string[] {
  const { input } = outcome;
  const rel = relative(options.cwd, input.configPath);
  // A `--sandbox` run's clusters.yaml is temporary: the next run starts its own sandbox.
  const config = options.sandbox ? ['--sandbox'] : rel === 'clusters.yaml' ? [] : ['--config', rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : input.configPath];
  const flags = [...(input.dryRun ? ['--dry-run'] : ['--yes']), ...(input.skipPrecheck ? ['--skip-precheck'] : [])];
  const lines = outcome.secrets
    .filter((s) => s.ref.env !== undefined && !options.env[s.ref.env])
    .map((s) => `export ${s.ref.env as string}=…   # ${s.label ?? 'the Manager password'} you typed for ${s.field.split('.')[1] ?? ''}`);
  const words = options.sandbox ? ['mrs-trust', 'link', input.a, input.b, ...config, ...flags] : ['mrs-trust', ...config, 'link', input.a, input.b, ...flags];
  lines.push(words.map(shellQuote).join(' '));
  return lines;
}
