import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MRS3_ERROR_CODES } from '../../src/errors/index.js';

describe('docs/mrs3.md "When it stops"', () => {
  const doc = readFileSync(new URL('../../docs/mrs3.md', import.meta.url), 'utf8');
  it.each(Object.entries(MRS3_ERROR_CODES))('%s is documented with its exit code', (code, { exitCode }) => {
    expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${exitCode} \\|`));
  });
  it('every code the 3.x steps throw is in the table', () => {
    const sources = ['src/workflow/link3/steps/realm-config.ts', 'src/workflow/link3/steps/manual.ts', 'src/workflow/link3/steps/healthy.ts', 'src/workflow/link3/steps/downtime.ts', 'src/adapters/ssh/om-nodes.ts', 'src/cli/mrs3-terminal.ts', 'src/workflow/link/steps/plan.ts'];
    const thrown = new Set(sources.flatMap((f) => [...readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8').matchAll(/Error\('([A-Z0-9_]+)'/g)].map((m) => m[1] as string)));
    const known = new Set([...Object.keys(MRS3_ERROR_CODES), 'BAD_FLAG', 'PEER_ENCODING_UNCONFIRMED', 'KRB5CONF_NOT_FOUND']);
    expect([...thrown].filter((c) => !known.has(c))).toEqual([]);
  });
});
