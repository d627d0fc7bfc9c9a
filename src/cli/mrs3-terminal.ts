import type { ClusterConfig } from '../config/load.js';
import { procedureOf, supportsOneWay } from '../domain/mrs3/procedure.js';
import { shellQuote } from '../domain/shell.js';
import { UsageError } from '../errors/index.js';
import type { LinkRequest, Mrs3Deps } from '../workflow/link/context.js';
import { mrs3Roles } from '../workflow/link3/roles.js';
import { DONE_IN_RESUMED_RUN } from '../workflow/engine.js';
import type { CliContext } from './context.js';
import { linkCluster } from './link-wiring.js';
import type { LinkInput } from './commands/link.js';

/** The word typed to confirm the downtime on a terminal (separate from the typed `A-B` of the plan). */
export const DOWNTIME_WORD = 'downtime';

function checkOneWay(input: LinkInput, clusters: ClusterConfig[]): void {
  if (!input.oneWay) return;
  if ((input.action ?? 'link') !== 'link') throw new UsageError('BAD_FLAG', '--one-way applies to link only', { hint: 'leave out --one-way' });
  for (const c of clusters) {
    if (procedureOf(c.mrsVersion) !== '3.x' || (c.mrsVersion && !supportsOneWay(c.mrsVersion))) {
      throw new UsageError('BAD_FLAG', `--one-way needs MRS 3.6.0 or later on both clusters; clusters.${c.name}.mrsVersion is ${c.mrsVersion ?? 'not set'}`, {
        hint: `leave out --one-way for a two-way trust, or set clusters.${c.name}.mrsVersion to the cluster's 3.6.0+ version`,
      });
    }
  }
}

/**
 * Downtime must be confirmed before anything happens (exit 2 here, before any call): the flag
 * without a terminal; on a terminal it is typed later (confirm-downtime). A resumed run whose
 * downtime was confirmed already needs neither.
 */
function checkDowntimeFor(ctx: CliContext, input: LinkInput, request: LinkRequest, names: string[]): void {
  if (input.dryRun || input.allowDowntime) return;
  if (input.resume?.steps.some((st) => st.id === 'confirm-downtime' && (st.status === 'done' || st.message === DONE_IN_RESUMED_RUN))) return;
  if (ctx.stdinIsTTY && ctx.global.input) return;
  throw new UsageError('DOWNTIME_NOT_CONFIRMED', `link ${request.a} ${request.b} follows the MRS 3.x procedure, which interrupts service on ${names.join(' and ')}; without a terminal that needs --allow-downtime (separate from --yes); nothing was done`, {
    hint: 'pass --allow-downtime to confirm the downtime, or run on a terminal to type the confirmation',
  });
}

/**
 * The terminal side of the 3.x procedure for `link`/`resume`: flag checks before any call, and
 * the ports the workflow talks to — checklists printed on stderr, "done?" and the typed downtime
 * confirmation on a terminal, the exact `resume` command. Undefined for a 2.x pair.
 */
export function mrs3Cli(ctx: CliContext, input: LinkInput, request: LinkRequest, clusters: ClusterConfig[]): { deps(live?: { idle(): Promise<void> }): Omit<Mrs3Deps, 'nodes'> } | undefined {
  checkOneWay(input, clusters);
  const roles = mrs3Roles({ clusters: Object.fromEntries(clusters.map((c) => [c.name, linkCluster(c)])) }, request);
  if (Object.keys(roles).length === 0) return undefined;
  if (Object.values(roles).some((r) => r !== 'one-way-peer')) checkDowntimeFor(ctx, input, request, Object.entries(roles).filter(([, r]) => r !== 'one-way-peer').map(([n]) => n));
  const terminal = ctx.stdinIsTTY && ctx.global.input;
  const resumeCommand = `mrs-trust resume ${request.a} ${request.b} --yes --config ${shellQuote(input.configPath)}`;
  return {
    deps: (live) => ({
      resumeCommand,
      manual: {
        async show(_checklist, lines) {
          await live?.idle();
          for (const line of lines) ctx.out.info(line);
        },
        ...(terminal
          ? {
              ask: async (checklist) => {
                const prompter = await ctx.adapters.prompter();
                return prompter.confirm({ message: `${checklist.cluster}: done?`, default: false });
              },
            }
          : {}),
      },
      ...(terminal
        ? {
            confirmDowntime: async (lines: string[]) => {
              await live?.idle();
              for (const line of lines) ctx.out.info(`downtime: ${line}`);
              const prompter = await ctx.adapters.prompter();
              const typed = await prompter.input({ message: `The MRS 3.x procedure interrupts service (above). Type ${DOWNTIME_WORD} to continue (anything else cancels):` });
              return typed.trim() === DOWNTIME_WORD;
            },
          }
        : {}),
    }),
  };
}
