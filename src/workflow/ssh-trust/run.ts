import type { SshHostEntry } from '../../domain/ssh-hosts.js';
import type { Clock } from '../../ports/clock.js';
import { runSteps, type StepReport } from '../engine.js';
import { RunJournal } from '../run-journal.js';
import { buildResult, type SshTrustResult } from './result.js';
import { revokeSteps, trustSteps } from './steps.js';
import type { SshTrustContext, SshTrustDeps, SshTrustRequest } from './types.js';
import { trustWriter } from './writer.js';

export type { SshTrustDeps, SshTrustRequest } from './types.js';
export type { SshTrustResult } from './result.js';

/** Nothing of `ssh trust` belongs in the cluster journal: the hosts' own files are the state. */
const noJournal = { read: async () => undefined, write: async () => undefined };

/**
 * Runs `ssh trust` or `ssh revoke` over the hosts of one host file. Per-host failures are in the
 * result (the caller maps them to exit 4/5); a stop for the whole run (unknown host keys
 * without a way to accept them, an interrupt) is thrown before anything was written.
 */
export async function runSshTrust(request: SshTrustRequest, deps: SshTrustDeps & { clock: Clock }, source: { hostFile: string; duplicates: SshTrustResult['duplicates'] }): Promise<SshTrustResult> {
  const ctx = {
    request,
    deps,
    hosts: request.hosts.map((entry: SshHostEntry) => ({ entry, changes: [], conflicts: [] })),
    pairs: [],
    verified: false,
  } as Omit<SshTrustContext, 'writer'> as SshTrustContext;
  ctx.writer = trustWriter(ctx);
  // A dry-run journal is never written; it only carries the engine's step records.
  const { journal } = await RunJournal.start(noJournal, deps.clock, { action: `ssh-${request.action}`, clusters: ['ssh'], dryRun: true, runId: 'ssh' });
  deps.log(`${request.dryRun ? 'dry run: ' : ''}ssh ${request.action} on ${request.hosts.length} host${request.hosts.length === 1 ? '' : 's'}: ${request.hosts.map((h) => h.label).join(', ')}`);
  let steps: StepReport[];
  try {
    steps = await runSteps(request.action === 'trust' ? trustSteps : revokeSteps, ctx, { events: deps.events, journal, signal: deps.signal });
  } finally {
    await Promise.all(ctx.hosts.map((h) => h.remote?.close().catch(() => undefined)));
  }
  return buildResult(ctx, source.hostFile, source.duplicates, steps);
}
