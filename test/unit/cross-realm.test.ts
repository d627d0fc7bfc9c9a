import { describe, expect, it } from 'vitest';
import { crossRealmPrincipals, defaultCrossRealmPassword, kadminFailure, parityProblems, parseGetprinc, passwordFrom, passwordProblem } from '../../src/domain/cross-realm.js';
import { unfinishedKeys } from '../../src/workflow/rotate/run.js';
import type { JournalDoc } from '../../src/domain/journal.js';

// What MIT kadmin 1.20 prints (recorded from the sandbox KDC).
const GETPRINC = `Authenticating as principal kadmin/admin@A.MRS with password.
Password for kadmin/admin@A.MRS: 
Principal: krbtgt/B.MRS@A.MRS
Expiration date: [never]
Number of keys: 4
Key: vno 2, aes256-cts-hmac-sha1-96
Key: vno 2, aes128-cts-hmac-sha1-96
Key: vno 1, aes256-cts-hmac-sha1-96
Key: vno 1, aes128-cts-hmac-sha1-96
MKey: vno 1
Attributes:
Policy: [none]
`;

describe('cross-realm rules', () => {
  it('names the two principals of a trust', () => {
    expect(crossRealmPrincipals('A.MRS', 'B.MRS')).toEqual(['krbtgt/B.MRS@A.MRS', 'krbtgt/A.MRS@B.MRS']);
  });

  it.each([
    ['MRS 2.1.0', 'Crossrealm@123'],
    ['1.9.2', 'Crossrealm@123'],
    ['3.1.5-LTS.1', 'Crossrealm@123'],
    ['1.9.0', 'Admin@123'],
    ['1.8.10', 'Admin@123'],
    ['unknown', 'Crossrealm@123'],
  ])('default password of %s is %s', (version, password) => {
    expect(defaultCrossRealmPassword(version)).toBe(password);
  });

  it('reads the newest kvno and its enctypes from getprinc; a missing principal is undefined; other output throws', () => {
    expect(parseGetprinc(GETPRINC)).toEqual({ kvno: 2, enctypes: ['aes128-cts-hmac-sha1-96', 'aes256-cts-hmac-sha1-96'] });
    expect(parseGetprinc('get_principal: Principal does not exist while retrieving "krbtgt/B.MRS@A.MRS".')).toBeUndefined();
    expect(() => parseGetprinc('kadmin: Cannot contact any KDC for requested realm while initializing kadmin interface')).toThrow(/Cannot contact any KDC/);
  });

  it('names the reason a kadmin query failed', () => {
    expect(kadminFailure('Password for kadmin/admin@B.MRS: \nEnter password for principal "krbtgt/A.MRS@B.MRS": \nRe-enter password for principal "krbtgt/A.MRS@B.MRS": change_password: Password is too short while changing password for "krbtgt/A.MRS@B.MRS".')).toBe('change_password: Password is too short while changing password for "krbtgt/A.MRS@B.MRS".');
  });

  it('parity: kvno and enctype mismatches, one-sided principals; absent on both sides is fine', () => {
    const k = (kvno: number, enctypes = ['aes256-cts-hmac-sha1-96']) => ({ kvno, enctypes });
    expect(parityProblems([{ principal: 'p', keys: { a: k(1), b: k(1) } }])).toEqual([]);
    expect(parityProblems([{ principal: 'p', keys: { a: undefined, b: undefined } }])).toEqual([]);
    expect(parityProblems([{ principal: 'p', keys: { a: k(1), b: k(5) } }])).toEqual([{ principal: 'p', cause: 'kvno-mismatch', message: 'p: kvno 1 in a, 5 in b' }]);
    expect(parityProblems([{ principal: 'p', keys: { a: k(1), b: k(1, ['aes128-cts-hmac-sha1-96']) } }])[0]?.cause).toBe('enctype-mismatch');
    expect(parityProblems([{ principal: 'p', keys: { a: k(1), b: undefined } }])[0]).toMatchObject({ cause: 'missing', message: 'p is missing in the KDC of b' });
  });

  it('passwords: MRS rules; generated ones always pass them and differ', () => {
    expect(passwordProblem('short@1A')).toBeUndefined();
    expect(passwordProblem('Sh@1')).toMatch(/8 to 64/);
    expect(passwordProblem('alllowercase123!')).toMatch(/upper case/);
    expect(passwordProblem('With Space@123')).toMatch(/whitespace/);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const bytes = Uint8Array.from({ length: 28 }, (_, j) => (i * 37 + j * 11 + ((i * j) % 7)) & 0xff);
      const pw = passwordFrom(bytes);
      expect(passwordProblem(pw)).toBeUndefined();
      expect(pw).toHaveLength(24);
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });

  it('an unfinished rotation: changed keys not restored are resumed; a finished one leaves nothing', () => {
    const doc = (status: JournalDoc['status']): JournalDoc => ({
      version: 1, runId: 'r', action: 'rotate', clusters: ['a', 'b'], pid: 1, startedAt: '', updatedAt: '', status, dryRun: false, restartPending: [],
      steps: [
        { id: 'change-key', scope: 'b:krbtgt/B@A', status: 'done', startedAt: '', undo: { kind: 'principal-key', cluster: 'b', principal: 'krbtgt/B@A', kvnoBefore: 3 } },
        { id: 'change-key', scope: 'a:krbtgt/B@A', status: 'done', startedAt: '', undo: { kind: 'principal-key', cluster: 'a', principal: 'krbtgt/B@A', kvnoBefore: 3 } },
        { id: 'restore-key', scope: 'a:krbtgt/B@A', status: 'done', startedAt: '' },
      ],
    });
    expect(unfinishedKeys(doc('interrupted'))).toEqual({ 'b:krbtgt/B@A': 3 });
    expect(unfinishedKeys(doc('done'))).toEqual({});
    expect(unfinishedKeys(undefined)).toEqual({});
  });
});

describe('wizard: what a configuration cannot prove', () => {
  it('names each missing part per cluster, and nothing when all is there', async () => {
    const { proofGaps } = await import('../../src/wizard/proof.js');
    const full = { verify: {}, clients: [{}], kerberos: { admin: {} } };
    expect(proofGaps(['a', 'b'], { a: full, b: full })).toEqual([]);
    const gaps = proofGaps(['a', 'b'], { a: full, b: { clients: [] } });
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toContain('clusters.b.verify is not set: link and verify cannot prove the trust');
    expect(gaps[1]).toContain('clusters.b.clients is empty');
    expect(gaps[2]).toContain('clusters.b.kerberos.admin is not set');
  });
});
