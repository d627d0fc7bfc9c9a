import { clusterByName, loadConfig } from '../../config/load.js';
import { journalKey } from '../../domain/journal.js';
import type { PlanAction } from '../../domain/plan.js';
import { CheckError, UsageError } from '../../errors/index.js';
import type { CliContext } from '../context.js';
import { executeLink, parseTimeout } from './link.js';

export interface ResumeFlags {
  restartTimeout?: string;
  allowDowntime?: boolean;
}

const RESUMABLE = new Set<string>(['link', 'unlink', 'rollback']);

/**
 * `resume A B`: continues the pair's journal from its first unfinished step, after re-reading
 * both sides: a write whose effect is already present is skipped, a pending restart is
 * finished (after the confirmation), checks that finished are not redone.
 */
export async function run(ctx: CliContext, a: string, b: string, flags: ResumeFlags): Promise<void> {
  const config = await loadConfig(ctx.global.config);
  clusterByName(config, a);
  clusterByName(config, b);
  if (a === b) throw new UsageError('SAME_CLUSTER', `cannot resume ${a} with itself`, { hint: 'name two different clusters' });
  const state = await ctx.adapters.state(config.stateDir);
  const key = journalKey([a, b]);
  const doc = await state.journal.read(key);
  if (!doc) {
    throw new CheckError('NOTHING_TO_RESUME', `no journal for ${a} and ${b} in ${config.stateDir}/journal/`, { hint: `nothing was started for this pair: run \`mrs-trust link ${a} ${b}\`` });
  }
  if (!RESUMABLE.has(doc.action)) {
    throw new CheckError('NOTHING_TO_RESUME', `the last run of ${a} and ${b} was ${doc.action}, which resume does not continue`, { hint: doc.action === 'precheck-fix' ? `run \`mrs-trust precheck ${a} ${b} --fix\` again` : `run \`mrs-trust link ${a} ${b}\`` });
  }
  const action = doc.action as PlanAction;
  const plan = action !== 'rollback' && doc.plan?.action === action ? doc.plan : undefined;
  await executeLink(ctx, {
    action,
    configPath: config.path,
    config,
    a,
    b,
    confirmed: ctx.global.yes,
    ...(plan ? { plan } : {}),
    resume: doc,
    restartTimeoutSeconds: parseTimeout(flags.restartTimeout),
    // The 3.x roles (one-way or not) are in the plan the interrupted run journaled.
    ...(plan?.sides.some((s) => s.mrs3?.role.startsWith('one-way')) ? { oneWay: true } : {}),
    ...(flags.allowDowntime ? { allowDowntime: true } : {}),
  });
}
