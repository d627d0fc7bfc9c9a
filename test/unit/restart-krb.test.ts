import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/errors/index.js';
import type { JournalDoc } from '../../src/domain/journal.js';
import { runLink } from '../../src/workflow/link/run.js';
import { linkDeps, request, twoClusters } from '../support/link-deps.js';

/** A journal left by an earlier run of alpha+beta that saved both sides and died before the restarts ended. */
function leftover(over: Partial<JournalDoc>): JournalDoc {
  return {
    version: 1, runId: 'earlier', action: 'link', clusters: ['alpha', 'beta'], pid: 1, startedAt: 't', updatedAt: 't', status: 'interrupted', dryRun: false,
    restartPending: ['alpha', 'beta'], steps: [], ...over,
  };
}

/** Both sides already linked (as the earlier run left them). */
function linked() {
  const m = twoClusters();
  m.alpha.peers = [{ realm_name: 'BETA.MRS', ip_port: '10.2.0.11:21732,10.2.0.12:21732' }];
  m.beta.peers = [{ realm_name: 'ALPHA.MRS', ip_port: '10.1.0.11:21732,10.1.0.12:21732' }];
  return m;
}

describe('restart: the documented way', () => {
  it('saves with restart_affected_components and waits on the save command; no stop/start', async () => {
    const m = twoClusters();
    const { deps, journal } = linkDeps(m);
    await runLink(deps, request());
    expect([m.alpha.saveRestarts, m.beta.saveRestarts]).toEqual([[true], [true]]);
    expect(m.alpha.calls).toEqual(['wait alpha-cmd-1']);
    const doc = journal.docs.get('alpha+beta');
    expect(doc?.restartPending).toEqual([]);
    expect(doc?.restartCommands).toEqual({});
  });

  it("verify's re-read starts as the restart command ends, alongside the health wait, and verify uses it", async () => {
    const m = twoClusters();
    const { deps } = linkDeps(m);
    const order: string[] = [];
    let healthy!: () => void;
    const healthGate = new Promise<void>((resolve) => (healthy = resolve));
    const health = m.alpha.readHealth.bind(m.alpha);
    let healthReads = 0;
    m.alpha.readHealth = async () => {
      // The first read is discovery's; the one after the restart waits until the test lets it go.
      if (++healthReads > 1) {
        order.push('health read started');
        await healthGate;
        order.push('health read answered');
      }
      return health();
    };
    const reread = m.alpha.readPeerRealms.bind(m.alpha);
    let rereads = 0;
    m.alpha.readPeerRealms = async () => {
      rereads += 1;
      order.push('peer_realms read');
      return reread();
    };
    const run = runLink(deps, request());
    while (!order.includes('health read started')) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    // The re-read is on its way while the health wait still waits.
    expect(order).toContain('peer_realms read');
    healthy();
    const { result } = await run;
    expect(result.steps.find((x) => x.id === 'verify' && x.scope === 'alpha')).toMatchObject({ status: 'done' });
    // verify used that read: no second one after the health wait.
    expect(order.slice(order.indexOf('health read answered'))).not.toContain('peer_realms read');
    // One read after the restart (check-drift's read before the write is the other).
    expect(rereads).toBe(2);
  });

  it('the save command id is journaled before the wait, so a run that dies waiting leaves it for the next', async () => {
    const m = twoClusters();
    const abort = new AbortController();
    const { deps, journal } = linkDeps(m, { signal: abort.signal });
    m.beta.waitForCommand = async () => {
      abort.abort();
      throw Object.assign(new Error('interrupted'), { code: 'INTERRUPTED' });
    };
    await expect(runLink(deps, request())).rejects.toBeDefined();
    const doc = journal.docs.get('alpha+beta');
    // Ctrl-C stops reads at once: alpha's health re-read after its restart is cut short too, so
    // alpha stays pending with its command id (the next run polls it and finds it COMPLETE).
    expect(doc?.restartPending).toEqual(['alpha', 'beta']);
    expect(doc?.restartCommands).toEqual({ alpha: { id: 'alpha-cmd-1', via: 'save' }, beta: { id: 'beta-cmd-1', via: 'save' } });
  });

  it('a pending restart whose journaled command is COMPLETE (finished since, or waited out in the Manager UI) is cleared before the plan: not asked for, not made again', async () => {
    const m = linked();
    m.alpha.commands.set('alpha-7', 'save');
    m.beta.commands.set('beta-7', 'save');
    const asked: unknown[] = [];
    const { deps, journal } = linkDeps(m);
    deps.confirm = async (plan) => asked.push(plan) > 0;
    await journal.write('alpha+beta', leftover({ restartCommands: { alpha: { id: 'alpha-7', via: 'save' }, beta: { id: 'beta-7', via: 'save' } } }));
    const result = (await runLink(deps, request())).result;
    expect(result.changed).toBe(false);
    expect(asked).toEqual([]);
    // One documented progress read each; no stop, no start.
    expect([m.alpha.calls, m.beta.calls]).toEqual([['wait alpha-7'], ['wait beta-7']]);
    expect(result.steps.find((s) => s.id === 'check-pending-restart' && s.scope === 'alpha')?.message).toMatch(/command alpha-7 of the save COMPLETE, KrbServer GOOD\): cleared/);
    expect(result.steps.find((s) => s.id === 'restart' && s.scope === 'alpha')?.status).toBe('skipped');
    expect(result.sides.map((s) => s.restarted)).toEqual([false, false]);
    expect(journal.docs.get('alpha+beta')).toMatchObject({ restartPending: [], restartCommands: {} });
  });

  it('no evidence, no clearing: a command still running, or none journaled (a restart by hand after a failed one is not visible), stays in the plan and is asked for', async () => {
    const m = linked();
    m.alpha.commands.set('alpha-7', 'save');
    const wait = m.alpha.waitForCommand.bind(m.alpha);
    m.alpha.waitForCommand = async (id, options: { timeoutMs?: number; onProgress?: (p: never) => void }) => {
      if (options.timeoutMs === 0) {
        m.alpha.calls.push(`read ${id}`);
        throw new RemoteError('COMMAND_TIMEOUT', 'alpha: command alpha-7 still running');
      }
      return wait(id, options);
    };
    const asked: unknown[] = [];
    const { deps, journal } = linkDeps(m);
    deps.confirm = async (plan) => asked.push(plan) > 0;
    await journal.write('alpha+beta', leftover({ restartCommands: { alpha: { id: 'alpha-7', via: 'save' } } }));
    const result = (await runLink(deps, request())).result;
    expect(asked).toHaveLength(1);
    expect(m.alpha.calls).toEqual(['read alpha-7', 'wait alpha-7']);
    expect(m.beta.calls).toEqual(['stop KrbServer', 'wait beta-cmd-1', 'start KrbServer', 'wait beta-cmd-2']);
    expect(result.steps.find((s) => s.id === 'check-pending-restart' && s.scope === 'beta')?.message).toMatch(/no documented read shows a restart made in the Manager UI/);
    expect(result.sides.map((s) => s.restarted)).toEqual([true, true]);
    expect(journal.docs.get('alpha+beta')?.restartPending).toEqual([]);
  });

  it('without a journaled id (or one the Manager no longer knows): documented stop, then start', async () => {
    const m = linked();
    const { deps, journal, events } = linkDeps(m);
    await journal.write('alpha+beta', leftover({ restartCommands: { beta: { id: 'gone-1', via: 'save' } } }));
    await runLink(deps, request());
    expect(m.alpha.calls).toEqual(['stop KrbServer', 'wait alpha-cmd-1', 'start KrbServer', 'wait alpha-cmd-2']);
    // The evidence read, then the restart step's poll: both find the command unknown.
    expect(m.beta.calls).toEqual(['wait gone-1', 'wait gone-1', 'stop KrbServer', 'wait beta-cmd-1', 'start KrbServer', 'wait beta-cmd-2']);
    expect(events.some((e) => e.type === 'warning' && e.message.includes('gone-1'))).toBe(true);
    expect(journal.docs.get('alpha+beta')?.restartCommands).toEqual({});
  });

  it('a journaled stop that completed is followed by the start only', async () => {
    const m = linked();
    m.alpha.commands.set('alpha-stop', 'stop');
    const { deps, journal } = linkDeps(m);
    await journal.write('alpha+beta', leftover({ restartPending: ['alpha'], restartCommands: { alpha: { id: 'alpha-stop', via: 'stop' } } }));
    await runLink(deps, request());
    expect(m.alpha.calls).toEqual(['wait alpha-stop', 'start KrbServer', 'wait alpha-cmd-2']);
    expect(m.beta.calls).toEqual([]);
  });

  it('a save that answers no command id: the restart goes through stop + start', async () => {
    const m = twoClusters();
    m.alpha.saveGivesNoCommand = true;
    const { deps } = linkDeps(m);
    await runLink(deps, request());
    expect(m.alpha.calls).toEqual(['stop KrbServer', 'wait alpha-cmd-1', 'start KrbServer', 'wait alpha-cmd-2']);
    expect(m.beta.calls).toEqual(['wait beta-cmd-1']);
  });

  it('KrbServer not GOOD again within the timeout after COMPLETE → exit 4 naming it; the restart stays pending', async () => {
    const m = twoClusters();
    m.beta.opts.services = [{ name: 'KrbServer', health: 'GOOD' }];
    let now = Date.parse('2026-11-23T10:00:00Z');
    const { deps, journal } = linkDeps(m, { clock: { now: () => new Date(now), sleep: async (ms) => void (now += ms) } });
    const healthy = m.beta.readHealth.bind(m.beta);
    let reads = 0;
    // GOOD during discovery and preflight, then CONCERNING after the restart.
    m.beta.readHealth = async () => (++reads > 1 ? [{ name: 'KrbServer', health: 'CONCERNING' as const }] : healthy());
    const error = await runLink(deps, request({ restartTimeoutMs: 5000 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SERVICE_UNHEALTHY', exitCode: 4 });
    expect((error as Error).message).toMatch(/beta: KrbServer restarted but reports CONCERNING/);
    expect(journal.docs.get('alpha+beta')?.restartPending).toEqual(['beta']);
  });

  it('dry run of a pending restart without a command id records the stop and start it would send', async () => {
    const m = linked();
    const { deps, journal } = linkDeps(m);
    await journal.write('alpha+beta', leftover({ restartPending: ['alpha'] }));
    const result = (await runLink(deps, request({ dryRun: true }))).result;
    expect(result.plannedWrites).toEqual([
      { type: 'stop-service', cluster: 'alpha', service: 'KrbServer' },
      { type: 'start-service', cluster: 'alpha', service: 'KrbServer' },
    ]);
    expect(m.alpha.calls).toEqual([]);
  });
});

describe('no blind first write (PEER_ENCODING_UNCONFIRMED)', () => {
  const unconfirmed = (m: ReturnType<typeof twoClusters>) => {
    const { deps, events } = linkDeps(m);
    deps.clusters = { alpha: { name: 'alpha', type: 'analysis', clientHosts: [] }, beta: { name: 'beta', type: 'analysis', clientHosts: [] } };
    return { deps, events };
  };

  it('refuses (exit 3) to write onto an empty peer_realms nothing confirmed, on either side, and writes nothing', async () => {
    const m = twoClusters();
    m.alpha.peers = [{ realm_name: 'OTHER.MRS', ip_port: '10.9.0.1:21732' }]; // read and decoded: confirmed
    const { deps } = unconfirmed(m);
    const error = await runLink(deps, request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PEER_ENCODING_UNCONFIRMED', exitCode: 3 });
    expect((error as Error).message).toMatch(/^beta: peer_realms is empty/);
    expect((error as { hint: string }).hint).toContain('mrs-trust status beta');
    expect((error as { hint: string }).hint).toContain('--peer-encoding-confirmed');
    expect([m.alpha.saves.length, m.beta.saves.length]).toEqual([0, 0]);
  });

  it('is confirmed by the flag, by clusters.yaml, or by a non-empty value read back', async () => {
    const byFlag = twoClusters();
    await runLink(unconfirmed(byFlag).deps, request({ peerEncodingConfirmed: true }));
    expect(byFlag.beta.saves).toHaveLength(1);
    const byConfig = twoClusters();
    const { deps } = unconfirmed(byConfig);
    deps.clusters.alpha = { ...deps.clusters.alpha!, peerEncodingConfirmed: true };
    deps.clusters.beta = { ...deps.clusters.beta!, peerEncodingConfirmed: true };
    await runLink(deps, request());
    expect(byConfig.alpha.saves).toHaveLength(1);
  });

  it('a dry run warns instead of refusing', async () => {
    const m = twoClusters();
    const { deps, events } = unconfirmed(m);
    await runLink(deps, request({ dryRun: true }));
    expect(events.filter((e) => e.type === 'warning' && e.message.includes('PEER_ENCODING_UNCONFIRMED')).map((e) => e.scope)).toEqual(['alpha', 'beta']);
  });
});
