import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file that ships with the package (package.json, `templates/`): found by walking up from this
 * module to the directory holding package.json. The code runs at different depths — the CLI
 * bundle (dist/main.js and dist/chunks/), the per-file build (dist/report/…) and the sources
 * under test (src/…) — so a fixed `../../` would be right for only one of them.
 */
export function packageFile(...parts: string[]): string {
  return join(root(), ...parts);
}

let cached: string | undefined;
function root(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  cached = dir;
  return dir;
}
