import { describe, expect, it } from 'vitest';
import type { JournalDoc } from '../../src/domain/journal.js';
import { isMrsTrustError, type MrsTrustError } from '../../src/errors/index.js';
import type { LinkDeps, LinkRequest } from '../../src/workflow/link/context.js';
import { runLink } from '../../src/workflow/link/run.js';
import { link3Steps } from '../../src/workflow/link3/steps.js';
import { FakeManager } from '../support/fake-manager.js';
import { linkDeps, request } from '../support/link-deps.js';
import { FakeMrs3Cluster, manualHost, mrs3Deps } from '../support/mrs3-fakes.js';

const ROW_OF_BETA = { realm_name: 'BETA.MRS', ip_port: '10.2.0.21:21732,10.2.0.22:21732' };
const ROW_OF_ALPHA = { realm_name: 'ALPHA.MRS', ip_port: '10.1.0.21:21732,10.1.0.22:21732' };

async function failure(p: Promise<unknown>): Promise<MrsTrustError> {
  try {
    await p;
  } catch (error) {
    if (isMrsTrustError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

/** Two 3.x clusters (or alpha 2.x with `mixed`), wired as `link` wires them. */
function setup(opts: { mixed?: boolean; terminal?: (c: { id: string }) => boolean; oneWay?: boolean; version?: string } = {}) {
  const alpha3 = new FakeMrs3Cluster('alpha', 1, opts.version);
  const beta3 = new FakeMrs3Cluster('beta', 2, opts.version);
  const alpha2 = new FakeManager('alpha', 'ALPHA.MRS', [{ ip: '10.1.0.11', port: 21732 }, { ip: '10.1.0.12', port: 21732 }]);
  const manual = manualHost(opts.terminal);
  const managers = { alpha: opts.mixed ? alpha2 : alpha3.manager, beta: beta3.manager };
  const { deps, journal, asked, events } = linkDeps(managers);
  deps.clusters.alpha = { ...deps.clusters.alpha, name: 'alpha', type: 'analysis', clientHosts: [], ...(opts.mixed ? {} : { mrsVersion: opts.version ?? '3.1.0', managerUrl: 'https://10.1.0.10:28443' }) };
  deps.clusters.beta = { ...deps.clusters.beta, name: 'beta', type: 'analysis', clientHosts: [], mrsVersion: opts.version ?? '3.1.0', managerUrl: 'https://10.2.0.10:28443' };
  deps.mrs3 = mrs3Deps(opts.mixed ? [beta3] : [alpha3, beta3], manual);
  const tested: string[] = [];
  deps.ticket = { unavailable: () => undefined, test: async (from, to) => (tested.push(`${from}>${to}`), { ok: true, host: `client1.${from}`, service: 'hdfs/x', kvno: 2 }) };
  const req = (over: Partial<LinkRequest> = {}) => request({ allowDowntime: true, ...(opts.oneWay ? { oneWay: true } : {}), ...over });
  const resume = () => {
    const doc = journal.docs.get('alpha+beta') as JournalDoc;
    return runLink(deps, req({ resume: doc, ...(doc.plan ? { plan: doc.plan } : {}) }));
  };
  return { alpha3, beta3, alpha2, manual, deps: deps as LinkDeps, journal, asked, events, req, resume, tested };
}

describe('link on MRS 3.x (fakes): the assisted procedure', () => {
  it('reads like the checklist, sharing link\'s steps', () => {
    expect(link3Steps.map((s) => s.id)).toEqual(['discover', 'preflight', 'precheck', 'parity', 'preflight-mrs3', 'plan', 'confirm', 'confirm-downtime', 'check-drift', 'write-peer-realms', 'restart', 'console-steps', 'apply-realm-config', 'start-clusters', 'wait-healthy', 'refresh-clients', 'verify', 'verify-ticket']);
  });

  it('without a terminal: exit 3 at each checklist, resume checks each step took effect, then the ticket test both ways', async () => {
    const t = setup();
    const first = await failure(runLink(t.deps, t.req()));
    expect(first).toMatchObject({ code: 'MANUAL_STEP_REQUIRED', exitCode: 3 });
    expect(first.hint).toContain('mrs-trust resume alpha beta --yes --config clusters.yaml');
    expect((first.details?.checklists as { id: string }[]).map((c) => c.id)).toEqual(['console-alpha', 'console-beta']);
    expect(t.manual.shown.map((s) => s.checklist.id)).toEqual(['console-alpha', 'console-beta']);
    expect(t.manual.shown[0]?.lines.join('\n')).toMatch(/realm_name\s+BETA\.MRS[\s\S]*ip_port\s+10\.2\.0\.21:21732,10\.2\.0\.22:21732/);
    // The checklist is in the journal as printed; nothing ran on the nodes yet.
    const doc = t.journal.docs.get('alpha+beta') as JournalDoc;
    expect(doc.manualSteps?.['console-beta']?.lines).toEqual(t.manual.shown[1]?.lines);
    expect([t.alpha3.scriptRuns, t.beta3.scriptRuns]).toEqual([0, 0]);

    t.alpha3.consoleSave(ROW_OF_BETA);
    t.beta3.consoleSave(ROW_OF_ALPHA);
    const second = await failure(t.resume());
    expect(second).toMatchObject({ code: 'MANUAL_STEP_REQUIRED' });
    expect((second.details?.checklists as { id: string }[]).map((c) => c.id)).toEqual(['start-alpha', 'start-beta']);
    expect([t.alpha3.scriptRuns, t.beta3.scriptRuns]).toEqual([1, 1]);

    t.alpha3.setStopped(false);
    t.beta3.setStopped(false);
    const { result } = await t.resume();
    expect(result.ok).toBe(true);
    expect(result.sides.map((s) => s.mrs3)).toEqual(['two-way', 'two-way']);
    expect(result.manualSteps?.map((m) => [m.id, m.confirmedBy])).toEqual([['console-alpha', 'resume'], ['console-beta', 'resume'], ['start-alpha', 'resume'], ['start-beta', 'resume']]);
    expect(t.tested.sort()).toEqual(['alpha>beta', 'beta>alpha']);
    // The script ran once per side: apply-realm-config is not redone on the last resume.
    expect([t.alpha3.scriptRuns, t.beta3.scriptRuns]).toEqual([1, 1]);
    // Nothing was written through a Manager save on a 3.x side.
    expect([t.alpha3.manager.saves.length, t.beta3.manager.saves.length]).toEqual([0, 0]);
  });

  it('a console step that was not done is detected on resume and named, then asked again', async () => {
    const t = setup();
    await failure(runLink(t.deps, t.req()));
    t.alpha3.consoleSave(ROW_OF_BETA);
    const undone = await failure(t.resume());
    expect(undone).toMatchObject({ code: 'CONSOLE_STEP_NOT_DONE', exitCode: 3 });
    expect(undone.message).toMatch(/beta: the console step was not done: .*does not list ALPHA\.MRS/);
    expect(undone.message).toMatch(/Peer Mutual Trust Domain: realm_name ALPHA\.MRS, ip_port 10\.1\.0\.21:21732,10\.1\.0\.22:21732/);
    expect(undone.hint).toContain('mrs-trust resume alpha beta');
    expect(t.journal.docs.get('alpha+beta')?.manualSteps?.['console-beta']?.confirmedAt).toBeUndefined();
    // Done now: the next resume runs the script again on beta and goes on to the start checklist.
    t.beta3.consoleSave(ROW_OF_ALPHA);
    expect(await failure(t.resume())).toMatchObject({ code: 'MANUAL_STEP_REQUIRED', details: { checklists: [{ id: 'start-alpha' }, { id: 'start-beta' }] } });
  });

  it('wrong KDCs typed (the OM IPs) are named as such', async () => {
    const t = setup();
    await failure(runLink(t.deps, t.req()));
    t.alpha3.consoleSave({ realm_name: 'BETA.MRS', ip_port: '10.2.0.11:21732,10.2.0.12:21732' });
    t.beta3.consoleSave(ROW_OF_ALPHA);
    const wrong = await failure(t.resume());
    expect(wrong.message).toMatch(/alpha: .*lists BETA\.MRS with KDCs 10\.2\.0\.11:21732,10\.2\.0\.12:21732, not 10\.2\.0\.21:21732,10\.2\.0\.22:21732/);
  });

  it('clusters not started again: the start step is named after the bound', async () => {
    const t = setup();
    await failure(runLink(t.deps, t.req()));
    t.alpha3.consoleSave(ROW_OF_BETA);
    t.beta3.consoleSave(ROW_OF_ALPHA);
    await failure(t.resume());
    t.alpha3.setStopped(false);
    const e = await failure(t.resume());
    expect(e).toMatchObject({ code: 'CLUSTERS_NOT_STARTED' });
    expect(e.message).toMatch(/beta: services not healthy.*missing step: beta: start all clusters/);
  });

  it('on a terminal: "done?" per side, in one run', async () => {
    const box: { t?: ReturnType<typeof setup> } = {};
    const t = setup({
      terminal: (c) => {
        const own = box.t as ReturnType<typeof setup>;
        const cluster = c.id.endsWith('alpha') ? own.alpha3 : own.beta3;
        if (c.id.startsWith('console')) cluster.consoleSave(c.id.endsWith('alpha') ? ROW_OF_BETA : ROW_OF_ALPHA);
        else cluster.setStopped(false);
        return true;
      },
    });
    box.t = t;
    const { result } = await runLink(t.deps, t.req());
    expect(t.manual.shown.map((s) => s.checklist.id)).toEqual(['console-alpha', 'console-beta', 'start-alpha', 'start-beta']);
    expect(result.manualSteps?.every((m) => m.confirmedBy === 'terminal')).toBe(true);
    expect(t.tested).toHaveLength(2);
  });

  it('"done?" answered no stops with exit 3 and the resume command', async () => {
    const t = setup({ terminal: () => false });
    expect(await failure(runLink(t.deps, t.req()))).toMatchObject({ code: 'MANUAL_STEP_REQUIRED', details: { checklists: [{ id: 'console-alpha' }] } });
  });

  it('downtime: its own confirmation, declined = nothing done; missing without a terminal = exit 2', async () => {
    const t = setup();
    t.deps.mrs3 = { ...(t.deps.mrs3 as NonNullable<LinkDeps['mrs3']>), confirmDowntime: async () => false };
    expect(await failure(runLink(t.deps, t.req({ allowDowntime: false })))).toMatchObject({ code: 'INTERRUPTED' });
    expect(t.manual.shown).toHaveLength(0);
    const { confirmDowntime: _, ...noTerminal } = t.deps.mrs3;
    t.deps.mrs3 = noTerminal;
    expect(await failure(runLink(t.deps, t.req({ allowDowntime: false })))).toMatchObject({ code: 'DOWNTIME_NOT_CONFIRMED', exitCode: 2 });
  });

  it('a mixed pair: the 2.x side is saved and restarted through its Manager, the 3.x side through the console', async () => {
    const t = setup({ mixed: true });
    const stop = await failure(runLink(t.deps, t.req()));
    expect((stop.details?.checklists as { id: string }[]).map((c) => c.id)).toEqual(['console-beta']);
    expect(t.alpha2.peers).toEqual([{ realm_name: 'BETA.MRS', ip_port: '10.2.0.21:21732,10.2.0.22:21732' }]);
    expect(t.alpha2.restarts).toBe(1);
    t.beta3.consoleSave({ realm_name: 'ALPHA.MRS', ip_port: '10.1.0.11:21732,10.1.0.12:21732' });
    await failure(t.resume());
    t.beta3.setStopped(false);
    const { result } = await t.resume();
    expect(result.sides.map((s) => [s.cluster, s.mrs3 ?? '2.x', s.change])).toEqual([['alpha', '2.x', 'unchanged'], ['beta', 'two-way', 'added']]);
    expect(result.steps.find((s) => s.id === 'write-peer-realms' && s.scope === 'beta')?.message).toBe('MRS 3.x side: set through the console checklist');
    // The 2.x side was saved and restarted once, across three runs.
    expect([t.alpha2.saves.length, t.alpha2.restarts]).toEqual([1, 1]);
    expect(t.tested.sort()).toEqual(['alpha>beta', 'beta>alpha']);
  });

  it('--one-way on 3.6.0: both rows added, the script and restart only on the local side, the ticket test one way', async () => {
    const t = setup({ oneWay: true, version: '3.6.0' });
    const stop = await failure(runLink(t.deps, t.req()));
    expect(stop.details?.checklists).toHaveLength(2);
    expect(t.manual.shown[0]?.lines.join('\n')).not.toMatch(/Stop all clusters/);
    t.alpha3.consoleSave(ROW_OF_BETA, false);
    t.beta3.consoleSave(ROW_OF_ALPHA, false);
    const restartStep = await failure(t.resume());
    expect((restartStep.details?.checklists as { id: string; lines: string[] }[]).map((c) => c.id)).toEqual(['start-alpha']);
    expect([t.alpha3.scriptRuns, t.beta3.scriptRuns]).toEqual([1, 0]);
    const { result } = await t.resume();
    expect(result.oneWay).toBe(true);
    expect(t.tested).toEqual(['alpha>beta']);
  });

  it('--one-way below 3.6.0 is refused before anything is written or shown', async () => {
    const t = setup({ oneWay: true });
    expect(await failure(runLink(t.deps, t.req()))).toMatchObject({ code: 'PREFLIGHT_FAILED', message: expect.stringMatching(/3\.6\.0 or later/) });
    expect(t.manual.shown).toHaveLength(0);
  });
});
