import type { LoadedConfig } from '../../config/load.js';
import { clusterByName, loadConfig } from '../../config/load.js';
import { checkTopologyNames, readTopology } from '../../config/topology.js';
import type { Topology } from '../../domain/topology.js';
import type { MeshPlan } from '../../domain/mesh-plan.js';
import { pairsOf } from '../../domain/topology.js';
import { UsageError } from '../../errors/index.js';
import type { MeshDeps, MeshRequest } from '../../workflow/mesh/context.js';
import { meshClientRefresher } from '../../workflow/mesh/clients.js';
import type { MeshResult } from '../../workflow/mesh/result.js';
import { meshStatus, runMesh, undoOwed } from '../../workflow/mesh/run.js';
import type { CliContext } from '../context.js';
import { buildLinkDeps } from '../link-wiring.js';
import { clientRefreshDeps } from './clients-refresh.js';
import { parseTimeout } from './link.js';
import { humanMesh, renderMeshPlan } from './mesh-render.js';
import { withSandbox } from '../with-sandbox.js';

export interface MeshFlags {
  prune?: boolean;
  parallel?: string;
  restartTimeout?: string;
  dryRun?: boolean;
  sandbox?: boolean;
}

type Verb = 'plan' | 'apply' | 'status' | 'resume' | 'rollback';
const VERBS: readonly Verb[] = ['plan', 'apply', 'status', 'resume', 'rollback'];

function parseParallel(text: string | undefined): number {
  if (text === undefined) return 8;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64) throw new UsageError('BAD_FLAG', `--parallel: "${text}" is not a number from 1 to 64`);
  return Number(text);
}

/** Typed confirmation on a terminal: the user types `mesh` followed by the cluster count. */
async function confirmOnTerminal(ctx: CliContext, plan: MeshPlan): Promise<boolean> {
  const restarts = plan.sides.filter((s) => s.restart.length > 0).length;
  const expected = `mesh-${plan.clusters.length}`;
  const prompter = await ctx.adapters.prompter();
  const typed = await prompter.input({ message: `This restarts KrbServer once on ${restarts} cluster(s). Type ${expected} to continue (anything else cancels):` });
  return typed.trim() === expected;
}

async function meshDeps(ctx: CliContext, config: LoadedConfig, names: string[], confirmed: boolean): Promise<MeshDeps> {
  const clusters = names.map((n) => clusterByName(config, n));
  const { confirm: _c, precheck: _p, clients: _r, ...link } = await buildLinkDeps(ctx, config, clusters, { action: 'link', events: { emit: (e) => ctx.out.event(e) }, confirm: async () => false });
  const deps: MeshDeps = {
    ...link,
    confirm: async (plan) => {
      for (const line of renderMeshPlan(plan)) ctx.out.info(line);
      return confirmed ? true : confirmOnTerminal(ctx, plan);
    },
  };
  if (clusters.some((c) => (c.clients ?? []).length > 0)) deps.clients = meshClientRefresher(await clientRefreshDeps(ctx, config.stateDir), Object.fromEntries(clusters.map((c) => [c.name, c])), deps.events);
  return deps;
}

function mustConfirmUpFront(ctx: CliContext, verb: Verb, dryRun: boolean): void {
  if (ctx.global.yes || dryRun || verb === 'plan' || verb === 'status') return;
  if (!ctx.stdinIsTTY || !ctx.global.input) {
    throw new UsageError('CONFIRMATION_REQUIRED', `mesh ${verb} writes to the clusters and restarts KrbServer; without a terminal it needs --yes`, { hint: 'pass --yes to confirm, or `mrs-trust mesh plan TOPOLOGY` to see the plan' });
  }
}

async function execute(ctx: CliContext, verb: Verb, file: { topology: Topology; where: string }, flags: MeshFlags, configPath: string): Promise<MeshResult> {
  const config = await loadConfig(configPath);
  const topology = checkTopologyNames(file.topology, file.where, config);
  const clusters = [...topology.clusters].sort();
  const pairs = pairsOf(topology);
  const parallel = parseParallel(flags.parallel);
  const deps = await meshDeps(ctx, config, clusters, ctx.global.yes);
  if (verb === 'status') return meshStatus(deps, { clusters, pairs, parallel });
  const undo = verb === 'rollback' ? await undoOwed(deps, clusters) : undefined;
  const dryRun = verb === 'plan' || Boolean(flags.dryRun);
  const request: MeshRequest = { action: verb === 'plan' ? 'apply' : verb, clusters, pairs, prune: Boolean(flags.prune), dryRun, restartTimeoutMs: parseTimeout(flags.restartTimeout) * 1000, parallel, ...(undo ? { undo } : {}) };
  const result = await runMesh(deps, request);
  return dryRun ? result : { ...result, journal: `${config.stateDir}/journal/${clusters.join('+')}.json` };
}

/** `mesh plan|apply|status|resume|rollback TOPOLOGY`: many clusters, one write and one restart each. */
export async function run(ctx: CliContext, verb: string, topologyPath: string, flags: MeshFlags): Promise<void> {
  if (!VERBS.includes(verb as Verb)) throw new UsageError('BAD_ARGUMENT', `mesh: unknown action "${verb}"`, { hint: `one of: ${VERBS.join(', ')}` });
  const v = verb as Verb;
  mustConfirmUpFront(ctx, v, Boolean(flags.dryRun));
  // Parsed once: `--sandbox` starts the topology's clusters, then the names are checked against its clusters.yaml.
  const file = await readTopology(topologyPath);
  try {
    const result = await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: flags.sandbox ? file.topology.clusters : [], seedPeer: true }, (configPath) => execute(ctx, v, file, flags, configPath));
    ctx.out.result(result, () => humanMesh(result));
  } catch (error) {
    // Exit 5 still prints the per-cluster table (or the one --json document) before the error line.
    const details = (error as { details?: { result?: MeshResult; resultPrinted?: boolean } }).details;
    if (details?.result) {
      const result = details.result;
      ctx.out.result(result, () => humanMesh(result));
      delete details.result;
      details.resultPrinted = true;
    }
    throw error;
  }
}
