import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors/index.js';

/** `--tarball NAME=PATH` (repeatable, or `A=PATH,B=PATH`) → absolute paths by cluster name. */
export function parseTarballs(values: string[] | undefined, cwd: string): Record<string, string> {
  const out: Record<string, string> = {};
  // A comma starts a new pair only when NAME= follows, so a path may itself hold commas.
  for (const value of (values ?? []).flatMap((v) => v.split(/,(?=[A-Za-z0-9][A-Za-z0-9_-]*=)/))) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UsageError('BAD_FLAG', `--tarball "${value}": expected NAME=PATH`, { hint: '--tarball alpha=/downloads/MRS_Services_Client.tar' });
    const name = value.slice(0, eq);
    if (out[name] !== undefined) throw new UsageError('BAD_FLAG', `--tarball ${name}=… given twice`);
    const path = value.slice(eq + 1);
    out[name] = isAbsolute(path) ? path : resolve(cwd, path);
  }
  return out;
}
