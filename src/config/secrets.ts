import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors/index.js';
import { Secret } from '../domain/secret.js';
import type { SecretRef } from './schema.js';

/**
 * Reads a secret reference at the moment it is needed. `field` is the config path, so an unset
 * variable or an unreadable file is reported against the field that names it (never the value).
 * One trailing newline is stripped from files (editors add one).
 */
export async function resolveSecret(ref: SecretRef, field: string, env: NodeJS.ProcessEnv = process.env): Promise<Secret> {
  if (ref.env !== undefined) {
    const value = env[ref.env];
    if (value === undefined || value === '') throw new ConfigError(field, `environment variable ${ref.env} is not set`, { hint: `export ${ref.env}=…` });
    return new Secret(value, `env:${ref.env}`);
  }
  const file = ref.file as string;
  try {
    const text = await readFile(file, 'utf8');
    const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
    if (value === '') throw new ConfigError(field, `secret file ${file} is empty`);
    return new Secret(value, `file:${file}`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(field, `cannot read secret file ${file} (${code === 'ENOENT' ? 'not found' : code ?? 'error'})`, { cause: error });
  }
}
