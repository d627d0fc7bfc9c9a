import { InterruptedError, isMrsTrustError, RemoteError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import type { ClientEntry } from '../../config/schema.js';
import type { ProfileName } from '../../domain/version.js';
import { hostSteps, type HostRun } from './host-steps.js';
import type { HostResult } from './result-schema.js';
import type { HostJob } from './routing.js';
import { removeCommand } from './shell.js';
import { StepFailure } from './step-failure.js';
import type { ClientRefreshDeps, PreparedTarball } from './types.js';

export const STEP_ID = 'refresh-clients';

/**
 * Errors of the connection itself (and a damaged upload): worth a new connection, but only
 * before the script starts. Auth and host-key errors are never retried.
 */
const TRANSPORT = new Set(['SSH_REFUSED', 'SSH_TIMEOUT', 'SSH_DISCONNECTED', 'UPLOAD_MISMATCH']);

export function isTransport(error: unknown): boolean {
  return isMrsTrustError(error) && TRANSPORT.has(error.code);
}

export interface HostRunOptions {
  tarballs: ReadonlyMap<string, PreparedTarball>;
  profiles: ReadonlyMap<string, ProfileName>;
  expectRealms: string[];
  absentRealms: string[];
  force: boolean;
  attempts: number;
  retryDelayMs: number;
  hostTimeoutMs: number;
  signal?: AbortSignal;
}

export function scopeOf(job: HostJob<ClientEntry>): string {
  return `${job.cluster}/${job.host.host}`;
}

/** Rejects when `signal` aborts, so a hung remote call cannot hold a host past its timeout. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

interface Attempt {
  outcome: 'ok' | 'skipped';
  realms?: string[];
}

/** One pass over the steps on one connection. Throws a StepFailure naming the step. */
async function attempt(run: HostRun, sink: EventSink, scope: string): Promise<Attempt> {
  for (const step of hostSteps(run.job.sources)) {
    sink.emit({ type: 'step-progress', step: STEP_ID, scope, detail: true, message: step.title });
    try {
      const outcome = await raceAbort(step.run(run), run.signal);
      if (outcome && 'skip' in outcome) return { outcome: 'skipped' };
    } catch (error) {
      throw error instanceof StepFailure ? error : new StepFailure(step.id, step.phase, error);
    }
  }
  return run.realms ? { outcome: 'ok', realms: run.realms } : { outcome: 'ok' };
}

/** Cleanup never holds a host's result for long: a dead connection may not even close cleanly. */
const CLEANUP_LIMIT_MS = 30_000;

async function closeQuietly(host: RemoteHost | undefined, cleanup: string[]): Promise<void> {
  if (!host) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLEANUP_LIMIT_MS);
    timer.unref();
  });
  const work = (async () => {
    if (cleanup.length > 0) await host.exec(removeCommand(cleanup), { timeoutMs: CLEANUP_LIMIT_MS }).catch(() => undefined);
    await host.close().catch(() => undefined);
  })();
  await Promise.race([work, limit]);
  clearTimeout(timer);
}

/**
 * The whole procedure on one host: steps in order, a new connection after a transport error
 * before the script starts (up to `attempts`), a time limit, cleanup of every upload. Never
 * throws: the outcome is the HostResult.
 */
export async function refreshHost(deps: ClientRefreshDeps, job: HostJob<ClientEntry>, options: HostRunOptions, sink: EventSink): Promise<HostResult> {
  const scope = scopeOf(job);
  const started = deps.clock.now().getTime();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new RemoteError('HOST_TIMEOUT', `gave up after ${Math.round(options.hostTimeoutMs / 1000)} s`)), options.hostTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  const base = { cluster: job.cluster, host: job.host.host, port: job.host.port, user: job.host.user, clientDir: job.host.clientDir, sources: job.sources };
  const finish = (fields: Pick<HostResult, 'status'> & Partial<HostResult>, attempts: number): HostResult => ({ ...base, attempts, durationMs: Math.max(0, deps.clock.now().getTime() - started), ...fields });
  sink.emit({ type: 'step-start', step: STEP_ID, scope, detail: true, title: `refresh ${job.host.user}@${job.host.host}:${job.host.port} with ${job.sources.join(' + ')}` });
  let attempts = 0;
  // Work dirs of attempts whose apply script never started: the next read script removes them.
  const cleanup: string[] = [];
  const remainingMs = () => Math.max(0, options.hostTimeoutMs - (deps.clock.now().getTime() - started));
  try {
    for (;;) {
      attempts += 1;
      let host: RemoteHost | undefined;
      try {
        host = await deps.openHost(job.host, { cluster: job.cluster, field: job.field });
        const state: HostRun = { job, host, tarballs: options.tarballs, profiles: options.profiles, expectRealms: options.expectRealms, absentRealms: options.absentRealms, force: options.force, signal, remainingMs, cleanup, tools: new Set(), uploads: new Map() };
        const done = await attempt(state, sink, scope);
        // Skipped (current) hosts never got a work dir; a refreshed host's script removed its own.
        await closeQuietly(host, []);
        return succeeded(done, (fields) => finish(fields, attempts), sink, scope);
      } catch (thrown) {
        const failure = thrown instanceof StepFailure ? thrown : new StepFailure('connect', 'prepare', thrown);
        const retry = retryable(failure, signal, attempts < options.attempts);
        // A retry's read script removes unused work dirs in its own session; after the last
        // attempt, one best-effort command does (never a dir an apply script started in).
        await closeQuietly(host, retry ? [] : cleanup);
        if (retry) {
          const delay = options.retryDelayMs * 2 ** (attempts - 1);
          sink.emit({ type: 'step-progress', step: STEP_ID, scope, detail: true, message: `${describe(failure.error)}; new connection in ${delay} ms (attempt ${attempts + 1} of ${options.attempts})` });
          await deps.clock.sleep(delay, signal).catch(() => undefined);
          if (!signal.aborted) continue;
        }
        const result = failed(causeOf(failure, options.signal, timeout.signal), failure.step, (fields) => finish(fields, attempts));
        sink.emit({ type: 'step-failed', step: STEP_ID, scope, detail: true, error: { code: result.code ?? 'FAILED', message: `${result.status}: ${result.reason ?? ''}` } });
        return result;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Only transport errors before the apply script started, while attempts and time are left. */
function retryable(failure: StepFailure, signal: AbortSignal, attemptsLeft: boolean): boolean {
  return !signal.aborted && failure.phase === 'prepare' && isTransport(failure.error) && attemptsLeft;
}

/** A timeout or Ctrl-C explains the failure better than the error it caused. */
function causeOf(failure: StepFailure, interrupt: AbortSignal | undefined, timeout: AbortSignal): unknown {
  if (interrupt?.aborted) return new InterruptedError();
  return timeout.aborted ? timeout.reason : failure.error;
}

function succeeded(done: Attempt, finish: (fields: Pick<HostResult, 'status'> & Partial<HostResult>) => HostResult, sink: EventSink, scope: string): HostResult {
  const skipped = done.outcome === 'skipped';
  sink.emit({ type: 'step-done', step: STEP_ID, scope, detail: true, outcome: skipped ? 'skipped' : 'done', message: skipped ? 'already current' : 'refreshed' });
  if (skipped) return finish({ status: 'skipped', reason: 'already current' });
  return finish(done.realms ? { status: 'ok', realms: done.realms } : { status: 'ok' });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failed(error: unknown, step: string, finish: (fields: Pick<HostResult, 'status'> & Partial<HostResult>) => HostResult): HostResult {
  const code = isMrsTrustError(error) ? error.code : 'INTERNAL';
  const unreachable = step === 'connect' && isTransport(error);
  return finish({ status: unreachable ? 'unreachable' : 'failed', code, step, reason: describe(error) });
}
