import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { published, render } from '../../src/tools/schemas.js';

describe('schemas/*.json', () => {
  it.each(published.map((p) => [p.file, p] as const))('%s is up to date (run `npm run schemas`)', (file, entry) => {
    const committed = readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8');
    expect(committed).toBe(render(entry));
  });
});
