import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { z } from 'zod';

/**
 * Checks a `--json` document against the published JSON Schema in `schemas/` (the file users
 * validate with, not the zod source it was generated from); fails naming the first issues.
 */
export function expectPublished(file: string, doc: unknown): void {
  const schema = z.fromJSONSchema(JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')));
  const parsed = schema.safeParse(doc);
  expect(parsed.success, `${file}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`).toBe(true);
}
