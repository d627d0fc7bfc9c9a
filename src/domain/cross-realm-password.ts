/**
 * The default password MRS gives the cross-realm principals (`krbtgt/B@A`, `krbtgt/A@B`) when
 * a peer realm is saved. The MRS mutual-trust pages say `Crossrealm@123` from MRS 1.9.2 and
 * `Admin@123` before; another public page puts the change at 1.8.2. Both sides of a trust must
 * hold the same password, so two clusters on either side of the change cannot trust each other
 * until one side's principals get the other's password. Between 1.8.2 and 1.9.2 the default is
 * not known: "check". Pure; importable by any check (precheck, verify).
 */

export const ADMIN_DEFAULT = 'Admin@123';
export const CROSSREALM_DEFAULT = 'Crossrealm@123';

/** The first version the pages disagree about, and the first both agree on. */
export const CHANGE_FROM = [1, 8, 2] as const;
export const CHANGE_BY = [1, 9, 2] as const;

export type DefaultPassword =
  | { certain: true; password: typeof ADMIN_DEFAULT | typeof CROSSREALM_DEFAULT; why: string }
  | { certain: false; candidates: [typeof ADMIN_DEFAULT, typeof CROSSREALM_DEFAULT]; why: string };

/**
 * `MRS 1.9.2`, `1.8.10`, `3.1.5-LTS.1` → [1, 9, 2]; `2.x` (a version discovery could only place
 * in its major line) → [2, 0, 0]; undefined when unreadable (also `1.x`: the change is inside 1.x).
 */
export function versionTuple(version: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const line = /(\d+)\.x\b/.exec(version);
  return line && Number(line[1]) >= 2 ? [Number(line[1]), 0, 0] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

const show = (v: readonly number[]) => v.join('.');

/** The default cross-realm password of an MRS version, or the two candidates when unsure. */
export function defaultPasswordOf(version: string): DefaultPassword {
  const v = versionTuple(version);
  if (!v) return { certain: false, candidates: [ADMIN_DEFAULT, CROSSREALM_DEFAULT], why: `version "${version}" is not readable` };
  if (compare(v, CHANGE_FROM) < 0) return { certain: true, password: ADMIN_DEFAULT, why: `MRS ${show(v)} is before ${show(CHANGE_FROM)}` };
  if (compare(v, CHANGE_BY) >= 0) return { certain: true, password: CROSSREALM_DEFAULT, why: `MRS ${show(v)} is ${show(CHANGE_BY)} or later` };
  return { certain: false, candidates: [ADMIN_DEFAULT, CROSSREALM_DEFAULT], why: `MRS ${show(v)} is between ${show(CHANGE_FROM)} and ${show(CHANGE_BY)}, where the public pages disagree` };
}

/**
 * Whether two versions give the cross-realm principals the same default password:
 * `same` (both certain and equal), `different` (both certain, unequal), `check` (one is unsure).
 */
export function compareDefaults(a: string, b: string): { verdict: 'same' | 'different' | 'check'; a: DefaultPassword; b: DefaultPassword } {
  const da = defaultPasswordOf(a);
  const db = defaultPasswordOf(b);
  if (!da.certain || !db.certain) return { verdict: 'check', a: da, b: db };
  return { verdict: da.password === db.password ? 'same' : 'different', a: da, b: db };
}
