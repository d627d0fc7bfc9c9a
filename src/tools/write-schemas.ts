import { writeFileSync } from 'node:fs';
import { published, render } from './schemas.js';

// `npm run schemas`: regenerates schemas/*.json from the zod schemas.
for (const entry of published) {
  writeFileSync(new URL(`../../schemas/${entry.file}`, import.meta.url), render(entry));
  console.log(`schemas/${entry.file}`);
}
