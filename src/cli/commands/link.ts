import { clusterByName, loadConfig, type LoadedConfig } from '../../config/load.js';
import type { JournalDoc } from '../../domain/journal.js';
import { renderPlan, type Plan, type PlanAction } from '../../domain/plan.js';
import { UsageError } from '../../errors/index.js';
import type { LinkRequest } from '../../workflow/link/context.js';
import type { LinkResult } from '../../workflow/link/result.js';
import { runLink, stepsFor } from '../../workflow/link/run.js';
import { withSandbox } from '../with-sandbox.js';
import { parseTarballs } from '../tarball-flag.js';
import { buildLinkDeps, linkCluster } from '../link-wiring.js';
import { mrs3Cli } from '../mrs3-terminal.js';
import { closeAll } from '../kdc-admin-wiring.js';
import type { CliContext } from '../context.js';

/** The input of link/unlink, whether it came from flags or from the wizard. */
export interface LinkInput {
  configPath: string;
  /** A config built or edited in the wizard and not (yet) saved; otherwise read from configPath. */
  config?: LoadedConfig;
  a: string;
  b: string;
  /** `--yes`: the user has confirmed up front (or confirmed in the wizard). */
  confirmed: boolean;
  dryRun?: boolean;
  skipPrecheck?: boolean;
  restartTimeoutSeconds?: number;
  action?: PlanAction;
  /** `apply`: the saved plan to carry out. `resume`: the interrupted run's plan. */
  plan?: Plan;
  /** `resume`: the journal of the run to continue. */
  resume?: JournalDoc;
  /** Fields added to the printed result (`apply`: the plan file). */
  extra?: { planFile?: string };
  peerEncodingConfirmed?: boolean;
  /** The refresh-clients step: `--tarball`, `--manager-download`, `--skip-clients`. */
  clients?: LinkClientOptions;
  /** `--one-way` (MRS 3.6.0+ on both sides). */
  oneWay?: boolean;
  /** `--allow-downtime`: the 3.x procedure's downtime, confirmed without a terminal. */
  allowDowntime?: boolean;
}

export interface LinkClientOptions {
  tarballs?: Record<string, string>;
  managerDownload?: boolean;
  skip?: boolean;
}

export interface LinkFlags {
  sandbox?: boolean;
  dryRun?: boolean;
  skipPrecheck?: boolean;
  restartTimeout?: string;
  peerEncodingConfirmed?: boolean;
  tarball?: string[];
  managerDownload?: boolean;
  skipClients?: boolean;
  oneWay?: boolean;
  allowDowntime?: boolean;
}

/** `--tarball`, `--manager-download`, `--skip-clients` of link and unlink. */
export async function clientOptions(ctx: CliContext, flags: LinkFlags): Promise<LinkClientOptions> {
  const tarballs = parseTarballs(flags.tarball, ctx.cwd);
  if (flags.skipClients && (Object.keys(tarballs).length > 0 || flags.managerDownload)) {
    throw new UsageError('BAD_FLAG', '--skip-clients cannot be combined with --tarball or --manager-download', { hint: 'leave out --skip-clients to refresh the client hosts' });
  }
  return { ...(Object.keys(tarballs).length > 0 ? { tarballs } : {}), ...(flags.managerDownload ? { managerDownload: true } : {}), ...(flags.skipClients ? { skip: true } : {}) };
}

const DEFAULT_RESTART_TIMEOUT_S = 900;

export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RESTART_TIMEOUT_S;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 86_400) {
    throw new UsageError('BAD_FLAG', `--restart-timeout: "${text}" is not a number of seconds from 1 to 86400`);
  }
  return Number(text);
}

/** Steps that ask on the terminal (or print a checklist): no live row, so the question has the terminal to itself. */
const ASKING_STEPS = new Set(['confirm', 'confirm-downtime', 'console-steps', 'start-clusters']);

/** Typed confirmation on a terminal: the user types `A-B`, as a guard against the wrong pair. */
async function confirmOnTerminal(ctx: CliContext, plan: Plan): Promise<boolean> {
  const expected = `${plan.clusters[0]}-${plan.clusters[1]}`;
  const prompter = await ctx.adapters.prompter();
  const what = plan.sides.some((side) => side.mrs3) ? 'This changes the trust on both clusters as planned above' : 'This restarts KrbServer on both clusters';
  const typed = await prompter.input({ message: `${what}. Type ${expected} to continue (anything else cancels):` });
  return typed.trim() === expected;
}

function mustConfirmUpFront(ctx: CliContext, input: LinkInput): void {
  if (input.confirmed || input.dryRun) return;
  if (!ctx.stdinIsTTY || !ctx.global.input) {
    throw new UsageError('CONFIRMATION_REQUIRED', `${input.action ?? 'link'} writes to both clusters and restarts KrbServer; without a terminal it needs --yes`, {
      hint: 'pass --yes to confirm, or --dry-run to see the plan',
    });
  }
}

type SideResult = LinkResult['sides'][number];

const MRS3_HOW = {
  'two-way': '; MRS 3.x (console checklist + restart-RealmConfig.sh)',
  'one-way-local': '; MRS 3.x one-way, accessing side (console checklist + restart-RealmConfig.sh)',
  'one-way-peer': '; MRS 3.x one-way, accessed side (console checklist)',
} as const;

function restartNote(s: SideResult, dryRun: boolean): string {
  const writes = s.change === 'added' || s.change === 'updated' || s.change === 'removed';
  return s.restarted ? '; KrbServer restarted' : dryRun && writes ? '; KrbServer would restart' : '';
}

function describeSide(s: SideResult, dryRun: boolean): string {
  const would = dryRun ? 'would be ' : '';
  const what = {
    added: `${would}added ${s.peer} ${s.after?.ip_port ?? ''}`,
    updated: `${would}updated ${s.peer}: ${s.before?.ip_port ?? ''} → ${s.after?.ip_port ?? ''}`,
    removed: `${would}removed ${s.peer}`,
    unchanged: `already lists ${s.peer}`,
    absent: `does not list ${s.peer}`,
  }[s.change];
  const restart = s.mrs3 ? MRS3_HOW[s.mrs3] : restartNote(s, dryRun);
  const kept = s.rollback === 'kept' ? ' (changed by someone else since the journaled run: kept)' : s.rollback === 'already' ? ' (already as before)' : '';
  return `  ${s.cluster} (${s.realm}): ${what}${kept}${restart}`;
}

const DONE_TITLE = { link: 'Linked', unlink: 'Unlinked', rollback: 'Rolled back' } as const;

function title(result: LinkResult): string {
  if (result.dryRun) return 'Dry run (nothing written)';
  if (!result.changed && !result.securityGroupRulesRemoved?.length && !result.sides.some((s) => s.restarted)) return 'Nothing changed';
  return `${DONE_TITLE[result.action]} ${result.clusters.join(' ↔ ')}`;
}

/** The optional parts: what ran (pre-check, clients), what was skipped and why, where the journal is. */
function extras(result: LinkResult): string[] {
  const lines: string[] = [];
  if (result.precheck) lines.push(`  precheck: ${result.precheck.summary}`);
  if (result.clients) lines.push(`  refresh-clients: ${result.clients.summary}`);
  const ticket = result.steps.find((s) => s.id === 'verify-ticket' && s.status === 'done');
  if (ticket) lines.push(`  verify-ticket: ${ticket.message ?? 'done'}`);
  const skipped = result.steps.filter((s) => s.status === 'skipped' && ['precheck', 'refresh-clients', 'verify-ticket'].includes(s.id));
  for (const s of skipped) lines.push(`  ${s.id}: skipped (${s.message ?? ''})`);
  for (const r of result.securityGroupRulesRemoved ?? []) lines.push(`  security-group rule ${r.ruleId} (${r.cluster}): ${result.dryRun ? 'would be removed' : 'removed'}`);
  for (const m of result.manualSteps ?? []) lines.push(`  ${m.id}: ${m.confirmed ? `done (${m.confirmedBy === 'resume' ? 'reported by resume, then checked' : 'confirmed on the terminal, then checked'})` : 'shown, not done yet'}`);
  if (result.journal) lines.push(`  journal: ${result.journal}`);
  return lines;
}

function humanSummary(result: LinkResult): string[] {
  return [title(result), ...result.sides.map((s) => describeSide(s, result.dryRun)), ...extras(result)];
}

function checkTarballNames(input: LinkInput): void {
  for (const name of Object.keys(input.clients?.tarballs ?? {})) {
    if (name !== input.a && name !== input.b) throw new UsageError('BAD_FLAG', `--tarball ${name}=…: ${name} is not ${input.a} or ${input.b}`, { hint: '--tarball NAME=PATH with a cluster named on the command line' });
  }
}

/** The workflow request from the command's input (flags, wizard, a plan file, a journal to resume). */
function linkRequest(input: LinkInput, action: PlanAction): LinkRequest {
  return {
    action,
    a: input.a,
    b: input.b,
    dryRun: Boolean(input.dryRun),
    restartTimeoutMs: (input.restartTimeoutSeconds ?? DEFAULT_RESTART_TIMEOUT_S) * 1000,
    skipPrecheck: Boolean(input.skipPrecheck),
    ...(input.peerEncodingConfirmed ? { peerEncodingConfirmed: true } : {}),
    skipClients: input.clients?.skip === true,
    ...(input.plan ? { plan: input.plan } : {}),
    ...(input.resume ? { resume: input.resume } : {}),
    ...(input.oneWay ? { oneWay: true } : {}),
    ...(input.allowDowntime ? { allowDowntime: true } : {}),
  };
}

/** Runs link or unlink: used by the `link`/`unlink` commands and by the wizard. */
export async function executeLink(ctx: CliContext, input: LinkInput): Promise<LinkResult> {
  const action = input.action ?? 'link';
  mustConfirmUpFront(ctx, input);
  const config = input.config ?? (await loadConfig(input.configPath));
  const clusters = [clusterByName(config, input.a), clusterByName(config, input.b)];
  if (input.a === input.b) throw new UsageError('SAME_CLUSTER', `cannot ${action} ${input.a} with itself`, { hint: 'name two different clusters' });
  const request = linkRequest(input, action);
  const mrs3 = mrs3Cli(ctx, input, request, clusters);
  // On a terminal, a live task list; otherwise plain lines or JSON lines (ctx.out decides).
  const steps = stepsFor({ clusters: Object.fromEntries(clusters.map((c) => [c.name, linkCluster(c)])) }, request);
  // listr2 is loaded only for a live terminal: plain and JSON progress never need it.
  const live = ctx.out.progress === 'auto' ? (await import('../progress/task-list.js')).createTaskList(steps.map((st) => ({ id: st.id, title: st.title, ...(st.scopes ? { scopes: [input.a, input.b] } : {}), quiet: ASKING_STEPS.has(st.id) })), process.stderr) : undefined;
  checkTarballNames(input);
  const deps = await buildLinkDeps(ctx, config, clusters, {
    action,
    clients: input.clients ?? {},
    events: live?.sink ?? { emit: (e) => ctx.out.event(e) },
    confirm: async (plan) => {
      await live?.idle();
      for (const line of renderPlan(plan)) ctx.out.info(line);
      return input.confirmed ? true : confirmOnTerminal(ctx, plan);
    },
    ...(mrs3 ? { mrs3: mrs3.deps(live) } : {}),
    eagerLogin: true,
  });
  const { result, plan } = await runLink(deps, request).finally(async () => {
    await live?.finish();
    await closeAll(deps.kdcAdmin);
    await Promise.allSettled(Object.values(deps.mrs3?.nodes ?? {}).map((n) => n.close()));
  });
  if (input.dryRun && plan) for (const line of renderPlan(plan)) ctx.out.info(line);
  const journalPath = `${config.stateDir}/journal/${[input.a, input.b].sort().join('+')}.json`;
  const withJournal: LinkResult = { ...result, ...(input.dryRun ? {} : { journal: journalPath }), ...input.extra };
  ctx.out.result(withJournal, () => humanSummary(withJournal));
  return withJournal;
}

export async function run(ctx: CliContext, a: string | undefined, b: string | undefined, flags: LinkFlags): Promise<void> {
  if (a === undefined || b === undefined) {
    // A cluster left out on a terminal: the wizard asks for it (and anything else missing).
    if (!ctx.stdinIsTTY || !ctx.global.input) {
      throw new UsageError('MISSING_ARGUMENT', `link needs two clusters: missing argument <${a === undefined ? 'a' : 'b'}>`, { hint: 'mrs-trust link <a> <b> --yes, or run `mrs-trust wizard` on a terminal' });
    }
    const { linkWithWizard } = await import('./wizard.js');
    await linkWithWizard(ctx, { configPath: ctx.global.config, a, b, ...(flags.dryRun ? { dryRun: true } : {}), ...(flags.skipPrecheck ? { skipPrecheck: true } : {}) }, { restartTimeoutSeconds: parseTimeout(flags.restartTimeout) }, Boolean(flags.sandbox));
    return;
  }
  const clients = await clientOptions(ctx, flags);
  // --sandbox: two simulated clusters for this one run (one unrelated peer seeded, to show it is kept).
  await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: [a, b], seedPeer: true }, (configPath) =>
    executeLink(ctx, {
      configPath,
      a,
      b,
      confirmed: ctx.global.yes,
      dryRun: Boolean(flags.dryRun),
      skipPrecheck: Boolean(flags.skipPrecheck),
      restartTimeoutSeconds: parseTimeout(flags.restartTimeout),
      ...(flags.peerEncodingConfirmed ? { peerEncodingConfirmed: true } : {}),
      clients,
      ...(flags.oneWay ? { oneWay: true } : {}),
      ...(flags.allowDowntime ? { allowDowntime: true } : {}),
    }),
  );
}
