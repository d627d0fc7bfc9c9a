import { resolve } from 'node:path';
import { clusterByName, loadConfig } from '../../config/load.js';
import { UsageError } from '../../errors/index.js';
import { planFileSchema, toPlan, type PlanFile } from '../../workflow/link/plan-file.js';
import type { CliContext } from '../context.js';
import { executeLink, parseTimeout } from './link.js';

export interface ApplyFlags {
  restartTimeout?: string;
  allowDowntime?: boolean;
}

const invalid = (file: string, reason: string) =>
  new UsageError('PLAN_INVALID', `${file}: ${reason}`, { hint: 'make a new plan with `mrs-trust plan A B --out FILE` (a plan file is written whole; this one was edited or cut off)' });

/** Reads and checks a plan file: JSON, the schema (naming the first bad field), a known version. */
export async function readPlanFile(file: string): Promise<PlanFile> {
  const { readInputFile } = await import('../../adapters/state/output-file.js');
  const text = await readInputFile('plan file', file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid(file, 'not valid JSON');
  }
  const parsed = planFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(file, `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'not a plan file'}`);
  }
  return parsed.data;
}

function mismatch(file: string, reason: string, hint: string): UsageError {
  return new UsageError('PLAN_MISMATCH', `${file}: ${reason}; nothing was written`, { hint });
}

/**
 * `apply FILE`: carries out exactly the saved plan. Refused before any network call (exit 2)
 * when it was made with another config file or for other clusters; refused before any write
 * (exit 3, PLAN_STALE) when either cluster's configuration moved since it was made.
 */
export async function run(ctx: CliContext, planPath: string, flags: ApplyFlags): Promise<void> {
  const file = resolve(ctx.cwd, planPath);
  const saved = await readPlanFile(file);
  const config = await loadConfig(ctx.global.config);
  if (saved.config.path !== config.path) {
    throw mismatch(file, `it was made with ${saved.config.path}, this run uses ${config.path}`, `pass --config ${saved.config.path}, or make a new plan with this config`);
  }
  const [a, b] = saved.plan.clusters;
  for (const name of [a, b]) {
    const url = clusterByName(config, name).manager.url;
    if (saved.managers[name] !== url) throw mismatch(file, `it was made for cluster ${name} at ${saved.managers[name] ?? '(none)'}, clusters.yaml now says ${url}`, `make a new plan: \`mrs-trust plan ${a} ${b} --out FILE\``);
  }
  await executeLink(ctx, {
    action: saved.plan.action,
    configPath: config.path,
    config,
    a,
    b,
    confirmed: ctx.global.yes,
    plan: toPlan(saved.plan),
    restartTimeoutSeconds: parseTimeout(flags.restartTimeout),
    extra: { planFile: file },
    ...(saved.plan.sides.some((s) => s.mrs3?.role.startsWith('one-way')) ? { oneWay: true } : {}),
    ...(flags.allowDowntime ? { allowDowntime: true } : {}),
  });
}
