import { fail, ok, type Result } from './result.js';

/**
 * MRS realm names: uppercase letters, digits, `.` and `_`, starting with a letter or digit
 * (MRS "Configuring Cross-Cluster Mutual Trust Relationships"). No upper length bound is
 * documented; 255 is the Kerberos principal component limit we assume (docs/assumptions.md).
 */
const REALM = /^[A-Z0-9][A-Z0-9._]*$/;
export const MAX_REALM_LENGTH = 255;

export function checkRealm(name: string): Result<string> {
  if (name.length === 0) return fail('realm is empty');
  if (name.length > MAX_REALM_LENGTH) return fail(`realm is longer than ${MAX_REALM_LENGTH} characters`);
  if (/[a-z]/.test(name)) return fail(`realm "${name}": lowercase letters are not allowed (realms are upper case, e.g. "${name.toUpperCase()}")`);
  if (!/^[A-Z0-9]/.test(name)) return fail(`realm "${name}" must start with an uppercase letter or a digit`);
  const bad = [...name].find((c) => !/[A-Z0-9._]/.test(c));
  if (bad !== undefined) {
    return fail(`realm "${name}": character "${bad}" is not allowed (use A-Z, 0-9, "." and "_")`);
  }
  return REALM.test(name) ? ok(name) : fail(`realm "${name}" is not valid`);
}

/** The two sides of a trust must have different realms. */
export function checkRealmPair(a: string, b: string): Result<[string, string]> {
  const ra = checkRealm(a);
  if (!ra.ok) return fail(ra.reason);
  const rb = checkRealm(b);
  if (!rb.ok) return fail(rb.reason);
  if (a === b) return fail(`both clusters use realm "${a}"; cross-realm trust needs different realms`);
  return ok([a, b]);
}
