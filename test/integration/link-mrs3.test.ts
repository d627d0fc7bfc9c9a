import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { consoleClusters, consoleDownload, consoleSave } from '../../src/sandbox/v3/index.js';
import { linkResultSchema } from '../../src/workflow/link/result.js';
import { runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';

// `link` on the sandbox's MRS 3.x profile (issue "MRS 3.x", items 2 and 3): without a terminal
// it stops at each console checklist with exit 3 and `resume` finishes; an undone console step
// is named on resume; the downtime flag is checked before any network call; a mixed pair.
// Subnets 166 and 167 belong to this file.
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const kdcs = (subnet: number, i: number) => `127.${subnet}.${i}.11:21732,127.${subnet}.${i}.12:21732`;

type Snapshot = ReturnType<RunningSandbox['snapshot']>['clusters'][number] & { mrs3?: { realmConfigRuns: { node: string; ok: boolean; clustersRunning: boolean }[] } };
const cluster = (sb: RunningSandbox, name: string) => sb.snapshot().clusters.find((c) => c.name === name) as Snapshot;


function secrets(sb: RunningSandbox): string[] {
  return ['alpha', 'beta'].map((c) => readFileSync(join(sb.stateDir, `secrets/${c}.password`), 'utf8').trim());
}

function journalText(sb: RunningSandbox): string {
  return readFileSync(join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json'), 'utf8');
}

describe('link on MRS 3.x without a terminal (sandbox 3.1.0)', () => {
  const SUBNET = 166;
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: join(mkdtempSync(join(tmpdir(), 'link-mrs3-')), 'sandbox'), subnet: SUBNET, clusters: ['alpha', 'beta'], mrsVersion: '3.1.0', restartMs: 50 });
  });
  afterAll(async () => sb?.stop());

  it('without --allow-downtime: exit 2 naming the flag, before any network call', async () => {
    const r = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('[DOWNTIME_NOT_CONFIRMED]');
    expect(r.stderr).toContain('--allow-downtime');
    expect(sb.snapshot().clusters.map((c) => c.sessions.logins)).toEqual([0, 0]);
  });

  it('stops with exit 3 at each checklist; resume checks each step, names an undone one, and finishes with a ticket both ways', async () => {
    const link = ['--config', sb.configPath, '--yes'];
    const first = await runCli(['link', 'alpha', 'beta', ...link, '--allow-downtime']);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toContain('[MANUAL_STEP_REQUIRED]');
    // The checklist with the values to type: beta's KerberosServer service IPs for alpha, and the reverse.
    expect(first.stderr).toMatch(new RegExp(`realm_name\\s+BETA\\.MRS\\n\\s+ip_port\\s+${kdcs(SUBNET, 2).replace(/\./g, '\\.')}`));
    expect(first.stderr).toMatch(new RegExp(`realm_name\\s+ALPHA\\.MRS\\n\\s+ip_port\\s+${kdcs(SUBNET, 1).replace(/\./g, '\\.')}`));
    expect(first.stderr).toContain('Stop all clusters');
    expect(first.stderr).toContain(`mrs-trust resume alpha beta --yes --config ${sb.configPath}`);
    expect(cluster(sb, 'alpha').mrs3?.realmConfigRuns ?? []).toEqual([]);

    // The person does alpha's console step only.
    await consoleClusters(sb.stateDir, 'alpha', false);
    await consoleSave(sb.stateDir, 'alpha', { set: [{ realm_name: 'BETA.MRS', ip_port: kdcs(SUBNET, 2) }], remove: [] });
    await consoleClusters(sb.stateDir, 'beta', false);
    // Stopped clusters have no client to download, as on the real home page.
    const early = await runCli(['sandbox', 'console-download', 'alpha', '--state-dir', sb.stateDir]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/clusters are stopped; start them first \(sandbox console-start alpha\)/);
    const undone = await runCli(['resume', 'alpha', 'beta', ...link]);
    expect(undone.code, undone.stderr).toBe(3);
    expect(undone.stderr).toContain('[CONSOLE_STEP_NOT_DONE]');
    expect(undone.stderr).toMatch(/beta: the console step was not done: .*does not list ALPHA\.MRS/);
    expect(undone.stderr).toContain(`Peer Mutual Trust Domain: realm_name ALPHA.MRS, ip_port ${kdcs(SUBNET, 1)}`);
    // The script ran on each active management node (master2), and applied alpha's save.
    expect(cluster(sb, 'alpha').peers).toEqual([{ realm_name: 'BETA.MRS', ip_port: kdcs(SUBNET, 2) }]);
    expect(cluster(sb, 'alpha').mrs3?.realmConfigRuns.map((r) => [r.node, r.ok, r.clustersRunning])).toEqual([['master2.alpha', true, false]]);

    await consoleSave(sb.stateDir, 'beta', { set: [{ realm_name: 'ALPHA.MRS', ip_port: kdcs(SUBNET, 1) }], remove: [] });
    const start = await runCli(['resume', 'alpha', 'beta', ...link]);
    expect(start.code, start.stderr).toBe(3);
    expect(start.stderr).toContain('[MANUAL_STEP_REQUIRED]');
    expect(start.stderr).toContain('Start all clusters');
    expect(cluster(sb, 'beta').peers).toEqual([{ realm_name: 'ALPHA.MRS', ip_port: kdcs(SUBNET, 1) }]);

    await consoleClusters(sb.stateDir, 'alpha', true);
    await consoleClusters(sb.stateDir, 'beta', true);
    expect(start.stderr).toContain('Download Client > Configuration Files Only');
    // The person's Download Client > Save to Path on Server, through the sandbox CLI.
    for (const name of ['alpha', 'beta']) {
      const saved = await runCli(['sandbox', 'console-download', name, '--state-dir', sb.stateDir, '--json']);
      expect(saved.code, saved.stderr).toBe(0);
      expect(JSON.parse(saved.stdout)).toMatchObject({ cluster: name, node: `master1.${name}`, peers: [name === 'alpha' ? 'BETA.MRS' : 'ALPHA.MRS'] });
    }
    const done = await runCli(['resume', 'alpha', 'beta', ...link, '--json']);
    expect(done.code, done.stderr).toBe(0);
    const result = linkResultSchema.parse(JSON.parse(done.stdout));
    expect(result.sides.map((s) => s.mrs3)).toEqual(['two-way', 'two-way']);
    expect(result.manualSteps?.map((m) => [m.id, m.confirmed])).toEqual([['console-alpha', true], ['console-beta', true], ['start-alpha', true], ['start-beta', true]]);
    if (kdc.available) expect(Object.keys(result.tickets ?? {}).sort()).toEqual(['alpha', 'beta']);
    // The checklist is in the journal; no password anywhere.
    const journal = journalText(sb);
    expect(journal).toContain('Peer Mutual Trust Domain');
    for (const secret of secrets(sb)) for (const text of [first.stderr, undone.stderr, start.stderr, done.stdout, done.stderr, journal]) expect(text).not.toContain(secret);
    // A second link changes nothing: the rows are there, no checklist.
    const again = await runCli(['link', 'alpha', 'beta', ...link, '--allow-downtime', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(linkResultSchema.parse(JSON.parse(again.stdout)).changed).toBe(false);
  }, 300_000);
});

describe('link on a mixed pair: alpha MRS 2.x, beta MRS 3.x', () => {
  const SUBNET = 167;
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: join(mkdtempSync(join(tmpdir(), 'link-mixed-')), 'sandbox'), subnet: SUBNET, clusters: ['alpha', 'beta'], seedPeer: true, restartMs: 50, faults: { faults: [], clusters: { beta: { mrsVersion: '3.1.0' } } } });
  });
  afterAll(async () => sb?.stop());

  it('each side its own procedure: alpha saved and restarted through its Manager, beta through the console checklist', async () => {
    const link = ['--config', sb.configPath, '--yes'];
    const first = await runCli(['link', 'alpha', 'beta', ...link, '--allow-downtime']);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toContain('Checklist beta (BETA.MRS): add ALPHA.MRS in the console');
    expect(first.stderr).not.toContain('Checklist alpha');
    expect(cluster(sb, 'alpha').peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS', 'BETA.MRS']);
    expect(cluster(sb, 'alpha').restartCount).toBe(1);
    await consoleClusters(sb.stateDir, 'beta', false);
    await consoleSave(sb.stateDir, 'beta', { set: [{ realm_name: 'ALPHA.MRS', ip_port: kdcs(SUBNET, 1) }], remove: [] });
    expect((await runCli(['resume', 'alpha', 'beta', ...link])).code).toBe(3);
    await consoleClusters(sb.stateDir, 'beta', true);
    await consoleDownload(sb.stateDir, 'beta');
    const done = await runCli(['resume', 'alpha', 'beta', ...link, '--json']);
    expect(done.code, done.stderr).toBe(0);
    const result = linkResultSchema.parse(JSON.parse(done.stdout));
    expect(result.sides.map((s) => [s.cluster, s.mrs3 ?? '2.x'])).toEqual([['alpha', '2.x'], ['beta', 'two-way']]);
    expect(cluster(sb, 'alpha').restartCount).toBe(1);
    expect(cluster(sb, 'beta').peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS', 'ALPHA.MRS']);
    if (kdc.available) expect(Object.keys(result.tickets ?? {}).sort()).toEqual(['alpha', 'beta']);
  }, 300_000);
});
