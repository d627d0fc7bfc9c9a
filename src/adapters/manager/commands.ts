/**
 * Asynchronous Manager commands, all documented: service stop/start (mrs_02_1094/1095,
 * "Starting a Service", "Stopping a Service") and command progress (mrs_02_1091, "Querying the
 * Command Execution Progress"). The restart after a `peer_realms` save is the save's own command
 * (`restart_affected_components: true`); stop + start is the fallback for a restart left pending.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError, RemoteError } from '../../errors/index.js';
import { newPollSchedule, nextPoll } from '../../domain/poll-schedule.js';
import type { CommandProgress } from '../../ports/manager.js';
import { envelopeSchema, PATHS, progressSchema, type WireProgress } from '../../wire/manager/documented.js';
import type { ManagerHttp } from './http.js';

/** A command id as the Manager sends it; `-1` / null = "no asynchronous task" (documented default). */
export function commandIdOf(id: number | string | null | undefined): string | undefined {
  if (id === undefined || id === null || String(id) === '-1' || String(id).trim() === '') return undefined;
  return String(id);
}

function failureText(entry: NonNullable<NonNullable<WireProgress['res_obj']>['fail_entity_list']>[number]): string {
  if (typeof entry === 'string') return entry;
  const entity = entry.fail_entity ?? 'unknown instance';
  return entry.operation_type ? `${entity} (${entry.operation_type})` : entity;
}

function stepText(reply: WireProgress): string | undefined {
  const last = reply.res_obj?.step_list?.at(-1);
  return (last?.description ?? last?.name) || undefined;
}

/** The documented progress reply → the tool's view. Only COMPLETE and FAILED end a command. */
export function toProgress(reply: WireProgress): CommandProgress {
  const raw = reply.state.trim().toUpperCase();
  const state = raw === 'COMPLETE' || raw === 'FAILED' ? raw : 'IN_PROGRESS';
  const percent = reply.total_progress ?? reply.res_obj?.total_step_size ?? 0;
  const failures = (reply.res_obj?.fail_entity_list ?? []).map(failureText);
  const step = stepText(reply);
  return {
    state,
    percent: Math.max(0, Math.min(100, Math.round(percent))),
    ...(state === 'IN_PROGRESS' && raw !== 'IN_PROGRESS' ? { rawState: reply.state } : {}),
    ...(step ? { step } : {}),
    ...(failures.length > 0 ? { failures } : {}),
  };
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  onProgress?: (p: CommandProgress) => void;
  signal?: AbortSignal;
}

export async function waitForCommand(http: ManagerHttp, id: string, options: WaitOptions): Promise<CommandProgress> {
  const name = http.cluster.name;
  const deadline = Date.now() + options.timeoutMs;
  const path = PATHS.progress(id);
  // The poll rate and why: src/domain/poll-schedule.ts (a given `pollMs` fixes the interval).
  let schedule = newPollSchedule();
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError(`${name}: stopped waiting for command ${id}`);
    const reply = await http.call({ method: 'GET', url: http.cluster.manager.url + path, endpoint: `GET ${path}`, schema: progressSchema, read: true, allowFailed: true });
    const progress = toProgress(reply);
    options.onProgress?.(progress);
    if (progress.state !== 'IN_PROGRESS') return progress;
    if (Date.now() >= deadline) {
      throw new RemoteError('COMMAND_TIMEOUT', `${name}: command ${id} still running after ${options.timeoutMs} ms (${progress.percent}%, state ${reply.state})`, {
        hint: 'check the task in the Manager web UI; the command may still finish. Raise --restart-timeout to wait longer',
        details: { cluster: name, commandId: id },
      });
    }
    schedule = nextPoll(schedule, { atMs: performance.now(), percent: progress.percent });
    const delay = options.pollMs ?? (schedule.delayMs as number);
    try {
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), undefined, { signal: options.signal });
    } catch {
      throw new InterruptedError(`${name}: stopped waiting for command ${id}`);
    }
  }
}

/**
 * Documented `POST /web/v1/maintain/cluster/1/service/{name}/{stop|start}` with `only_self: true`.
 * A write: never retried (a stop or start that may have run is not sent twice).
 */
export async function serviceAction(http: ManagerHttp, service: string, action: 'start' | 'stop', userPassword: string): Promise<string | undefined> {
  const path = PATHS.serviceAction(service, action);
  const endpoint = `POST ${path}`;
  const reply = await http.call({ method: 'POST', url: http.cluster.manager.url + path, endpoint, schema: envelopeSchema, read: false, json: { user_password: userPassword, only_self: true } });
  const id = commandIdOf(reply.id);
  if (id !== undefined) return id;
  if (reply.state.toUpperCase() === 'COMPLETE') return undefined;
  throw new RemoteError('MANAGER_BAD_REPLY', `${http.cluster.name}: ${endpoint}: state ${reply.state} but no command id to follow`, { details: { cluster: http.cluster.name, endpoint } });
}
