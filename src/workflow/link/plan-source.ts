import { owedPeerChanges } from '../../domain/journal.js';
import { findPeer, rowAfter, sameEntry, type PeerChange } from '../../domain/peers.js';
import { buildLinkPlan, buildRollbackPlan, buildUnlinkPlan, KRB_SERVICE, type Plan, type PlanExtras, type SidePlan } from '../../domain/plan.js';
import type { ClusterFacts } from '../../domain/facts.js';
import { CheckError, UsageError } from '../../errors/index.js';
import { assertCanRemoveRules, owedRules } from '../rollback/remove-rules.js';
import type { LinkState } from './context.js';
import { mrs3Roles } from '../link3/roles.js';

function extrasOf(s: LinkState): PlanExtras {
  const clientHosts = Object.fromEntries(Object.values(s.deps.clusters).map((c) => [c.name, c.clientHosts]));
  const roles = mrs3Roles(s.deps, s.request);
  return { clientHosts, restartPending: [...s.restartPending], ...(Object.keys(roles).length > 0 ? { mrs3Roles: roles } : {}) };
}

/** The rollback plan: the journal's owed changes undone against what discovery read now. */
function rollbackPlan(s: LinkState, a: ClusterFacts, b: ClusterFacts): Plan {
  assertCanRemoveRules(s);
  const owed: Record<string, PeerChange | undefined> = {};
  for (const undo of owedPeerChanges(s.journal.snapshot)) if (!owed[undo.cluster]) owed[undo.cluster] = undo.change;
  return buildRollbackPlan(a, b, owed, { ...extrasOf(s), removeRules: owedRules(s) });
}

/** Whether the side already shows the planned row (or its absence): the write's effect is present. */
function effectPresent(side: SidePlan, now: ClusterFacts): boolean {
  const want = rowAfter(side.change);
  const found = findPeer(now.peers, side.change.realm);
  return want === undefined ? found === undefined : found !== undefined && sameEntry(found, want);
}

const writes = (side: SidePlan) => side.change.kind === 'added' || side.change.kind === 'updated' || side.change.kind === 'removed';

function stale(s: LinkState, side: SidePlan, now: ClusterFacts, how: 'apply' | 'resume'): CheckError {
  const pair = `${s.request.a} ${s.request.b}`;
  const what = how === 'apply' ? 'the plan was made' : 'the interrupted run read it';
  return new CheckError('PLAN_STALE', `${side.cluster}: the KrbServer configuration changed since ${what} (config version ${side.configVersion} → ${now.configVersion}); nothing was written`, {
    hint: how === 'apply' ? `make a new plan: \`mrs-trust plan ${pair} --out FILE\`, review it, then apply it` : `someone else changed the cluster: run \`mrs-trust ${s.request.action} ${pair}\` again to plan from the new state`,
  });
}

/**
 * A saved plan (`apply`) or the interrupted run's plan (`resume`), checked against what was read
 * now. `apply` is strict: any moved config version refuses before any write. `resume` skips a
 * side whose write already took effect and refuses only a side that moved otherwise.
 */
function givenPlan(s: LinkState, given: Plan, how: 'apply' | 'resume'): Plan {
  const sides = given.sides.map((side): SidePlan => {
    const now = s.facts[side.cluster] as ClusterFacts;
    if (now.realm !== side.realm) {
      throw new UsageError('PLAN_MISMATCH', `${side.cluster}: the plan was made for realm ${side.realm}, the cluster now reports ${now.realm}; nothing was written`, { hint: 'the plan is for other clusters: make a new one with `mrs-trust plan`' });
    }
    // A 3.x side is changed by a person in the console between runs: its version moves by design,
    // and the journal's checklist records (not the rows read now) say how far it got; the
    // console check (apply-realm-config) proves the row.
    if (side.mrs3 && how === 'resume') return { ...side };
    const restart = s.restartPending.has(side.cluster) || (writes(side) && !(how === 'resume' && effectPresent(side, now))) ? [KRB_SERVICE] : [];
    if (how === 'resume' && writes(side) && effectPresent(side, now)) {
      const entry = findPeer(now.peers, side.change.realm);
      const change: PeerChange = entry ? { kind: 'unchanged', realm: side.change.realm, entry } : { kind: 'absent', realm: side.change.realm };
      return { ...side, configVersion: now.configVersion, peersBefore: now.peers, peersAfter: now.peers, change, restart };
    }
    if (now.configVersion !== side.configVersion && (how === 'apply' || writes(side))) throw stale(s, side, now, how);
    return { ...side, restart };
  });
  return { ...given, sides: [sides[0] as SidePlan, sides[1] as SidePlan] };
}

/** The plan of this run: computed from the facts, or given (apply, resume) and checked against them. */
export function planOf(s: LinkState): Plan {
  const a = s.facts[s.request.a];
  const b = s.facts[s.request.b];
  if (!a || !b) throw new Error('plan before discover');
  if (s.request.plan) return givenPlan(s, s.request.plan, s.request.resume ? 'resume' : 'apply');
  if (s.request.action === 'rollback') return rollbackPlan(s, a, b);
  const build = s.request.action === 'link' ? buildLinkPlan : buildUnlinkPlan;
  return build(a, b, extrasOf(s));
}
