import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CheckError, ExitCode, RemoteError, UsageError, type MrsTrustError } from '../../errors/index.js';
import type { SandboxHandle, SandboxStartOptions } from '../../ports/sandbox.js';
import type { CliContext } from '../context.js';
import { removePid, runningPid, SANDBOX_FILES, stateDirOf } from '../sandbox-files.js';
import { startSandbox } from '../with-sandbox.js';

export interface UpFlags {
  clusters?: string;
  count?: string;
  stateDir?: string;
  seedPeer?: boolean;
  restartMs?: string;
  faults?: string;
  subnet?: string;
  foreground?: boolean;
  child?: boolean;
  /** false with `--no-plugins`: Managers only (no SSH hosts, no cloud API). */
  plugins?: boolean;
  closedGroups?: boolean;
  manager?: string;
  mrsVersion?: string;
}

function integer(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError('BAD_FLAG', `${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  return Number(text);
}

export function startOptions(ctx: CliContext, flags: UpFlags): SandboxStartOptions {
  if (flags.clusters !== undefined && flags.count !== undefined) throw new UsageError('BAD_FLAG', '--clusters and --count: give one of them, not both');
  const clusters = flags.clusters?.split(',').map((n) => n.trim());
  if (clusters?.some((n) => n === '')) throw new UsageError('BAD_FLAG', `--clusters: "${flags.clusters}" has an empty name`);
  const options: SandboxStartOptions = {
    stateDir: stateDirOf(ctx.cwd, flags.stateDir),
    clusters,
    count: integer('--count', flags.count, 1, 200),
    subnet: integer('--subnet', flags.subnet, 0, 254),
    restartMs: integer('--restart-ms', flags.restartMs, 0, 3_600_000),
    seedPeer: Boolean(flags.seedPeer),
    plugins: flags.plugins !== false,
    closedGroups: Boolean(flags.closedGroups),
  };
  if (flags.faults !== undefined) options.faults = resolve(ctx.cwd, flags.faults);
  if (flags.mrsVersion !== undefined) {
    if (!/^\d+\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?$/.test(flags.mrsVersion)) throw new UsageError('BAD_FLAG', `--mrs-version: "${flags.mrsVersion}" is not a version such as 3.1.0 or 2.1.0`);
    options.mrsVersion = flags.mrsVersion;
  }
  if (flags.manager !== undefined) {
    const profiles = ['assumed', 'documented', 'documented-reads'] as const;
    const profile = profiles.find((p) => p === flags.manager);
    if (!profile) throw new UsageError('BAD_FLAG', `--manager: "${flags.manager}" is not one of ${profiles.join(', ')}`);
    options.manager = profile;
  }
  return options;
}

interface ChildMessage {
  ready?: { pid: number; configPath: string; clusters: SandboxHandle['clusters'] };
  error?: { code: string; message: string; hint?: string; exitCode: number };
}

function summary(ctx: CliContext, pid: number, stateDir: string, ready: NonNullable<ChildMessage['ready']>): void {
  ctx.out.result({ ok: true, pid, stateDir, configPath: ready.configPath, clusters: ready.clusters }, () => [
    `sandbox up: ${ready.clusters.length} cluster${ready.clusters.length === 1 ? '' : 's'} (pid ${pid}), state in ${stateDir}`,
    ...ready.clusters.map((c) => `  ${c.name}  ${c.realm}  Manager ${c.managerUrl}  KDCs ${c.kdcs.join(',')}`),
    `next: mrs-trust status ${ready.clusters.slice(0, 2).map((c) => c.name).join(' ')} --config ${ready.configPath}`,
    `stop: mrs-trust sandbox down${stateDir === stateDirOf(ctx.cwd, undefined) ? '' : ` --state-dir ${stateDir}`}`,
  ]);
}

/** Runs the sandbox in this process until SIGINT/SIGTERM (`--foreground`, and the background child). */
async function serve(ctx: CliContext, options: SandboxStartOptions, child: boolean): Promise<void> {
  let handle: SandboxHandle;
  try {
    handle = await startSandbox(ctx, options);
  } catch (error) {
    const e = error as MrsTrustError;
    if (child) process.send?.({ error: { code: e.code ?? 'SANDBOX_FAILED', message: e.message, hint: e.hint, exitCode: e.exitCode ?? 1 } } satisfies ChildMessage);
    throw error;
  }
  writeFileSync(join(options.stateDir, SANDBOX_FILES.pid), `${process.pid}\n`, { mode: 0o600 });
  const ready = { pid: process.pid, configPath: handle.configPath, clusters: handle.clusters };
  if (child) process.send?.({ ready } satisfies ChildMessage);
  else summary(ctx, process.pid, options.stateDir, ready);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await handle.stop();
  removePid(options.stateDir);
  ctx.out.info('sandbox stopped');
}

function childError(e: NonNullable<ChildMessage['error']>): Error {
  const options = e.hint ? { hint: e.hint } : {};
  const message = e.message.split('\n')[0] ?? e.message;
  if (e.exitCode === ExitCode.usage) return new UsageError(e.code, message, options);
  if (e.exitCode === ExitCode.check) return new CheckError(e.code, message, options);
  if (e.exitCode === ExitCode.remote) return new RemoteError(e.code, message, options);
  return new Error(`the sandbox failed to start: ${message}`);
}

/** Starts the detached background process and waits until its servers listen. */
async function background(ctx: CliContext, options: SandboxStartOptions, flags: UpFlags): Promise<void> {
  const dir = options.stateDir;
  const running = runningPid(dir);
  if (running !== undefined) throw new CheckError('SANDBOX_RUNNING', `a sandbox is already running in ${dir} (pid ${running})`, { hint: `stop it first: mrs-trust sandbox down --state-dir ${dir}` });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logPath = join(dir, SANDBOX_FILES.log);
  const log = openSync(logPath, 'w', 0o600);
  const passOn = (['clusters', 'count', 'restartMs', 'subnet', 'manager', 'mrsVersion'] as const).flatMap((k) => (flags[k] === undefined ? [] : [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(flags[k])]));
  const args = [...process.execArgv, process.argv[1] as string, 'sandbox', 'up', '--child', '--state-dir', dir, ...passOn, ...(options.seedPeer ? ['--seed-peer'] : []), ...(options.plugins === false ? ['--no-plugins'] : []), ...(options.closedGroups ? ['--closed-groups'] : []), ...(options.faults ? ['--faults', options.faults] : [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log, 'ipc'], cwd: ctx.cwd, env: ctx.env });
  closeSync(log);
  const message = await new Promise<ChildMessage & { exited?: number | null }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ChildMessage));
    child.once('exit', (code) => resolve({ exited: code }));
    child.once('error', reject);
  });
  if (message.ready) {
    child.disconnect();
    child.unref();
    summary(ctx, message.ready.pid, dir, message.ready);
    return;
  }
  child.kill('SIGTERM');
  if (message.error) throw childError(message.error);
  const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-3).join(' | ');
  throw new CheckError('SANDBOX_START_FAILED', `the sandbox process exited (${message.exited}) before it was ready: ${tail}`, { hint: `see ${logPath}` });
}

export async function run(ctx: CliContext, flags: UpFlags = {}): Promise<void> {
  const options = startOptions(ctx, flags);
  if (flags.foreground || flags.child) {
    const running = flags.child ? undefined : runningPid(options.stateDir);
    if (running !== undefined) throw new CheckError('SANDBOX_RUNNING', `a sandbox is already running in ${options.stateDir} (pid ${running})`, { hint: 'mrs-trust sandbox down' });
    await serve(ctx, options, Boolean(flags.child));
    return;
  }
  await background(ctx, options, flags);
}
