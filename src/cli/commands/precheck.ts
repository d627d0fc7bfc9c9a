import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { clusterByName, loadConfig, type LoadedConfig } from '../../config/load.js';
import { describeFix } from '../../domain/security-groups.js';
import { CheckError, InterruptedError, UsageError } from '../../errors/index.js';
import { AREAS, type Area, type PrecheckDeps } from '../../workflow/precheck/context.js';
import { fixSecurityGroups, rulesToAdd } from '../../workflow/precheck/fix.js';
import type { PrecheckResult } from '../../workflow/precheck/result.js';
import { precheckResult, runPrecheck } from '../../workflow/precheck/run.js';
import { checkGroups } from '../../workflow/precheck/steps/security-groups.js';
import type { PrecheckState } from '../../workflow/precheck/context.js';
import type { CliContext } from '../context.js';
import { closeAll, kdcAdmins } from '../kdc-admin-wiring.js';
import { buildPrecheckDeps } from '../precheck-wiring.js';
import { withSandbox } from '../with-sandbox.js';

export interface PrecheckFlags {
  only?: string;
  format?: string;
  out?: string;
  fix?: boolean;
  rulesFile?: string;
  sandbox?: boolean;
  strict?: boolean;
  probeTimeout?: string;
}

const FORMATS = ['table', 'md', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface Parsed {
  format: Format;
  only: Area[];
  timeoutMs: number;
}

function parseFlags(ctx: CliContext, flags: PrecheckFlags): Parsed {
  const only = flags.only === undefined ? [...AREAS] : [...new Set(flags.only.split(',').map((s) => s.trim()))];
  for (const name of only) if (!(AREAS as readonly string[]).includes(name)) throw new UsageError('BAD_FLAG', `--only: unknown check "${name}" (known: ${AREAS.join(', ')})`);
  const format = (flags.format ?? (ctx.global.json ? 'json' : 'table')) as Format;
  if (!FORMATS.includes(format)) throw new UsageError('BAD_FLAG', `--format: "${flags.format}" is not one of ${FORMATS.join(', ')}`);
  if (flags.fix && flags.rulesFile) throw new UsageError('BAD_FLAG', '--fix and --rules-file: a rules file is read-only; --fix needs the cloud API', { hint: 'drop --rules-file to fix' });
  if (flags.fix && !only.includes('security-groups')) throw new UsageError('BAD_FLAG', '--fix adds security-group rules: --only must include security-groups');
  const seconds = flags.probeTimeout === undefined ? 3 : Number(flags.probeTimeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) throw new UsageError('BAD_FLAG', `--probe-timeout: "${flags.probeTimeout}" is not a number of seconds from 0.1 to 60`);
  return { format, only: only as Area[], timeoutMs: Math.round(seconds * 1000) };
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
    const { writeOutputFile } = await import('../../adapters/state/output-file.js');
    await writeOutputFile('--out', resolve(ctx.cwd, out), text, 0o644);
    ctx.out.result(result, () => `${result.ok ? 'PASS' : 'FAIL'}: report written to ${out}`);
    return;
  }
  if (ctx.global.json) ctx.out.result(result, () => []);
  else ctx.out.print(text.replace(/\n+$/, ''));
}

/** `--fix`: adds the missing rules (confirmed, journaled), then checks the groups again. */
async function fix(ctx: CliContext, config: LoadedConfig, state: PrecheckState, deps: PrecheckDeps): Promise<NonNullable<PrecheckResult['fix']>> {
  const { a, b } = state.request;
  const before = state.sg?.findings ?? [];
  const rules = rulesToAdd(before);
  if (rules.length === 0 || !deps.clouds) return { requested: true, added: [], before };
  ctx.out.info(`--fix: ${rules.length} missing rule(s):`);
  for (const r of rules) ctx.out.info(`  + ${describeFix(r)}  (${r.cluster})`);
  if (!(await confirmFix(ctx, rules.length))) throw new InterruptedError('cancelled at the confirmation; no rules added');
  const st = await ctx.adapters.state(config.stateDir);
  const fixed = await fixSecurityGroups({ clouds: deps.clouds, journal: st.journal, locks: st.locks, clock: st.clock, events: { emit: (e) => ctx.out.event(e) }, newRunId: randomUUID }, a, b, rules);
  state.checks = state.checks.filter((c) => c.id !== 'security-groups');
  await checkGroups.run(state);
  return { requested: true, added: fixed.added, journal: join(config.stateDir, 'journal', `${fixed.journalKey}.json`), before };
}

async function precheck(ctx: CliContext, configPath: string, a: string, b: string, flags: PrecheckFlags, parsed: Parsed): Promise<PrecheckResult> {
  const config = await loadConfig(configPath);
  const clusters = [clusterByName(config, a), clusterByName(config, b)];
  const deps = await buildPrecheckDeps(ctx, clusters, { only: parsed.only, ...(flags.rulesFile ? { rulesFile: flags.rulesFile } : {}), timeoutMs: parsed.timeoutMs });
  const admins = parsed.only.includes('rules') ? kdcAdmins(ctx, clusters) : {};
  let state: PrecheckState;
  try {
    state = await runPrecheck({ ...deps, kdcAdmin: admins }, { a, b, only: parsed.only });
  } finally {
    await closeAll(admins);
  }
  const fixRecord = flags.fix ? await fix(ctx, config, state, deps) : undefined;
  const source = deps.clouds ? ((deps.clouds[a] as NonNullable<typeof deps.clouds>[string]).source) : 'none';
  const managerUrls = Object.fromEntries(clusters.map((c) => [c.name, c.manager.url]));
  const result: PrecheckResult = { ...precheckResult(state, { strict: Boolean(flags.strict), source, managerUrls }), ...(fixRecord ? { fix: fixRecord } : {}) };
  await emit(ctx, result, parsed.format, flags.out);
  return result;
}

/**
 * `mrs-trust precheck A B`: every check of the pair (rules, Managers, KDCs, clocks, security
 * groups) as table, Markdown, JSON or HTML. Exit 0 when nothing fails (warn and unknown are
 * printed), 3 otherwise; `--strict` makes warn and unknown fail too.
 */
export async function run(ctx: CliContext, a: string, b: string, flags: PrecheckFlags): Promise<void> {
  const parsed = parseFlags(ctx, flags);
  if (a === b) throw new UsageError('SAME_CLUSTER', `cannot pre-check ${a} with itself`, { hint: 'name two different clusters' });
  const result = await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: [a, b] }, (configPath) => precheck(ctx, configPath, a, b, flags, parsed));
  if (!result.ok) {
    const failing = result.checks.filter((c) => c.status === 'fail' || (result.strict && c.status !== 'pass'));
    const sgFix = failing.some((c) => c.name === 'security-groups' && (c.findings ?? []).some((f) => f.fix.length > 0));
    throw new CheckError('PRECHECK_FAILED', `pre-check failed: ${failing.map((c) => `${c.cluster ? `${c.cluster} ` : ''}${c.name} ${c.status}`).join(', ')}${result.strict ? ' (--strict)' : ''}`, {
      hint: sgFix ? `run \`mrs-trust precheck ${a} ${b} --fix\` to add the missing rules; the report above lists the fix of each check` : 'the report above lists the fix of each failing check',
      details: { resultPrinted: true },
    });
  }
}
