import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { Secret } from '../domain/secret.js';
import { isSshUser, parseHostFile, type ParsedHostFile, type SshHostEntry } from '../domain/ssh-hosts.js';
import { UsageError } from '../errors/index.js';
import type { CliContext } from './context.js';

/** The shared flags of the `ssh` commands, as commander hands them over (see `sshConnectionOptions`). */
export interface SshConnectionFlags {
  file: string;
  user?: string;
  port?: string;
  passwordFile?: string;
  hostKeys?: string;
  parallel?: string;
  /** false with `--no-deduplicate`. */
  deduplicate?: boolean;
}

/** What every `ssh` command works from, validated; nothing has connected yet. */
export interface SshConnection {
  hostFile: string;
  hosts: SshHostEntry[];
  duplicates: ParsedHostFile['duplicates'];
  /** The first-login password, when one was given (never from argv). */
  password?: Secret;
  /** `--host-keys FILE`: pins every host key; never written. */
  hostKeys?: string;
  acceptNew: boolean;
  parallel: number;
}

const MAX_PROBLEMS_SHOWN = 10;

function absolute(ctx: CliContext, path: string): string {
  return isAbsolute(path) ? path : resolve(ctx.cwd, path);
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError('BAD_FLAG', `${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  return Number(text);
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
    throw new UsageError('BAD_FLAG', `${flag} ${path}: cannot read (${why})`, { cause: error });
  }
}

function defaultUser(ctx: CliContext): string {
  try {
    return userInfo().username;
  } catch {
    return ctx.env.USER ?? 'root';
  }
}

/** Reads and checks the host file: every problem names FILE:LINE; exit 2 before any connection. */
export async function readHostFile(ctx: CliContext, flags: SshConnectionFlags): Promise<{ path: string; parsed: ParsedHostFile }> {
  const port = wholeNumber('--port', flags.port ?? '22', 1, 65535);
  const user = flags.user ?? defaultUser(ctx);
  if (flags.user !== undefined && !isSshUser(flags.user)) throw new UsageError('BAD_FLAG', `--user "${flags.user}" is not a valid user name (letters, digits, "_", ".", "-"; no shell characters)`);
  const path = absolute(ctx, flags.file);
  const parsed = parseHostFile(await readText(path, '--file'), { user, port, deduplicate: flags.deduplicate !== false });
  if (parsed.problems.length > 0) {
    const shown = parsed.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `${path}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`);
    const more = parsed.problems.length > MAX_PROBLEMS_SHOWN ? `\n(${parsed.problems.length - MAX_PROBLEMS_SHOWN} more)` : '';
    throw new UsageError('HOST_FILE_INVALID', `${shown.join('\n')}${more}`, {
      hint: 'one host per line: ip, ip:port, user@ip:port, [ipv6]:port or a host name; # starts a comment',
      details: { file: path, problems: parsed.problems },
    });
  }
  return { path, parsed };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One trailing newline (as `echo` or an editor leaves it) is not part of a password. */
function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/**
 * The first-login password: `--password-file`, else asked hidden on a terminal, else read from
 * stdin when it is not a terminal. Empty (or `--no-input`) means none: keys only.
 */
export async function readPassword(ctx: CliContext, flags: SshConnectionFlags, what: string): Promise<Secret | undefined> {
  if (flags.passwordFile !== undefined) {
    const path = absolute(ctx, flags.passwordFile);
    const value = stripNewline(await readText(path, '--password-file'));
    if (value === '') throw new UsageError('BAD_FLAG', `--password-file ${path} is empty`, { hint: 'leave out --password-file to log in with keys only' });
    return new Secret(value, `file:${path}`);
  }
  if (!ctx.global.input) return undefined;
  if (ctx.stdinIsTTY) {
    const prompter = await ctx.adapters.prompter();
    const value = await prompter.password({ message: `SSH password of ${what} (empty: keys only)` });
    return value === '' ? undefined : new Secret(value, 'prompt');
  }
  const value = stripNewline(await readStdin());
  return value === '' ? undefined : new Secret(value, 'stdin');
}

/** Parses and checks the shared `ssh` flags, reads the host file and the password. */
export async function sshConnection(ctx: CliContext, flags: SshConnectionFlags, options: { minHosts?: number } = {}): Promise<SshConnection> {
  const parallel = wholeNumber('--parallel', flags.parallel ?? '16', 1, 256);
  const hostKeys = flags.hostKeys === undefined ? undefined : absolute(ctx, flags.hostKeys);
  if (hostKeys !== undefined && ctx.global.acceptNew) throw new UsageError('BAD_FLAG', '--host-keys and --accept-new exclude each other', { hint: '--host-keys pins every key from a file; --accept-new records keys never seen before' });
  if (hostKeys !== undefined) await readText(hostKeys, '--host-keys');
  const { path, parsed } = await readHostFile(ctx, flags);
  const minHosts = options.minHosts ?? 1;
  if (parsed.hosts.length < minHosts) {
    throw new UsageError('HOST_FILE_INVALID', `${path}: needs at least ${minHosts} hosts (found ${parsed.hosts.length})`, { hint: 'list every host that must reach the others, one per line' });
  }
  const users = [...new Set(parsed.hosts.map((h) => h.user))];
  const password = await readPassword(ctx, flags, users.length === 1 ? users[0] ?? '' : users.join('/'));
  return { hostFile: path, hosts: parsed.hosts, duplicates: parsed.duplicates, ...(password ? { password } : {}), ...(hostKeys ? { hostKeys } : {}), acceptNew: ctx.global.acceptNew, parallel };
}
