import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clusterByName, loadConfig } from '../../config/load.js';
import { describeFix } from '../../domain/security-groups.js';
import { CheckError, InterruptedError, UsageError } from '../../errors/index.js';
import type { Cloud } from '../../ports/cloud.js';
import { fixSecurityGroups, rulesToAdd } from '../../workflow/precheck/fix.js';
import type { PrecheckResult } from '../../workflow/precheck/result.js';
import { checkSecurityGroups, type SgCheck } from '../../workflow/precheck/security-groups.js';
import type { CliContext } from '../context.js';
import { withSandbox } from '../with-sandbox.js';

export interface PrecheckFlags {
  only?: string;
  format?: string;
  out?: string;
  fix?: boolean;
  rulesFile?: string;
  sandbox?: boolean;
}

const CHECKS = ['security-groups'] as const;
const FORMATS = ['table', 'md', 'json'] as const;
type Format = (typeof FORMATS)[number];

function parseFlags(ctx: CliContext, flags: PrecheckFlags): { format: Format } {
  for (const name of (flags.only ?? 'security-groups').split(',').map((s) => s.trim())) {
    if (!(CHECKS as readonly string[]).includes(name)) throw new UsageError('BAD_FLAG', `--only: unknown check "${name}" (known: ${CHECKS.join(', ')})`);
  }
  const format = (flags.format ?? (ctx.global.json ? 'json' : 'table')) as Format;
  if (!FORMATS.includes(format)) throw new UsageError('BAD_FLAG', `--format: "${flags.format}" is not one of ${FORMATS.join(', ')}`);
  if (flags.fix && flags.rulesFile) throw new UsageError('BAD_FLAG', '--fix and --rules-file: a rules file is read-only; --fix needs the cloud API', { hint: 'drop --rules-file to fix' });
  return { format };
}

function toResult(a: string, b: string, source: Cloud['source'], check: SgCheck): PrecheckResult {
  return {
    ok: check.status === 'pass',
    clusters: [a, b],
    source,
    checks: [{ name: 'security-groups', status: check.status, sides: check.sides.map((s) => ({ cluster: s.name, securityGroupIds: s.securityGroupIds, nodeIps: s.nodeIps, kdcPorts: s.kdcPorts })), findings: check.findings }],
  };
}

/** Asks before adding rules: a prompt on a terminal, `--yes` otherwise (exit 2 naming it). */
async function confirmFix(ctx: CliContext, count: number): Promise<boolean> {
  if (ctx.global.yes) return true;
  if (!ctx.stdinIsTTY || !ctx.global.input) {
    throw new UsageError('CONFIRMATION_REQUIRED', `--fix adds ${count} security-group rule(s); without a terminal it needs --yes`, { hint: 'pass --yes to add them' });
  }
  const prompter = await ctx.adapters.prompter();
  return prompter.confirm({ message: `Add these ${count} security-group rule(s)?`, default: false });
}

async function emit(ctx: CliContext, result: PrecheckResult, format: Format, out: string | undefined): Promise<void> {
  const text = format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : (await import('../../report/precheck.js')).renderPrecheck(result, format);
  if (out) {
    await writeFile(resolve(ctx.cwd, out), text);
    ctx.out.result(result, () => `${result.ok ? 'PASS' : 'FAIL'}: report written to ${out}`);
    return;
  }
  if (ctx.global.json) ctx.out.result(result, () => []);
  else ctx.out.print(text.replace(/\n+$/, ''));
}

async function precheck(ctx: CliContext, configPath: string, a: string, b: string, flags: PrecheckFlags, format: Format): Promise<PrecheckResult> {
  const config = await loadConfig(configPath);
  const clusters = [clusterByName(config, a), clusterByName(config, b)];
  const clouds: Record<string, Cloud> = {};
  for (const c of clusters) clouds[c.name] = await ctx.adapters.cloud(c, ctx.out, flags.rulesFile ? { rulesFile: resolve(ctx.cwd, flags.rulesFile) } : {});
  const source = (clouds[a] as Cloud).source;
  let check = await checkSecurityGroups({ clouds }, a, b);
  let result = toResult(a, b, source, check);
  if (flags.fix) {
    const rules = rulesToAdd(check.findings);
    const before = check.findings;
    let added: Awaited<ReturnType<typeof fixSecurityGroups>>['added'] = [];
    let journal: string | undefined;
    if (rules.length > 0) {
      ctx.out.info(`--fix: ${rules.length} missing rule(s):`);
      for (const r of rules) ctx.out.info(`  + ${describeFix(r)}  (${r.cluster})`);
      if (!(await confirmFix(ctx, rules.length))) throw new InterruptedError('cancelled at the confirmation; no rules added');
      const state = await ctx.adapters.state(config.stateDir);
      const fixed = await fixSecurityGroups({ clouds, journal: state.journal, locks: state.locks, clock: state.clock, events: { emit: (e) => ctx.out.event(e) }, newRunId: randomUUID }, a, b, rules);
      added = fixed.added;
      journal = join(config.stateDir, 'journal', `${fixed.journalKey}.json`);
      check = await checkSecurityGroups({ clouds }, a, b);
    }
    result = { ...toResult(a, b, source, check), fix: { requested: true, added, ...(journal ? { journal } : {}), before } };
  }
  await emit(ctx, result, format, flags.out);
  return result;
}

/**
 * `mrs-trust precheck A B`: the security-group report (more checks join later). Exit 0 when
 * every check passes, 3 otherwise (after printing the report).
 */
export async function run(ctx: CliContext, a: string, b: string, flags: PrecheckFlags): Promise<void> {
  const { format } = parseFlags(ctx, flags);
  if (a === b) throw new UsageError('SAME_CLUSTER', `cannot pre-check ${a} with itself`, { hint: 'name two different clusters' });
  const result = await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: [a, b] }, (configPath) => precheck(ctx, configPath, a, b, flags, format));
  if (!result.ok) {
    const failing = result.checks.flatMap((c) => c.findings).filter((f) => f.status !== 'pass');
    throw new CheckError('PRECHECK_FAILED', `pre-check failed: ${failing.map((f) => `${f.cluster} ${f.securityGroupId} ${f.status}`).join(', ')}`, {
      hint: failing.some((f) => f.fix.length > 0) ? `run \`mrs-trust precheck ${a} ${b} --fix\` to add the missing rules` : 'see the report above',
      details: { resultPrinted: true },
    });
  }
}
