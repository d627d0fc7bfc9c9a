import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { consoleClusters, consoleDownload, consoleSave } from '../../src/sandbox/v3/index.js';
import { BIN } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';
import { TmuxSession } from '../support/tmux.js';

// Issue "MRS 3.x" acceptance: on the sandbox's 3.x profile, driven through tmux like a person —
// link shows the checklist with the right service IPs, waits ("done?"), the simulated console
// save is made, the tool runs the script on the active node, and proves the trust both ways.
// Subnet 168 belongs to this file.
const SUBNET = 168;
const tmux = requireBinary('tmux', 'tmux');
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const kdcs = (i: number) => `127.${SUBNET}.${i}.11:21732,127.${SUBNET}.${i}.12:21732`;

/** Polls until the screen shows `pattern` at least `count` times (bounded by a count of polls). */
async function waitCount(t: TmuxSession, pattern: RegExp, count: number, polls = 1200): Promise<string> {
  for (let i = 0; i < polls; i++) {
    const text = t.screen();
    if ((text.match(new RegExp(pattern.source, 'g')) ?? []).length >= count) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`screen never showed ${pattern} ${count} times:\n${t.screen()}`);
}


describe.skipIf(!tmux.available)('link on MRS 3.x in a real terminal (tmux)', () => {
  let sb: RunningSandbox;
  const sessions: TmuxSession[] = [];
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: join(mkdtempSync(join(tmpdir(), 'mrs3-tty-')), 'sandbox'), subnet: SUBNET, clusters: ['alpha', 'beta'], mrsVersion: '3.1.0', restartMs: 50 });
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await sb?.stop();
  });

  it('typed confirmations, the checklist with the service IPs, "done?" per side, the script, the ticket both ways', async () => {
    const t = new TmuxSession(`${process.execPath} ${BIN} link alpha beta --config ${sb.configPath}`, { width: 200, height: 120 });
    sessions.push(t);
    await t.waitFor(/Type alpha-beta to continue/, 1200);
    t.send('alpha-beta', 'Enter');
    const downtime = await t.waitFor(/Type downtime to continue/, 1200);
    expect(downtime).toMatch(/downtime: alpha: all clusters of this Manager are stopped/);
    t.send('downtime', 'Enter');

    // alpha's checklist: the values to type are beta's KerberosServer service IPs.
    const alpha = await waitCount(t, /alpha: done\?/, 1);
    expect(alpha).toContain('Checklist alpha (ALPHA.MRS): add BETA.MRS in the console');
    expect(alpha).toMatch(new RegExp(`ip_port\\s+${kdcs(2).replace(/\./g, '\\.')}`));
    await consoleClusters(sb.stateDir, 'alpha', false);
    await consoleSave(sb.stateDir, 'alpha', { set: [{ realm_name: 'BETA.MRS', ip_port: kdcs(2) }], remove: [] });
    t.send('y', 'Enter');

    const beta = await waitCount(t, /beta: done\?/, 1);
    expect(beta).toMatch(new RegExp(`ip_port\\s+${kdcs(1).replace(/\./g, '\\.')}`));
    await consoleClusters(sb.stateDir, 'beta', false);
    await consoleSave(sb.stateDir, 'beta', { set: [{ realm_name: 'ALPHA.MRS', ip_port: kdcs(1) }], remove: [] });
    t.send('y', 'Enter');

    // The tool ran the script on each active node; then the start checklists.
    const started = await waitCount(t, /alpha: done\?/, 2);
    expect(started).toContain('Checklist alpha: start all clusters');
    const runs = (name: string) => (sb.snapshot().clusters.find((c) => c.name === name) as unknown as { mrs3: { realmConfigRuns: { node: string; ok: boolean }[] } }).mrs3.realmConfigRuns;
    expect(runs('alpha')).toEqual([expect.objectContaining({ node: 'master2.alpha', ok: true })]);
    expect(runs('beta')).toEqual([expect.objectContaining({ node: 'master2.beta', ok: true })]);
    expect(started).toContain('Download Client > Configuration Files Only');
    await consoleClusters(sb.stateDir, 'alpha', true);
    await consoleDownload(sb.stateDir, 'alpha');
    t.send('y', 'Enter');
    await waitCount(t, /beta: done\?/, 2);
    await consoleClusters(sb.stateDir, 'beta', true);
    await consoleDownload(sb.stateDir, 'beta');
    t.send('y', 'Enter');

    const done = await t.waitFor(/EXIT=\d+/, 2400);
    expect(done).toMatch(/EXIT=0/);
    expect(done).toMatch(/Linked alpha ↔ beta/);
    if (kdc.available) expect(done).toMatch(/verify-ticket: alpha → beta: ticket for .*; beta → alpha: ticket for/);
  }, 300_000);
});
