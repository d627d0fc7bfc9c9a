// `npm run bench`: runs every benchmark in bench/ one after the other (each prints its own
// ratios). Benchmarks are never part of `npm test`. Name some to run only those:
// `npm run bench -- startup clients`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_')).sort();
const chosen = wanted.length ? all.filter((f) => wanted.includes(f.replace(/\.mjs$/, ''))) : all;
let failed = 0;
for (const file of chosen) {
  console.log(`\n== bench/${file}`);
  const run = spawnSync(process.execPath, [`${dir}/${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;
