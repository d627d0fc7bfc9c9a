import { describe, expect, it } from 'vitest';
import { checkRealm, checkRealmPair } from '../../src/domain/realm.js';

describe('realm names', () => {
  it.each(['HADOOP.COM', 'ALPHA.MRS', 'A', '9REALM', 'MY_REALM.X1', 'A.B.C.D'])('accepts %s', (name) => {
    expect(checkRealm(name)).toEqual({ ok: true, value: name });
  });
  it.each([
    ['', /empty/],
    ['hadoop.com', /lowercase/],
    ['Hadoop.COM', /lowercase/],
    ['.HADOOP', /must start/],
    ['_HADOOP', /must start/],
    ['HADOOP COM', /character " "/],
    ['HADOOP-COM', /character "-"/],
    ['HADOOP@COM', /character "@"/],
    ['A'.repeat(256), /longer than 255/],
  ])('rejects %j', (name, reason) => {
    const result = checkRealm(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
  it('requires two different realms', () => {
    expect(checkRealmPair('A.MRS', 'B.MRS').ok).toBe(true);
    expect(checkRealmPair('A.MRS', 'A.MRS')).toMatchObject({ ok: false, reason: expect.stringMatching(/both clusters use realm "A.MRS"/) });
    expect(checkRealmPair('a', 'B').ok).toBe(false);
  });
});
