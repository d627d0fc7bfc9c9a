import type { z } from 'zod';
import { describe } from './schema.js';

/** `['clusters','alpha','clients',0,'host']` → `clusters.alpha.clients[0].host`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/**
 * Per-parse messages for the issues zod words for programmers ("Invalid input: expected string,
 * received undefined"); schema-level messages (set in schema.ts) take precedence over these.
 */
export const friendlyError = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(issue.input)}`;
    case 'invalid_key':
      // A record key (cluster name) failed its own schema; its message is the useful one.
      return issue.issues[0]?.message;
    default:
      return undefined;
  }
};

/** The first issue as `path: reason` — one line, as `config check` promises. */
export function firstIssue(error: z.ZodError): { path: string; reason: string } {
  const issue = error.issues[0];
  if (!issue) return { path: '', reason: 'invalid' };
  return { path: formatPath(issue.path), reason: issue.message };
}
