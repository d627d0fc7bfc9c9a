import { resolve } from 'node:path';
import { clusterByName, loadConfig } from '../../config/load.js';
import { planChangesAnything, renderPlan } from '../../domain/plan.js';
import { UsageError } from '../../errors/index.js';
import { PLAN_FILE_VERSION, type PlanFile } from '../../workflow/link/plan-file.js';
import { runLink } from '../../workflow/link/run.js';
import type { CliContext } from '../context.js';
import { buildLinkDeps } from '../link-wiring.js';

export interface PlanFlags {
  out?: string;
  unlink?: boolean;
  skipPrecheck?: boolean;
}

/**
 * `plan A B [--out FILE]`: discovers both clusters and computes the plan exactly as link (or
 * `--unlink`) would, as a dry run: no lock, no journal, nothing written to a cluster. With
 * `--out`, writes the plan file `apply FILE` carries out later.
 */
export async function run(ctx: CliContext, a: string, b: string, flags: PlanFlags): Promise<void> {
  const config = await loadConfig(ctx.global.config);
  const clusters = [clusterByName(config, a), clusterByName(config, b)];
  if (a === b) throw new UsageError('SAME_CLUSTER', `cannot plan ${a} with itself`, { hint: 'name two different clusters' });
  const out = flags.out === undefined ? undefined : resolve(ctx.cwd, flags.out);
  const files = await import('../../adapters/state/output-file.js');
  if (out) await files.checkOutputDir('--out', out);
  const action = flags.unlink ? 'unlink' : 'link';
  const deps = await buildLinkDeps(ctx, config, clusters, { action, events: { emit: (e) => ctx.out.event(e) }, confirm: async () => true });
  const { plan } = await runLink(deps, { action, a, b, dryRun: true, restartTimeoutMs: 1000, skipPrecheck: Boolean(flags.skipPrecheck) });
  if (!plan || plan.action === 'rollback') throw new Error('the dry run made no link plan');
  const file: PlanFile = {
    kind: 'mrs-trust-plan',
    fileVersion: PLAN_FILE_VERSION,
    createdAt: deps.clock.now().toISOString(),
    config: { path: config.path },
    managers: Object.fromEntries(clusters.map((c) => [c.name, c.manager.url])),
    plan: { ...plan, action: plan.action },
  };
  if (out) await files.writeOutputFile('--out', out, `${JSON.stringify(file, null, 2)}\n`);
  const changes = planChangesAnything(plan);
  ctx.out.result({ ok: true, ...file, ...(out ? { out } : {}), changes }, () => [
    ...renderPlan(plan),
    '',
    !changes ? 'Nothing to change.' : out ? `Plan written to ${out}; carry it out with \`mrs-trust apply ${flags.out ?? out}\`.` : 'Save it with --out FILE, then carry it out with `mrs-trust apply FILE`.',
  ]);
}
