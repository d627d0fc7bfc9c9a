import { planChangesAnything } from '../../../domain/plan.js';
import { encodingProblems } from '../../../domain/preflight.js';
import type { SidePlan } from '../../../domain/plan.js';
import { CheckError, InterruptedError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import type { LinkState } from '../context.js';
import { planOf } from '../plan-source.js';
import { procedureOf } from '../../../domain/mrs3/procedure.js';

/** PEER_ENCODING_UNCONFIRMED (exit 3) before the confirmation; a dry run only warns. */
function refuseBlindFirstWrite(s: LinkState, sides: readonly SidePlan[]): void {
  const problems = encodingProblems(sides, (name) => Boolean(s.request.peerEncodingConfirmed || s.deps.clusters[name]?.peerEncodingConfirmed));
  if (problems.length === 0) return;
  const names = problems.map((p) => p.cluster as string);
  if (s.request.dryRun) {
    for (const p of problems) s.deps.events.emit({ type: 'warning', scope: p.cluster, message: `${p.message} (a real run refuses: PEER_ENCODING_UNCONFIRMED)` });
    return;
  }
  throw new CheckError('PEER_ENCODING_UNCONFIRMED', `${problems.map((p) => p.message).join('; ')}; nothing was written`, {
    hint: `confirm the encoding: add one peer to ${names.join(' and ')} in the Manager UI (KrbServer > Configuration > peer_realms), run \`mrs-trust status ${names.join(' ')}\` to see it read back, then run again; or set clusters.${names[0]}.manager.peerRealmsEncoding: confirmed, or pass --peer-encoding-confirmed`,
    details: { problems },
  });
}

/**
 * The procedure is chosen from clusters.yaml `mrsVersion` (before any call: the 3.x Manager
 * login and the downtime flag depend on it). A side discovered as 3.x without it is refused
 * before any write rather than written the 2.x way.
 */
function refuseUnconfigured3x(s: LinkState): void {
  if (s.request.action !== 'link') return;
  for (const name of [s.request.a, s.request.b]) {
    const found = s.facts[name]?.mrsVersion;
    if (procedureOf(found) === '3.x' && procedureOf(s.deps.clusters[name]?.mrsVersion) !== '3.x') {
      throw new CheckError('MRS3_NOT_CONFIGURED', `${name} reports MRS ${found ?? '?'}, but clusters.yaml does not say 3.x; nothing was written`, {
        hint: `set clusters.${name}.mrsVersion: "${found ?? '3.x'}" so link follows the 3.x procedure (docs/mrs3.md)`,
      });
    }
  }
}

/** Computes the one plan for both sides (shown with the confirmation, and in --dry-run). */
export const plan: Step<LinkState> = {
  id: 'plan',
  title: 'Compute the plan for both clusters',
  readOnly: true,
  async run(s) {
    refuseUnconfigured3x(s);
    const computed = planOf(s);
    s.plan = computed;
    for (const side of computed.sides) if (side.restart.length > 0) s.restartPending.add(side.cluster);
    await s.journal.update((doc) => {
      doc.plan = computed;
    });
    if (!planChangesAnything(computed)) return { message: 'nothing to change: both sides are already as planned' };
    // A 3.x side is written by a person in the console, not through the guessed encoding.
    refuseBlindFirstWrite(s, computed.sides.filter((side) => !side.mrs3));
    const counts = computed.sides.map((side) => `${side.cluster}: ${side.change.kind} ${side.change.realm}${side.restartPendingBefore ? ' (restart pending)' : ''}`);
    return { message: counts.join(', ') };
  },
};

/** Asks before any write (typed `A-B` on a terminal, or --yes). Its own step, so a live task list can pause for the question. */
export const confirm: Step<LinkState> = {
  id: 'confirm',
  title: 'Confirm the plan',
  readOnly: true,
  skip(s) {
    if (!s.plan || !planChangesAnything(s.plan)) return 'nothing to change';
    if (s.request.dryRun) return 'dry run';
    return undefined;
  },
  async run(s) {
    const yes = await s.deps.confirm(s.plan as NonNullable<typeof s.plan>);
    if (!yes) throw new InterruptedError('cancelled at the confirmation; nothing was written');
    return { message: 'confirmed' };
  },
};
