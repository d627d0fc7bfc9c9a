/**
 * Rules about the four cross-realm principals of a trust (`krbtgt/B@A` and `krbtgt/A@B`, each in
 * both KDCs): their names, the password MRS gives them, key parity, and what kadmin prints.
 * Pure: no I/O, no clock.
 */
import { ADMIN_DEFAULT, CROSSREALM_DEFAULT, defaultPasswordOf, versionTuple } from './cross-realm-password.js';

/** The two principal names of a trust between realms `a` and `b` (each exists in both KDCs). */
export function crossRealmPrincipals(a: string, b: string): [string, string] {
  return [`krbtgt/${b}@${a}`, `krbtgt/${a}@${b}`];
}

/**
 * The one password to try as MRS's default for the cross-realm principals (kinit tries it once
 * per KDC): the version's default (domain/cross-realm-password.ts, which knows the 1.8.2–1.9.2
 * range the public pages disagree on); in that range `Admin@123`, an unreadable version
 * `Crossrealm@123`.
 */
export function defaultCrossRealmPassword(version: string): string {
  const d = defaultPasswordOf(version);
  if (d.certain) return d.password;
  return versionTuple(version) ? ADMIN_DEFAULT : CROSSREALM_DEFAULT;
}

/** kadmin printed something other than what was asked for (the adapter turns it into a RemoteError). */
export class KadminOutputError extends Error {}

/** kvno and enctypes of the newest key of one principal in one KDC. */
export interface PrincipalKeys {
  kvno: number;
  enctypes: string[];
}

/**
 * Reads `kadmin getprinc` output: the newest kvno and its enctypes; undefined when the principal
 * does not exist. Throws on anything else (kadmin exits 0 even when its query failed).
 */
export function parseGetprinc(output: string): PrincipalKeys | undefined {
  if (/Principal does not exist/i.test(output)) return undefined;
  const keys = [...output.matchAll(/^Key: vno (\d+), (\S+?)(?::\S+)?\s*$/gm)].map((m) => ({ kvno: Number(m[1]), enctype: m[2] as string }));
  if (!/^Principal: /m.test(output) || keys.length === 0) throw new KadminOutputError(kadminFailure(output) ?? (output.trim().split('\n').pop() ?? 'no output'));
  const kvno = Math.max(...keys.map((k) => k.kvno));
  return { kvno, enctypes: keys.filter((k) => k.kvno === kvno).map((k) => k.enctype).sort() };
}

/** A one-line reason from kadmin's output when a query failed (`<query>: <message> while …`). */
export function kadminFailure(output: string): string | undefined {
  const line = output.split('\n').map((l) => l.trim()).find((l) => /^(kadmin|get_principal|change_password|modify_principal|cpw|modprinc|getprinc): /.test(l) || / while (changing|retrieving|modifying|initializing)/.test(l));
  return line?.replace(/^Password for \S+: /, '').replace(/^(Re-)?[Ee]nter password for principal "[^"]*": /, '');
}

export interface ParityRow {
  principal: string;
  /** Per cluster: its KDC's keys, or undefined when the principal is missing there. */
  keys: Record<string, PrincipalKeys | undefined>;
}

export type ParityProblem = { principal: string; cause: 'missing' | 'kvno-mismatch' | 'enctype-mismatch'; message: string };

/**
 * The four principals must exist in both KDCs with the same kvno and enctypes. A principal
 * missing from both KDCs is no parity problem (there is no trust yet); missing from one is.
 */
export function parityProblems(rows: ParityRow[]): ParityProblem[] {
  const problems: ParityProblem[] = [];
  for (const row of rows) {
    const entries = Object.entries(row.keys);
    const present = entries.filter(([, k]) => k !== undefined) as [string, PrincipalKeys][];
    if (present.length === 0) continue;
    if (present.length < entries.length) {
      const missing = entries.filter(([, k]) => k === undefined).map(([c]) => c);
      problems.push({ principal: row.principal, cause: 'missing', message: `${row.principal} is missing in the KDC of ${missing.join(', ')}` });
      continue;
    }
    const [first, ...rest] = present as [[string, PrincipalKeys], ...[string, PrincipalKeys][]];
    for (const [cluster, keys] of rest) {
      if (keys.kvno !== first[1].kvno) problems.push({ principal: row.principal, cause: 'kvno-mismatch', message: `${row.principal}: kvno ${first[1].kvno} in ${first[0]}, ${keys.kvno} in ${cluster}` });
      else if (keys.enctypes.join(',') !== first[1].enctypes.join(',')) problems.push({ principal: row.principal, cause: 'enctype-mismatch', message: `${row.principal}: enctypes ${first[1].enctypes.join(',')} in ${first[0]}, ${keys.enctypes.join(',')} in ${cluster}` });
    }
  }
  return problems;
}

const SPECIALS = '~!@#$%^&*()-_=+[]{};:,.<>/?|';
const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', SPECIALS];

/**
 * MRS password rules for Kerberos principals (docs/assumptions.md): 8 to 64 characters, with
 * upper case, lower case, digits and special characters; no whitespace (a line on stdin).
 * Returns the reason it fails, or undefined.
 */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8 || password.length > 64) return 'must be 8 to 64 characters long';
  if (/\s/.test(password)) return 'must not contain whitespace';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 4) return 'must contain upper case, lower case, digits and special characters';
  return undefined;
}

/**
 * A strong password from `random` bytes (one byte per character): 24 characters, at least one of
 * each class, so that it passes passwordProblem. The caller supplies crypto-random bytes.
 */
export function passwordFrom(random: Uint8Array): string {
  if (random.length < 28) throw new Error('passwordFrom needs 28 random bytes');
  const all = CLASSES.join('');
  const chars = Array.from(random.slice(0, 24), (b) => all[b % all.length] as string);
  // One of each class at positions chosen by the remaining bytes.
  CLASSES.forEach((set, i) => {
    const at = (random[24 + i] as number) % chars.length;
    chars[at] = set[(random[i] as number) % set.length] as string;
  });
  const text = chars.join('');
  return passwordProblem(text) === undefined ? text : passwordFrom(random.map((b) => (b * 31 + 7) & 0xff));
}
