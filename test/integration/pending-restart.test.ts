import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { linkResultSchema } from '../../src/workflow/link/result.js';
import { BIN, runCli } from '../support/cli.js';

// Several CLI runs and simulated restarts of 1.5 s; on 2 shared cores that takes a while.
vi.setConfig({ testTimeout: 180_000 });

// Subnets 171-172 belong to this file.
const cluster = (sb: RunningSandbox, name: string) => sb.snapshot().clusters.find((c) => c.name === name) as ReturnType<RunningSandbox['snapshot']>['clusters'][number];
const restartsOf = (sb: RunningSandbox) => ['alpha', 'beta'].map((n) => cluster(sb, n).restarts.map((r) => `${r.via} ${r.outcome}`));

/** Starts `link`, kills it with SIGKILL once both saves are made and the restart is being waited on. */
async function linkKilledDuringRestart(sb: RunningSandbox): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--progress', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  for (let i = 0; i < 800 && !/"type":"step-progress","step":"restart"/.test(stderr); i++) await delay(25);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
}

describe('a restart left pending, then made by hand in the Manager UI', () => {
  it('the next run reads the journaled command (documented progress: COMPLETE, KrbServer GOOD), clears the pending entry and neither asks nor restarts again', async () => {
    const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-pending-')), subnet: 171, restartMs: 1500, seedPeer: true, plugins: false });
    try {
      const journal = join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json');
      await linkKilledDuringRestart(sb);
      const killed = JSON.parse(readFileSync(journal, 'utf8'));
      expect([...killed.restartPending].sort()).toEqual(['alpha', 'beta']);
      expect(Object.values(killed.restartCommands).map((c) => (c as { via: string }).via)).toEqual(['save', 'save']);

      const before = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath]);
      expect(before.stdout).toMatch(/restart pending on alpha, beta/);

      // The operator restarts KrbServer on both clusters in the Manager UI (documented stop + start); mrs-trust is not told.
      for (const name of ['alpha', 'beta']) {
        const ui = await runCli(['sandbox', 'restart', name, '--state-dir', sb.stateDir]);
        expect(ui.code, ui.stderr).toBe(0);
        expect(ui.stdout).toMatch(new RegExp(`${name}: KrbServer restarted by hand`));
      }
      expect(restartsOf(sb)).toEqual([['save COMPLETE', 'stop COMPLETE', 'start COMPLETE'], ['save COMPLETE', 'stop COMPLETE', 'start COMPLETE']]);

      // A dry run already plans nothing; it leaves the journal as it was.
      const dry = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(linkResultSchema.parse(JSON.parse(dry.stdout)).changed).toBe(false);
      expect(JSON.parse(readFileSync(journal, 'utf8')).restartPending.length).toBe(2);

      // resume (and link alike): cleared from the documented evidence; no question (the confirm step is skipped), no restart.
      const resumed = await runCli(['resume', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = linkResultSchema.parse(JSON.parse(resumed.stdout));
      const step = (id: string) => result.steps.filter((s) => s.id === id).map((s) => [s.status, s.message]);
      expect(step('check-pending-restart')).toEqual([
        ['done', expect.stringMatching(/restart an earlier run left pending is done \(command \d+ of the save COMPLETE, KrbServer GOOD\): cleared/)],
        ['done', expect.stringMatching(/cleared, no restart needed/)],
      ]);
      expect(step('confirm')).toEqual([['skipped', 'nothing to change']]);
      expect(step('restart').map(([status]) => status)).toEqual(['skipped', 'skipped']);
      expect(result.sides.map((s) => s.restarted)).toEqual([false, false]);
      expect(restartsOf(sb).map((r) => r.length)).toEqual([3, 3]);
      expect(JSON.parse(readFileSync(journal, 'utf8'))).toMatchObject({ status: 'done', restartPending: [], restartCommands: {} });
      const status = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
      expect(JSON.parse(status.stdout).trust[0]).toMatchObject({ state: 'linked' });
      expect(JSON.parse(status.stdout).trust[0].restartPending).toBeUndefined();
    } finally {
      await sb.stop();
    }
  });

  it('sandbox restart: an unknown cluster or no sandbox is a clear error (exit 2 / 3)', async () => {
    const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-pending-')), subnet: 172, restartMs: 30, plugins: false });
    try {
      const unknown = await runCli(['sandbox', 'restart', 'gamma', '--state-dir', sb.stateDir]);
      expect(unknown.code, unknown.stderr).toBe(2);
      expect(unknown.stderr).toMatch(/gamma/);
      const none = await runCli(['sandbox', 'restart', 'alpha', '--state-dir', mkdtempSync(join(tmpdir(), 'mrs-nosb-'))]);
      expect([2, 3]).toContain(none.code);
      expect(none.stderr).toMatch(/state\.json|sandbox/);
      expect(cluster(sb, 'alpha').restartCount).toBe(0);
    } finally {
      await sb.stop();
    }
  });
});
