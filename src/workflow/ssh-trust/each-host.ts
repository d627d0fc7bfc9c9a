import pLimit from 'p-limit';
import { InterruptedError, isMrsTrustError } from '../../errors/index.js';
import { live, type HostFailure, type HostRun, type SshTrustContext } from './types.js';

/** Hints that name this command's flags (the adapter's name config fields, which `ssh` has none of). */
const HINTS: Record<string, (h: HostRun) => string> = {
  SSH_AUTH_FAILED: (h) => `check the password (--password-file, the prompt or stdin) and the user (--user, or user@ on line ${h.entry.line}); or give the user a key the host already accepts`,
  SSH_REFUSED: (h) => `is sshd running on ${h.entry.host} port ${h.entry.port}? (line ${h.entry.line}, or --port)`,
  SSH_TIMEOUT: (h) => `no answer from ${h.entry.host}:${h.entry.port}: a firewall or security group may drop TCP ${h.entry.port}`,
  HOST_KEY_UNKNOWN: () => 'confirm it out of band, then add it to the --host-keys file, or rerun with --accept-new',
  HOST_KEY_CHANGED: () => 'someone may be intercepting the connection, or the host was rebuilt: confirm the new key out of band and update your known_hosts (or --host-keys file); it is never accepted automatically',
};

export function failureOf(step: string, host: HostRun, error: unknown): HostFailure {
  if (isMrsTrustError(error)) {
    const hint = HINTS[error.code]?.(host) ?? error.hint;
    return { step, code: error.code, message: error.message, ...(hint ? { hint } : {}) };
  }
  return { step, code: 'INTERNAL', message: `${host.entry.label}: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Runs `work` on every host still in the run, `--parallel` at a time. A host that fails is
 * marked with the step and cause and left out of every later step; the others go on.
 * An interrupt stops the whole run.
 */
export async function eachHost(ctx: SshTrustContext, step: string, work: (host: HostRun) => Promise<void>): Promise<{ failed: number }> {
  const limit = pLimit(ctx.request.parallel);
  let failed = 0;
  await Promise.all(
    live(ctx).map((host) =>
      limit(async () => {
        if (ctx.deps.signal.aborted) return;
        try {
          await work(host);
        } catch (error) {
          if (error instanceof InterruptedError || ctx.deps.signal.aborted) throw error instanceof InterruptedError ? error : new InterruptedError();
          host.failure = failureOf(step, host, error);
          failed += 1;
          ctx.deps.log(`${host.entry.label}: FAILED in ${step}: ${host.failure.message} [${host.failure.code}]`);
          ctx.deps.events.emit({ type: 'warning', scope: host.entry.label, message: `${host.failure.message} [${host.failure.code}]` });
        }
      }),
    ),
  );
  if (ctx.deps.signal.aborted) throw new InterruptedError(`interrupted during ${step}`, { hint: 'run the same command again: it only adds what is missing' });
  return { failed };
}

export function doneMessage(ctx: SshTrustContext, what: string, failed: number): { message: string } {
  const ok = live(ctx).length;
  return { message: `${what}: ${ok} host${ok === 1 ? '' : 's'}${failed > 0 ? `, ${failed} failed` : ''}` };
}
