/**
 * POSIX shell quoting for commands sent to remote hosts. Every argument is single-quoted
 * (a `'` inside becomes `'\''`), so no character is special to `sh`.
 */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins arguments into one command line, each quoted. */
export function shellCommand(...args: string[]): string {
  return args.map(shellQuote).join(' ');
}
