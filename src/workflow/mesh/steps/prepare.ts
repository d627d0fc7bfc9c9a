import { buildMeshPlan, buildMeshUndoPlan, meshChangesAnything, meshLimitProblems } from '../../../domain/mesh-plan.js';
import { linkPreflight, unlinkPreflight, type Problem } from '../../../domain/preflight.js';
import { CheckError, InterruptedError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { discoverOne, type DiscoverContext } from '../../link/steps/discover.js';
import { pendingRestartOne } from '../../link/steps/pending-restart.js';
import { live, type MeshRequest, type MeshState } from '../context.js';

/** What reading every cluster needs: `mesh status` runs it without a journal or a plan. */
export type DiscoverAll = DiscoverContext & Pick<MeshState, 'limit' | 'failed'> & { request: Pick<MeshRequest, 'clusters'> };

/** Every cluster of the topology, read in parallel (bounded by --parallel). The link step's logic. */
export const discover: Step<DiscoverAll> = {
  ...discoverOne,
  scopes: live,
  run: (s, scope) => s.limit(() => discoverOne.run(s, scope)),
};

/** link's check, on every cluster still in the run. */
export const checkPendingRestart: Step<MeshState> = { ...pendingRestartOne, scopes: live };

function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.code}|${p.message}`) && Boolean(seen.add(`${p.code}|${p.message}`)));
}

/**
 * link's rules for every pair (realms valid and different, Kerberos, health, overlap, version),
 * with the limit counted on each cluster's whole merged list instead of one added peer.
 * Rollback only removes or restores rows: version support only, as for unlink.
 */
export const preflight: Step<MeshState> = {
  id: 'preflight',
  title: 'Check realms, Kerberos mode, health, overlap and every cluster\'s peer limit',
  readOnly: true,
  async run(s) {
    const pairs = s.request.pairs.map(([a, b]) => [s.facts[a], s.facts[b]] as const).filter((p) => p[0] && p[1]);
    const rule = s.request.action === 'rollback' ? unlinkPreflight : linkPreflight;
    const problems = unique(pairs.flatMap(([a, b]) => rule(a!, b!)).filter((p) => p.code !== 'PEER_LIMIT'));
    if (problems.length > 0) {
      throw new CheckError('PREFLIGHT_FAILED', `preflight refused the mesh: ${problems.map((p) => p.message).join('; ')}`, {
        hint: 'fix the listed problems on the clusters, then run again; nothing was written',
        details: { problems },
      });
    }
    return { message: `${pairs.length} pair${pairs.length === 1 ? '' : 's'} pass` };
  },
};

/** Each cluster's whole target peer_realms (or the undo of the last apply); the limit before any write. */
export const plan: Step<MeshState> = {
  id: 'plan',
  title: 'Compute each cluster\'s target peer_realms',
  readOnly: true,
  async run(s) {
    const clientHosts = Object.fromEntries(Object.values(s.deps.clusters).map((c) => [c.name, c.clientHosts]));
    const computed = s.request.undo ? buildMeshUndoPlan(s.facts, s.request.undo, s.request.pairs) : buildMeshPlan(s.facts, s.request.pairs, { prune: s.request.prune, clientHosts });
    const over = meshLimitProblems(computed);
    if (over.length > 0) {
      throw new CheckError('PEER_LIMIT', `the mesh exceeds the peer limit on ${over.length} cluster${over.length === 1 ? '' : 's'}: ${over.map((p) => p.message).join('; ')}; nothing was written`, {
        hint: 'use a hub or explicit pairs in the topology, or set clusters.<name>.peerLimit where the MRS version allows more',
        details: { problems: over },
      });
    }
    // A restart an earlier run left pending is part of this plan (and needs the confirmation).
    for (const side of computed.sides) {
      if (side.changes.length > 0) s.restartPending.add(side.cluster);
      if (s.restartPending.has(side.cluster) && side.restart.length === 0) side.restart = ['KrbServer'];
    }
    s.plan = computed;
    await s.journal.update((doc) => {
      doc.meshPlan = computed;
    });
    const changed = computed.sides.filter((x) => x.changes.length > 0);
    if (changed.length === 0 && s.restartPending.size === 0) return { message: 'nothing to change: every cluster is already as planned' };
    return { message: `${changed.length} of ${computed.sides.length} clusters change (${changed.reduce((n, x) => n + x.changes.length, 0)} rows); ${computed.sides.filter((x) => x.restart.length > 0).length} restart once each` };
  },
};

/** One confirmation for the whole mesh (typed on a terminal, or --yes). */
export const confirm: Step<MeshState> = {
  id: 'confirm',
  title: 'Confirm the plan',
  readOnly: true,
  skip(s) {
    if (!s.plan || (!meshChangesAnything(s.plan) && s.restartPending.size === 0)) return 'nothing to change';
    if (s.request.dryRun) return 'dry run';
    return undefined;
  },
  async run(s) {
    if (!(await s.deps.confirm(s.plan as NonNullable<MeshState['plan']>))) throw new InterruptedError('cancelled at the confirmation; nothing was written');
    return { message: 'confirmed' };
  },
};
