import { describe, expect, it } from 'vitest';
import { owedPeerChanges } from '../../src/domain/journal.js';
import { runLink } from '../../src/workflow/link/run.js';
import { rollbackSteps } from '../../src/workflow/rollback/steps.js';
import { linkDeps, request, twoClusters } from '../support/link-deps.js';

const SEEDED = { realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' };
const BETA_ROW = { realm_name: 'BETA.MRS', ip_port: '10.2.0.11:21732,10.2.0.12:21732' };
const statusOf = (steps: { id: string; scope?: string; status: string; message?: string }[], id: string, scope?: string) => steps.find((s) => s.id === id && s.scope === scope);

describe('rollback (fake Managers)', () => {
  it('reads like the checklist and shares the link steps', () => {
    expect(rollbackSteps.map((s) => s.id)).toEqual(['discover', 'check-pending-restart', 'plan', 'confirm', 'check-drift', 'write-peer-realms', 'restart', 'remove-security-group-rules', 'refresh-clients', 'verify']);
  });

  it('link then rollback: both sides exactly as before (seeded peer kept), restarted, and a second rollback does nothing', async () => {
    const m = twoClusters();
    m.alpha.peers = [SEEDED];
    const { deps, journal, asked } = linkDeps(m);
    await runLink(deps, request());
    const result = (await runLink(deps, request({ action: 'rollback' }))).result;
    expect(m.alpha.peers).toEqual([SEEDED]);
    expect(m.beta.peers).toEqual([]);
    expect([m.alpha.restarts, m.beta.restarts]).toEqual([2, 2]);
    expect(result.sides.map((s) => [s.change, s.rollback])).toEqual([['removed', 'undo'], ['removed', 'undo']]);
    expect(asked).toHaveLength(2);
    expect(statusOf(result.steps, 'verify', 'alpha')?.message).toBe('no longer lists BETA.MRS');
    const doc = journal.docs.get('alpha+beta');
    expect(doc?.action).toBe('rollback');
    const again = (await runLink(deps, request({ action: 'rollback' }))).result;
    expect(again.changed).toBe(false);
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([2, 2]);
    expect(asked).toHaveLength(2);
  });

  it('restores a row the link updated, and keeps a row someone else changed since', async () => {
    const m = twoClusters();
    const old = { realm_name: 'BETA.MRS', ip_port: '10.2.0.99:21732' };
    m.alpha.peers = [old, SEEDED];
    const { deps } = linkDeps(m);
    await runLink(deps, request());
    const theirs = { realm_name: 'ALPHA.MRS', ip_port: '10.1.0.77:88' };
    m.beta.peers = [theirs];
    m.beta.configVersion += 1;
    const result = (await runLink(deps, request({ action: 'rollback' }))).result;
    expect(m.alpha.peers).toEqual([old, SEEDED]);
    expect(m.beta.peers).toEqual([theirs]);
    expect(result.sides.map((s) => s.rollback)).toEqual(['undo', 'kept']);
    expect(m.beta.saves).toHaveLength(1); // only the link's save
  });

  it('after a no-op link the first link is still what a rollback undoes; after unlink a rollback re-links', async () => {
    const m = twoClusters();
    const { deps } = linkDeps(m);
    await runLink(deps, request());
    await runLink(deps, request());
    await runLink(deps, request({ action: 'unlink' }));
    await runLink(deps, request({ action: 'rollback' }));
    expect(m.alpha.peers).toEqual([BETA_ROW]);
  });

  it('removes the security-group rules precheck --fix journaled (asks first), and the rules are no longer owed', async () => {
    const m = twoClusters();
    const removed: unknown[] = [];
    const { deps, journal, asked } = linkDeps(m, { removeRules: async (rules) => Object.entries(rules).flatMap(([cluster, ids]) => ids.map((ruleId) => (removed.push(ruleId), { cluster, ruleId }))) });
    journal.docs.set('alpha+beta', {
      version: 1, runId: 'fix', action: 'precheck-fix', clusters: ['alpha', 'beta'], pid: 1, startedAt: 't', updatedAt: 't', status: 'done', dryRun: false, restartPending: [],
      steps: [{ id: 'add-security-group-rules', scope: 'alpha', status: 'done', startedAt: 't', undo: { kind: 'security-group-rules', cluster: 'alpha', ruleIds: ['r1', 'r2'] } }],
    });
    const result = (await runLink(deps, request({ action: 'rollback' }))).result;
    expect(removed).toEqual(['r1', 'r2']);
    expect(asked).toHaveLength(1);
    expect(result.securityGroupRulesRemoved).toEqual([{ cluster: 'alpha', ruleId: 'r1' }, { cluster: 'alpha', ruleId: 'r2' }]);
    await runLink(deps, request({ action: 'rollback' }));
    expect(removed).toHaveLength(2);
  });

  it('refuses before any write when rules are owed but no cloud access is configured', async () => {
    const m = twoClusters();
    const { deps, journal } = linkDeps(m);
    await runLink(deps, request());
    const doc = journal.docs.get('alpha+beta');
    doc?.steps.push({ id: 'add-security-group-rules', scope: 'beta', status: 'done', startedAt: 't', undo: { kind: 'security-group-rules', cluster: 'beta', ruleIds: ['r9'] } });
    await expect(runLink(deps, request({ action: 'rollback' }))).rejects.toMatchObject({ code: 'CLOUD_NOT_CONFIGURED', exitCode: 3 });
    expect(m.alpha.peers).toEqual([BETA_ROW]);
  });
});

describe('an honest dry run', () => {
  it('steps that would write or restart are skipped with "would …"; nothing journaled', async () => {
    const m = twoClusters();
    const { deps, journal } = linkDeps(m);
    const result = (await runLink(deps, request({ dryRun: true }))).result;
    expect(statusOf(result.steps, 'write-peer-realms', 'alpha')).toMatchObject({ status: 'skipped', message: 'would add BETA.MRS' });
    expect(statusOf(result.steps, 'restart', 'beta')).toMatchObject({ status: 'skipped', message: 'would restart KrbServer' });
    expect(result.steps.filter((s) => s.status === 'done').map((s) => s.id)).not.toContain('write-peer-realms');
    expect(journal.writes).toBe(0);
  });
});

describe('a restart left pending by an earlier run', () => {
  it('is part of the plan and needs the confirmation like any other change', async () => {
    const m = twoClusters();
    const { deps, journal, asked } = linkDeps(m);
    await runLink(deps, request());
    const doc = journal.docs.get('alpha+beta');
    if (doc) doc.restartPending = ['beta'];
    const declined = linkDeps(m, { confirm: async () => false, journal });
    await expect(runLink(declined.deps, request())).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(m.beta.restarts).toBe(1);
    const result = (await runLink(deps, request())).result;
    expect(asked).toHaveLength(2);
    const plan = asked[1] as { sides: { cluster: string; restart: string[]; restartPendingBefore?: boolean }[] };
    expect(plan.sides.map((s) => [s.cluster, s.restart, s.restartPendingBefore])).toEqual([['alpha', [], undefined], ['beta', ['KrbServer'], true]]);
    expect(m.beta.restarts).toBe(2);
    expect(result.sides.map((s) => s.restarted)).toEqual([false, true]);
  });
});

describe('apply and resume (a given plan)', () => {
  it('apply carries out exactly the saved plan; refuses (exit 3, nothing written) when a side moved since', async () => {
    const m = twoClusters();
    m.alpha.peers = [SEEDED];
    const { deps } = linkDeps(m);
    const saved = (await runLink(deps, request({ dryRun: true }))).plan;
    m.beta.peers = [{ realm_name: 'SOMEONE.MRS', ip_port: '10.7.0.1:88' }];
    m.beta.configVersion += 1;
    await expect(runLink(deps, request({ plan: saved }))).rejects.toMatchObject({ code: 'PLAN_STALE', exitCode: 3 });
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([0, 0]);

    const fresh = (await runLink(deps, request({ dryRun: true }))).plan;
    await runLink(deps, request({ plan: fresh }));
    expect(m.alpha.saves).toEqual([fresh?.sides[0].peersAfter]);
    expect(m.beta.peers.map((p) => p.realm_name)).toEqual(['SOMEONE.MRS', 'ALPHA.MRS']);
  });

  it('resume continues the journal: a side already written is skipped, the other written, both restarted; then rollback undoes both', async () => {
    const m = twoClusters();
    m.alpha.peers = [SEEDED];
    const first = linkDeps(m);
    // beta's save is cut off (the connection reset before it reached the Manager); alpha's went through
    const saveBeta = m.beta.savePeerRealms.bind(m.beta);
    m.beta.savePeerRealms = async () => Promise.reject(Object.assign(new Error('killed'), { code: 'ECONNRESET' }));
    await expect(runLink(first.deps, request())).rejects.toBeDefined();
    m.beta.savePeerRealms = saveBeta;
    const doc = first.journal.docs.get('alpha+beta');
    expect(doc?.status).not.toBe('done');
    expect(m.alpha.peers).toEqual([SEEDED, BETA_ROW]);
    expect(m.beta.peers).toEqual([]);

    const again = linkDeps(m, { journal: first.journal });
    const result = (await runLink(again.deps, request({ plan: doc?.plan, resume: doc }))).result;
    expect(result.resumedRun).toBe('run-1');
    expect(statusOf(result.steps, 'write-peer-realms', 'alpha')).toMatchObject({ status: 'skipped', message: 'already present' });
    expect(statusOf(result.steps, 'write-peer-realms', 'beta')?.status).toBe('done');
    expect(m.beta.peers).toEqual([{ realm_name: 'ALPHA.MRS', ip_port: '10.1.0.11:21732,10.1.0.12:21732' }]);
    expect([m.alpha.restarts, m.beta.restarts]).toEqual([1, 1]);
    const resumed = first.journal.docs.get('alpha+beta');
    expect(resumed).toMatchObject({ runId: 'run-1', status: 'done', resumed: 1 });
    expect(owedPeerChanges(resumed as NonNullable<typeof resumed>).map((u) => u.cluster).sort()).toEqual(['alpha', 'beta']);

    await runLink(again.deps, request({ action: 'rollback' }));
    expect(m.alpha.peers).toEqual([SEEDED]);
    expect(m.beta.peers).toEqual([]);
  });
});

describe('local state faults', () => {
  it('a journal write that fails once does not replace the run error, and later writes still go through', async () => {
    const m = twoClusters();
    m.beta.onRead = (self, count) => {
      if (count === 2) self.configVersion += 1; // drift: check-drift fails
    };
    const { deps, journal, events } = linkDeps(m);
    const write = journal.write.bind(journal);
    const { CheckError } = await import('../../src/errors/index.js');
    let failedOnce = false;
    // The disk is full exactly when the journal records that check-drift failed.
    journal.write = async (key, doc) => {
      if (!failedOnce && doc.steps.some((st) => st.id === 'check-drift' && st.status === 'failed')) {
        failedOnce = true;
        throw new CheckError('LOCAL_IO', 'cannot write the journal /x: ENOSPC');
      }
      return write(key, doc);
    };
    await expect(runLink(deps, request())).rejects.toMatchObject({ code: 'CONFIG_DRIFT' });
    expect(events.some((e) => e.type === 'warning' && /could not record that check-drift failed: cannot write the journal \/x: ENOSPC/.test(e.message))).toBe(true);
    expect(journal.docs.get('alpha+beta')?.status).toBe('failed');
  });

  it('a lock lost mid-run stops the run before its next step (exit 3), nothing written after', async () => {
    const m = twoClusters();
    const { CheckError } = await import('../../src/errors/index.js');
    let lose: ((e: Error) => void) | undefined;
    const { deps } = linkDeps(m, {
      locks: { acquire: async (_c, _o, options) => ((lose = options?.onCompromised), { release: async () => undefined }) },
    });
    m.alpha.onRead = (_self, count) => {
      if (count === 1) lose?.(new CheckError('LOCK_COMPROMISED', 'the lock /x/alpha.lock was lost mid-run'));
    };
    await expect(runLink(deps, request())).rejects.toMatchObject({ code: 'LOCK_COMPROMISED', exitCode: 3 });
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([0, 0]);
  });

  it('local I/O errors name the path, the errno and what to do', async () => {
    const { localIoError } = await import('../../src/adapters/state/io-errors.js');
    const cases: [string, RegExp][] = [
      ['EACCES', /write access to \/s\/journal/],
      ['EROFS', /read-only/],
      ['ENOSPC', /disk is full/],
      ['ENOENT', /does not exist/],
    ];
    for (const [code, hint] of cases) {
      const error = localIoError('write the journal', '/s/journal/a+b.json', Object.assign(new Error('x'), { code }));
      expect(error).toMatchObject({ code: 'LOCAL_IO', exitCode: 3, message: `cannot write the journal /s/journal/a+b.json: ${code}` });
      expect(error.hint).toMatch(hint);
    }
  });

  it('a real lock whose directory is removed mid-run is reported as compromised, not thrown from a timer', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileLockManager } = await import('../../src/adapters/state/locks.js');
    const dir = mkdtempSync(join(tmpdir(), 'mrs-lock-'));
    const lost = new Promise<Error>((resolve) => {
      void fileLockManager(dir).acquire(['alpha'], { command: 'test' }, { onCompromised: resolve }).then(() => rmSync(join(dir, 'locks', 'alpha.lock'), { recursive: true }));
    });
    const error = await lost;
    expect(error).toMatchObject({ code: 'LOCK_COMPROMISED', exitCode: 3 });
    expect(error.message).toMatch(/alpha\.lock was lost mid-run/);
  }, 20_000);

  it('a lock left by a process that is gone is taken at once', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileLockManager } = await import('../../src/adapters/state/locks.js');
    const dir = mkdtempSync(join(tmpdir(), 'mrs-lock-'));
    mkdirSync(join(dir, 'locks', 'alpha.lock'), { recursive: true });
    writeFileSync(join(dir, 'locks', 'alpha.owner.json'), JSON.stringify({ pid: 2 ** 22 + 7, command: 'link alpha beta', since: 't' }));
    const lock = await fileLockManager(dir).acquire(['alpha'], { command: 'resume' });
    await lock.release();
  });
});
