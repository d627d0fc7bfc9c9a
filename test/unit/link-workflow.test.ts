import { describe, expect, it } from 'vitest';
import { runLink } from '../../src/workflow/link/run.js';
import { linkSteps } from '../../src/workflow/link/steps.js';
import { linkDeps, request, twoClusters } from '../support/link-deps.js';

const SEEDED = { realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' };
const statusOf = (steps: { id: string; scope?: string; status: string }[], id: string, scope?: string) => steps.find((s) => s.id === id && s.scope === scope)?.status;

describe('link workflow (fake Managers)', () => {
  it('reads like the checklist', () => {
    expect(linkSteps.map((s) => s.id)).toEqual(['discover', 'check-pending-restart', 'preflight', 'precheck', 'parity', 'plan', 'confirm', 'check-drift', 'write-peer-realms', 'restart', 'refresh-clients', 'verify', 'verify-ticket']);
  });

  it('links both sides, keeps a seeded peer, restarts both, then a second run changes nothing', async () => {
    const m = twoClusters();
    m.alpha.peers = [SEEDED];
    const { deps, journal, asked } = linkDeps(m);
    const first = (await runLink(deps, request())).result;
    expect(m.alpha.peers).toEqual([SEEDED, { realm_name: 'BETA.MRS', ip_port: '10.2.0.11:21732,10.2.0.12:21732' }]);
    expect(m.beta.peers).toEqual([{ realm_name: 'ALPHA.MRS', ip_port: '10.1.0.11:21732,10.1.0.12:21732' }]);
    expect([m.alpha.restarts, m.beta.restarts]).toEqual([1, 1]);
    expect(first.changed).toBe(true);
    expect(first.sides.map((s) => [s.change, s.restarted])).toEqual([['added', true], ['added', true]]);
    expect(asked).toHaveLength(1);
    expect(statusOf(first.steps, 'verify', 'alpha')).toBe('done');
    expect(statusOf(first.steps, 'verify-ticket')).toBe('skipped');
    const doc = journal.docs.get('alpha+beta');
    expect(doc?.status).toBe('done');
    expect(doc?.restartPending).toEqual([]);
    expect(doc?.steps.find((s) => s.id === 'write-peer-realms' && s.scope === 'alpha')?.undo).toMatchObject({ kind: 'peer-change', change: { kind: 'added' } });

    const second = (await runLink(deps, request())).result;
    expect(second.changed).toBe(false);
    expect([m.alpha.restarts, m.beta.restarts]).toEqual([1, 1]);
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([1, 1]);
    expect(statusOf(second.steps, 'write-peer-realms', 'alpha')).toBe('skipped');
    expect(second.steps.find((s) => s.id === 'write-peer-realms')?.message).toBe('already present');
    expect(asked).toHaveLength(1);
    expect(m.alpha.logouts).toBe(2);
  });

  it('updates a stale entry in place and says so', async () => {
    const m = twoClusters();
    m.alpha.peers = [{ realm_name: 'BETA.MRS', ip_port: '10.2.0.99:21732' }, SEEDED];
    const { deps } = linkDeps(m);
    const result = (await runLink(deps, request())).result;
    expect(result.sides[0]).toMatchObject({ change: 'updated', before: { ip_port: '10.2.0.99:21732' } });
    expect(m.alpha.peers).toEqual([{ realm_name: 'BETA.MRS', ip_port: '10.2.0.11:21732,10.2.0.12:21732' }, SEEDED]);
  });

  it('unlink removes only the pair, keeping the seeded peer', async () => {
    const m = twoClusters();
    m.alpha.peers = [SEEDED];
    const { deps } = linkDeps(m);
    await runLink(deps, request());
    const result = (await runLink(deps, request({ action: 'unlink' }))).result;
    expect(m.alpha.peers).toEqual([SEEDED]);
    expect(m.beta.peers).toEqual([]);
    expect(result.sides.map((s) => s.change)).toEqual(['removed', 'removed']);
    const again = (await runLink(deps, request({ action: 'unlink' }))).result;
    expect(again.sides.map((s) => s.change)).toEqual(['absent', 'absent']);
    expect(again.changed).toBe(false);
  });

  it('refuses with exit 3 and writes nothing when a side changed between discovery and write', async () => {
    const m = twoClusters();
    m.beta.onRead = (self, count) => {
      if (count === 2) {
        self.peers = [{ realm_name: 'SOMEONE.ELSE', ip_port: '10.7.0.1:88' }];
        self.configVersion += 1;
      }
    };
    const { deps, journal } = linkDeps(m);
    await expect(runLink(deps, request())).rejects.toMatchObject({ code: 'CONFIG_DRIFT', exitCode: 3 });
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([0, 0]);
    expect(m.beta.peers).toEqual([{ realm_name: 'SOMEONE.ELSE', ip_port: '10.7.0.1:88' }]);
    expect(journal.docs.get('alpha+beta')?.status).toBe('failed');
  });

  it('refuses an unhealthy or same-realm pair before any write', async () => {
    const m = twoClusters();
    const bad = new (m.beta.constructor as typeof import('../support/fake-manager.js').FakeManager)('beta', 'ALPHA.MRS', m.beta.kdcs);
    const { deps } = linkDeps({ alpha: m.alpha, beta: bad });
    await expect(runLink(deps, request())).rejects.toMatchObject({ code: 'PREFLIGHT_FAILED', exitCode: 3, message: expect.stringMatching(/both use realm ALPHA\.MRS/) });
    expect(m.alpha.saves).toEqual([]);
  });

  it('declining the confirmation writes nothing (exit 130)', async () => {
    const m = twoClusters();
    const { deps } = linkDeps(m, { confirm: async () => false });
    await expect(runLink(deps, request())).rejects.toMatchObject({ exitCode: 130 });
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([0, 0]);
  });

  it('a failed restart is remembered: the next run restarts without rewriting', async () => {
    const m = twoClusters();
    m.beta.restartOutcome = 'FAILED';
    const { deps, journal } = linkDeps(m);
    await expect(runLink(deps, request())).rejects.toMatchObject({ code: 'RESTART_FAILED', exitCode: 4 });
    expect(m.alpha.restarts).toBe(1); // the other side's restart still ran to the end
    expect(journal.docs.get('alpha+beta')?.restartPending).toEqual(['beta']);
    m.beta.restartOutcome = 'COMPLETE';
    const again = (await runLink(deps, request())).result;
    expect(again.changed).toBe(false);
    expect([m.alpha.restarts, m.beta.restarts]).toEqual([1, 2]);
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([1, 1]);
    expect(journal.docs.get('alpha+beta')?.restartPending).toEqual([]);
  });

  it('dry run: records exactly the planned writes, writes nothing, keeps no journal', async () => {
    const m = twoClusters();
    m.alpha.peers = [SEEDED];
    const { deps, journal, asked } = linkDeps(m);
    const result = (await runLink(deps, request({ dryRun: true }))).result;
    expect([m.alpha.saves.length, m.beta.saves.length, m.alpha.restarts]).toEqual([0, 0, 0]);
    expect(journal.writes).toBe(0);
    expect(asked).toHaveLength(0);
    expect(result.sides.map((s) => s.restarted)).toEqual([false, false]);
    const planned = result.sides.flatMap((s) => [
      { type: 'save-peer-realms', cluster: s.cluster, peers: s.peersAfter, expectedVersion: s.configVersion.before, restart: true },
    ]);
    expect(result.plannedWrites?.filter((w) => w.type === 'save-peer-realms')).toEqual(planned);
    // The restart is the save's own (restart_affected_components), so the saves are the only writes.
    expect(result.plannedWrites?.map((w) => w.type)).toEqual(['save-peer-realms', 'save-peer-realms']);
    // The real run then does the same writes.
    await runLink(deps, request());
    expect(m.alpha.saves[0]).toEqual(result.sides[0]?.peersAfter);
  });

  it('stops between steps when interrupted and marks the journal', async () => {
    const m = twoClusters();
    const abort = new AbortController();
    const { deps, journal } = linkDeps(m, { confirm: async () => (abort.abort(), true) });
    deps.signal = abort.signal;
    await expect(runLink(deps, request())).rejects.toMatchObject({ exitCode: 130 });
    expect(m.alpha.saves).toEqual([]);
    expect(journal.docs.get('alpha+beta')?.status).toBe('interrupted');
  });

  it('journal never contains a secret', async () => {
    const m = twoClusters();
    const { deps, journal } = linkDeps(m);
    await runLink(deps, request());
    expect(JSON.stringify([...journal.docs.values()])).not.toMatch(/password|Admin@123/i);
  });
});

describe('journal across runs', () => {
  it('keeps security-group rules journaled by an earlier precheck --fix when link starts a new document', async () => {
    const { journaledRules } = await import('../../src/workflow/precheck/rollback.js');
    const m = twoClusters();
    const { deps, journal } = linkDeps(m);
    journal.docs.set('alpha+beta', {
      version: 1, runId: 'fix', action: 'precheck-fix', clusters: ['alpha', 'beta'], pid: 1, startedAt: 't', updatedAt: 't', status: 'done', dryRun: false, restartPending: [],
      steps: [{ id: 'add-security-group-rules', scope: 'alpha', status: 'done', startedAt: 't', undo: { kind: 'security-group-rules', cluster: 'alpha', ruleIds: ['r1', 'r2'] } }],
    });
    await runLink(deps, request());
    await runLink(deps, request());
    const doc = journal.docs.get('alpha+beta');
    expect(doc && journaledRules(doc)).toEqual({ alpha: ['r1', 'r2'] });
    expect(doc?.carried?.filter((st) => st.undo?.kind === 'security-group-rules')).toHaveLength(1);
    // The first link's writes stay owed to a rollback (the second run wrote nothing).
    expect(doc?.carried?.filter((st) => st.undo?.kind === 'peer-change').map((st) => st.scope)).toEqual(['alpha', 'beta']);
  });
});
