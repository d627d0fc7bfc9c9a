import type { Mrs3Role } from '../../domain/mrs3/procedure.js';
import { procedureOf } from '../../domain/mrs3/procedure.js';
import type { SidePlan } from '../../domain/plan.js';
import type { LinkDeps, LinkRequest, LinkState } from '../link/context.js';

/**
 * Which sides follow the 3.x procedure, decided from clusters.yaml `mrsVersion` (the Manager
 * profile — Basic auth or CAS — is chosen from it too, before any call), and their role: both
 * ways, or with `--one-way` the local side `a` (its users use `b`) and the accessed side `b`.
 */
export function mrs3Roles(deps: Pick<LinkDeps, 'clusters'>, request: Pick<LinkRequest, 'a' | 'b' | 'oneWay' | 'action'>): Record<string, Mrs3Role> {
  if (request.action !== 'link') return {};
  const roles: Record<string, Mrs3Role> = {};
  for (const name of [request.a, request.b]) {
    if (procedureOf(deps.clusters[name]?.mrsVersion) !== '3.x') continue;
    roles[name] = !request.oneWay ? 'two-way' : name === request.a ? 'one-way-local' : 'one-way-peer';
  }
  return roles;
}

/** Whether the run follows the 3.x workflow (link3/steps.ts): a link with a 3.x side. */
export const usesMrs3 = (deps: Pick<LinkDeps, 'clusters'>, request: Pick<LinkRequest, 'a' | 'b' | 'oneWay' | 'action'>): boolean => Object.keys(mrs3Roles(deps, request)).length > 0;

export function sidePlan(s: LinkState, name: string): SidePlan {
  const side = s.plan?.sides.find((x) => x.cluster === name);
  if (!side) throw new Error(`no plan for ${name}`);
  return side;
}

/** The 3.x sides of the plan, in the order of the command line. */
export const mrs3Sides = (s: LinkState): string[] => (s.plan?.sides ?? []).filter((x) => x.mrs3).map((x) => x.cluster);

const writes = (kind: string) => kind === 'added' || kind === 'updated';

/** The 3.x sides whose row must be added or changed: the only ones with console steps (a second link shows none). */
export const mrs3Changing = (s: LinkState): string[] => (s.plan?.sides ?? []).filter((x) => x.mrs3 && writes(x.change.kind)).map((x) => x.cluster);

/** Why a side has nothing to do in a 3.x step (a 2.x side, or a 3.x side that already lists the peer); undefined = it has. */
export function notOnThisSide(s: LinkState, name: string): string | undefined {
  if (!mrs3Sides(s).includes(name)) return 'MRS 2.x side: its own procedure';
  return mrs3Changing(s).includes(name) ? undefined : 'MRS 3.x side already lists the peer: nothing to do in the console';
}

/** The 2.x sides: they keep link's own write, restart and verify steps. */
export const mrs2Sides = (s: LinkState): string[] => [s.request.a, s.request.b].filter((n) => !s.plan?.sides.find((x) => x.cluster === n)?.mrs3);

export const roleOf = (s: LinkState, name: string): Mrs3Role => sidePlan(s, name).mrs3?.role ?? 'two-way';

/** The exact command that continues the run (named in every stop for a console step). */
export function resumeCommand(s: LinkState): string {
  return s.deps.mrs3?.resumeCommand ?? `mrs-trust resume ${s.request.a} ${s.request.b} --yes`;
}
