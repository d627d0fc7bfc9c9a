import type { JournalDoc, RestartCommand } from '../domain/journal.js';
import { KRB_SERVICE } from '../domain/plan.js';
import { isMrsTrustError, RemoteError } from '../errors/index.js';
import type { Clock } from '../ports/clock.js';
import type { EventSink } from '../ports/events.js';
import type { CommandProgress, Manager } from '../ports/manager.js';
import type { RunJournal } from './run-journal.js';

/** What finishing one cluster's pending KrbServer restart needs (link, unlink, rollback share it). */
export interface RestartIo {
  manager: Manager;
  journal: RunJournal;
  clock: Clock;
  events: EventSink;
  signal: AbortSignal;
  /** The step id progress events carry. */
  step: string;
  timeoutMs: number;
  /** Called once the restart command has ended well, as the health wait starts (link starts its verify re-read there). */
  commandDone?: () => void;
}

export interface RestartOutcome {
  /** `save`: the save's own restart; `journal`: a command an earlier run left running; `stop-start`: the documented fallback. */
  via: 'save' | 'journal' | 'stop-start';
  message: string;
  /**
   * Clears the restart this cluster owed (pending entry and command): the step's `done` record
   * carries it (`StepResult.journal`), one write. Until it lands the journal still says "owed",
   * and a run that dies first re-reads the journaled command and finds it COMPLETE.
   */
  journal: (doc: JournalDoc) => void;
}

/** The journal change once a cluster's restart is done. */
function restartDone(doc: JournalDoc, cluster: string): void {
  doc.restartPending = doc.restartPending.filter((c) => c !== cluster);
  if (doc.restartCommands) delete doc.restartCommands[cluster];
}

/** Records (or clears) the command that applies this cluster's restart, before waiting on it. */
export function journalRestartCommand(journal: RunJournal, cluster: string, command: RestartCommand | undefined): Promise<void> {
  return journal.update((doc) => setRestartCommand(doc, cluster, command));
}

/** The same change, made inside another journal write. */
export function setRestartCommand(doc: JournalDoc, cluster: string, command: RestartCommand | undefined): void {
  const commands = { ...(doc.restartCommands ?? {}) };
  if (command) commands[cluster] = command;
  else delete commands[cluster];
  doc.restartCommands = commands;
}

function restartFailed(cluster: string, what: string, p: CommandProgress): RemoteError {
  return new RemoteError('RESTART_FAILED', `${cluster}: ${what} of ${KRB_SERVICE} ended ${p.state}${p.failures?.length ? `: ${p.failures.join('; ')}` : ''}`, {
    hint: `check the Manager's task list; \`mrs-trust link\` again finishes the restart (the journal remembers it is pending)`,
    details: { cluster },
  });
}

async function wait(io: RestartIo, cluster: string, id: string, deadline: number, label: string): Promise<CommandProgress> {
  return io.manager.waitForCommand(id, {
    timeoutMs: Math.max(0, deadline - io.clock.now().getTime()),
    signal: io.signal,
    onProgress: (p) => io.events.emit({ type: 'step-progress', step: io.step, scope: cluster, message: `${label}: ${(p.rawState ?? p.state).toLowerCase().replace('_', ' ')}${p.step ? ` (${p.step})` : ''}`, percent: p.percent }),
  });
}

/** Documented stop, then start, of KrbServer with `only_self: true`; each command id journaled first. */
async function stopStart(io: RestartIo, cluster: string, deadline: number, from: 'stop' | 'start'): Promise<void> {
  for (const action of from === 'stop' ? (['stop', 'start'] as const) : (['start'] as const)) {
    const id = action === 'stop' ? await io.manager.stopService(KRB_SERVICE) : await io.manager.startService(KRB_SERVICE);
    if (id === undefined) continue; // the Manager answered COMPLETE at once
    await journalRestartCommand(io.journal, cluster, { id, via: action });
    const result = await wait(io, cluster, id, deadline, action);
    if (result.state !== 'COMPLETE') {
      await journalRestartCommand(io.journal, cluster, undefined);
      throw restartFailed(cluster, action, result);
    }
  }
}

/** Polls a journaled command; undefined when the Manager no longer knows it (then stop + start). */
async function pollJournaled(io: RestartIo, cluster: string, command: RestartCommand, deadline: number): Promise<CommandProgress | undefined> {
  try {
    return await wait(io, cluster, command.id, deadline, command.via === 'save' ? 'restart' : command.via);
  } catch (error) {
    if (isMrsTrustError(error) && (error.code === 'MANAGER_REFUSED' || error.code === 'MANAGER_BAD_REPLY')) {
      io.events.emit({ type: 'warning', scope: cluster, message: `${cluster}: command ${command.id} from an earlier run cannot be followed (${error.message}); restarting ${KRB_SERVICE} with stop + start` });
      return undefined;
    }
    throw error;
  }
}

/** After COMPLETE: KrbServer must report GOOD again within the same time bound. */
async function waitHealthy(io: RestartIo, cluster: string, deadline: number): Promise<void> {
  let delay = 500;
  for (;;) {
    const health = (await io.manager.readHealth()).find((s) => s.name === KRB_SERVICE)?.health ?? 'UNKNOWN';
    if (health === 'GOOD') return;
    if (io.clock.now().getTime() >= deadline) {
      throw new RemoteError('SERVICE_UNHEALTHY', `${cluster}: ${KRB_SERVICE} restarted but reports ${health}, not GOOD, after the restart timeout`, {
        hint: `check ${KRB_SERVICE} in the Manager web UI; raise --restart-timeout if it is only slow`,
        details: { cluster, service: KRB_SERVICE, health },
      });
    }
    io.events.emit({ type: 'step-progress', step: io.step, scope: cluster, message: `waiting for ${KRB_SERVICE} health GOOD (now ${health})` });
    await io.clock.sleep(Math.min(delay, Math.max(0, deadline - io.clock.now().getTime())), io.signal);
    delay = Math.min(4000, Math.round(delay * 1.5));
  }
}

/**
 * Finishes the KrbServer restart owed on one cluster: polls the command the journal holds (the
 * save's own restart, or a stop/start an earlier run began); without one, or when the Manager
 * no longer knows it, restarts with the documented stop + start (`only_self: true`). Then waits
 * for KrbServer health GOOD. Only then does the outcome carry the change that clears the
 * journal's pending entry (the step's done record writes it).
 */
export async function finishRestart(io: RestartIo, cluster: string): Promise<RestartOutcome> {
  const deadline = io.clock.now().getTime() + io.timeoutMs;
  const journaled = io.journal.snapshot.restartCommands?.[cluster];
  let via: RestartOutcome['via'] = 'stop-start';
  let from: 'stop' | 'start' | undefined = 'stop';
  if (journaled) {
    const result = await pollJournaled(io, cluster, journaled, deadline);
    if (result?.state === 'COMPLETE') {
      via = journaled.via === 'save' ? 'save' : 'journal';
      from = journaled.via === 'stop' ? 'start' : undefined;
    } else if (result && journaled.via === 'save') {
      // This run's (or an earlier run's) save-restart failed: say so; the next run stops and starts.
      await journalRestartCommand(io.journal, cluster, undefined);
      throw restartFailed(cluster, 'restart', result);
    }
  }
  if (from) await stopStart(io, cluster, deadline, from);
  io.commandDone?.();
  await waitHealthy(io, cluster, deadline);
  const how = via === 'save' ? 'restarted by the save' : via === 'journal' ? 'restart finished' : 'restarted (stop + start)';
  return { via, message: `${KRB_SERVICE} ${how}, health GOOD`, journal: (doc) => restartDone(doc, cluster) };
}

/** Whether a restart owed on a cluster is evidently done, read through documented calls only. */
export interface RestartEvidence {
  done: boolean;
  message: string;
}

/**
 * Before planning, for a cluster whose restart an earlier run left pending: did the restart
 * happen meanwhile — finished by the Manager after that run died, or waited out by the operator
 * in the Manager UI? The only documented evidence is the command the journal holds: the save's
 * own restart (or the start of a stop + start) read through the documented progress call
 * (mrs_02_1091) as COMPLETE, with KrbServer health GOOD now. Then the pending entry is cleared
 * and the run neither asks for nor makes another restart. No documented read shows a restart the
 * operator started by hand after a failed one (no "restart required" / stale-configuration flag
 * is documented), so without such a command the restart stays in the plan and is asked for.
 */
export async function pendingRestartEvidence(io: Pick<RestartIo, 'manager' | 'journal' | 'signal'>, cluster: string, krbHealth: string | undefined): Promise<RestartEvidence> {
  const command = io.journal.snapshot.restartCommands?.[cluster];
  if (!command) return { done: false, message: `no command of the earlier restart is journaled, and no documented read shows a restart made in the Manager UI: the restart stays in the plan` };
  if (command.via === 'stop') return { done: false, message: `the earlier run stopped ${KRB_SERVICE} (command ${command.id}) and did not start it: the restart stays in the plan` };
  let progress: CommandProgress;
  try {
    // One documented progress read: a timeout of 0 returns at once (COMMAND_TIMEOUT while it runs).
    progress = await io.manager.waitForCommand(command.id, { timeoutMs: 0, signal: io.signal });
  } catch (error) {
    if (!isMrsTrustError(error) || !['COMMAND_TIMEOUT', 'MANAGER_REFUSED', 'MANAGER_BAD_REPLY'].includes(error.code)) throw error;
    const why = error.code === 'COMMAND_TIMEOUT' ? 'still running' : 'no longer known to the Manager';
    return { done: false, message: `command ${command.id} of the earlier restart is ${why}: the restart stays in the plan` };
  }
  if (progress.state !== 'COMPLETE') return { done: false, message: `command ${command.id} of the earlier restart ended ${progress.state}: the restart stays in the plan` };
  if (krbHealth !== 'GOOD') return { done: false, message: `command ${command.id} completed but ${KRB_SERVICE} reports ${krbHealth ?? 'no health'}: the restart stays in the plan` };
  await io.journal.update((doc) => restartDone(doc, cluster));
  return { done: true, message: `the restart an earlier run left pending is done (command ${command.id} ${command.via === 'save' ? 'of the save' : `(${command.via})`} COMPLETE, ${KRB_SERVICE} GOOD): cleared, no restart needed` };
}
