import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { linkResultSchema } from '../../src/workflow/link/result.js';
import { planFileSchema, planResultSchema } from '../../src/workflow/link/plan-file.js';
import { BIN, runCli } from '../support/cli.js';

// Each case runs the CLI many times; on 2 shared cores that takes longer than the default limit.
vi.setConfig({ testTimeout: 240_000 });

// Subnets 131-137 belong to this file (other files use other subnets, so they run in parallel).
type Options = Partial<Parameters<typeof startSandbox>[0]>;

async function withSandbox(subnet: number, options: Options, fn: (sb: RunningSandbox) => Promise<void>) {
  const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-safety-')), subnet, restartMs: 30, seedPeer: true, plugins: false, ...options });
  try {
    await fn(sb);
  } finally {
    await sb.stop();
  }
}

const cluster = (sb: RunningSandbox, name: string) => sb.snapshot().clusters.find((c) => c.name === name) as ReturnType<RunningSandbox['snapshot']>['clusters'][number];
const peersOf = (sb: RunningSandbox) => ({ alpha: cluster(sb, 'alpha').peers, beta: cluster(sb, 'beta').peers });
const saves = (sb: RunningSandbox) => [cluster(sb, 'alpha').saves, cluster(sb, 'beta').saves];
const secretsOf = (sb: RunningSandbox) => ['alpha', 'beta'].map((n) => readFileSync(join(sb.stateDir, 'secrets', `${n}.password`), 'utf8').trim());

describe('rollback against the sandbox', () => {
  it('link then rollback: both clusters exactly as before (seeded peer kept); a second rollback changes nothing', async () => {
    await withSandbox(131, {}, async (sb) => {
      const before = peersOf(sb);
      expect(before.alpha.map((p) => p.realm_name)).toEqual(['PARTNER.MRS']);
      expect((await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes'])).code).toBe(0);
      expect(peersOf(sb)).not.toEqual(before);

      const dry = await runCli(['rollback', 'alpha', 'beta', '--config', sb.configPath, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      const planned = linkResultSchema.parse(JSON.parse(dry.stdout));
      expect(planned.steps.filter((s) => s.id === 'write-peer-realms').map((s) => [s.status, s.message])).toEqual([['skipped', 'would remove BETA.MRS'], ['skipped', 'would remove ALPHA.MRS']]);
      expect(saves(sb)).toEqual([1, 1]);

      const run = await runCli(['rollback', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const result = linkResultSchema.parse(JSON.parse(run.stdout));
      expect(result.action).toBe('rollback');
      expect(result.sides.map((s) => [s.change, s.rollback, s.restarted])).toEqual([['removed', 'undo', true], ['removed', 'undo', true]]);
      expect(peersOf(sb)).toEqual(before);
      expect([cluster(sb, 'alpha').restartCount, cluster(sb, 'beta').restartCount]).toEqual([2, 2]);

      const again = await runCli(['rollback', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^Nothing changed/);
      expect(saves(sb)).toEqual([2, 2]);
      const status = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
      expect(JSON.parse(status.stdout).trust[0].state).toBe('none');
    });
  });

  it('bad input: exit 2 before any network call; needs --yes without a terminal', async () => {
    await withSandbox(132, {}, async (sb) => {
      const cases: [string[], RegExp][] = [
        [['rollback', 'alpha', 'alpah', '--yes'], /no cluster "alpah" .*did you mean "alpha"/],
        [['rollback', 'alpha', 'alpha', '--yes'], /SAME_CLUSTER/],
        [['rollback', 'alpha', 'beta'], /rollback writes to both clusters .* needs --yes \[CONFIRMATION_REQUIRED\]/],
        [['rollback', 'alpha', 'beta', '--yes', '--restart-timeout', 'soon'], /--restart-timeout: "soon"/],
        [['rollback', 'alpha'], /missing required argument 'b'/],
        [['resume', 'alpha', 'alpha', '--yes'], /SAME_CLUSTER/],
        [['resume', 'alpha', 'gamma', '--yes'], /no cluster "gamma"/],
        [['plan', 'alpha', 'beta', '--out', join(sb.stateDir, 'no', 'such', 'dir', 'plan.json')], /--out .*no[/]such[/]dir[/]plan\.json: ENOENT \(the directory .* does not exist\) \[OUTPUT_NOT_WRITABLE\]/],
        [['apply', join(sb.stateDir, 'missing.json'), '--yes'], /plan file .*missing\.json: file not found \[INPUT_NOT_READABLE\]/],
      ];
      for (const [args, pattern] of cases) {
        const run = await runCli([...args, '--config', sb.configPath]);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr, args.join(' ')).toMatch(pattern);
        expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      }
      expect(cluster(sb, 'alpha').sessions.logins).toBe(0);
      const nothing = await runCli(['resume', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(nothing.code).toBe(3);
      expect(nothing.stderr).toMatch(/no journal for alpha and beta .*\[NOTHING_TO_RESUME\]/);
    });
  });
});

describe('plan --out and apply', () => {
  it('apply of a plan made before someone else linked: exit 3, nothing written; a fresh plan applies exactly', async () => {
    await withSandbox(133, {}, async (sb) => {
      const out = join(sb.stateDir, 'plans', 'tuesday.json');
      mkdirSync(join(sb.stateDir, 'plans'));
      const planned = await runCli(['plan', 'alpha', 'beta', '--config', sb.configPath, '--out', out, '--json']);
      expect(planned.code, planned.stderr).toBe(0);
      const result = planResultSchema.parse(JSON.parse(planned.stdout));
      expect(result.changes).toBe(true);
      const text = readFileSync(out, 'utf8');
      const file = planFileSchema.parse(JSON.parse(text));
      expect(file.plan.sides.map((s) => s.change.kind)).toEqual(['added', 'added']);
      for (const secret of secretsOf(sb)) expect(text).not.toContain(secret);
      expect(saves(sb)).toEqual([0, 0]);
      expect(existsSync(join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json'))).toBe(false);

      // Someone else links the pair in between.
      expect((await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes'])).code).toBe(0);
      const stale = await runCli(['apply', out, '--config', sb.configPath, '--yes']);
      expect(stale.code).toBe(3);
      expect(stale.stderr).toMatch(/alpha: the KrbServer configuration changed since the plan was made .* nothing was written \[PLAN_STALE\]/);
      expect(saves(sb)).toEqual([1, 1]);

      expect((await runCli(['unlink', 'alpha', 'beta', '--config', sb.configPath, '--yes'])).code).toBe(0);
      expect((await runCli(['plan', 'alpha', 'beta', '--config', sb.configPath, '--out', out])).code).toBe(0);
      const applied = await runCli(['apply', out, '--config', sb.configPath, '--yes', '--json']);
      expect(applied.code, applied.stderr).toBe(0);
      const done = linkResultSchema.parse(JSON.parse(applied.stdout));
      expect(done.planFile).toBe(out);
      const fresh = planFileSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(cluster(sb, 'alpha').peers).toEqual(fresh.plan.sides[0].peersAfter);
      expect(cluster(sb, 'beta').peers).toEqual(fresh.plan.sides[1].peersAfter);
    });
  });

  it('a corrupt plan, a plan for another config file or other clusters: exit 2 naming the reason, nothing written', async () => {
    await withSandbox(134, {}, async (sb) => {
      const out = join(sb.stateDir, 'plan.json');
      expect((await runCli(['plan', 'alpha', 'beta', '--config', sb.configPath, '--out', out])).code).toBe(0);
      const good = JSON.parse(readFileSync(out, 'utf8'));
      const variant = (name: string, change: (doc: typeof good) => unknown) => {
        const path = join(sb.stateDir, `${name}.json`);
        writeFileSync(path, typeof change === 'function' ? JSON.stringify(change(structuredClone(good))) : '');
        return path;
      };
      const cut = join(sb.stateDir, 'cut.json');
      writeFileSync(cut, readFileSync(out, 'utf8').slice(0, 200));
      const otherConfig = join(sb.stateDir, 'copy.yaml');
      copyFileSync(sb.configPath, otherConfig);
      const cases: [string, string[], RegExp][] = [
        [cut, [], /cut\.json: not valid JSON \[PLAN_INVALID\]/],
        [variant('kind', (d) => ({ ...d, kind: 'x' })), [], /kind\.json: kind: .*\[PLAN_INVALID\]/],
        [variant('version', (d) => ({ ...d, plan: { ...d.plan, version: 9 } })), [], /version\.json: plan\.version: .*\[PLAN_INVALID\]/],
        [variant('action', (d) => ({ ...d, plan: { ...d.plan, action: 'rollback' } })), [], /action\.json: plan\.action: .*\[PLAN_INVALID\]/],
        [variant('url', (d) => ({ ...d, managers: { ...d.managers, beta: 'https://192.0.2.1:28443' } })), [], /made for cluster beta at https:\/\/192\.0\.2\.1:28443, clusters\.yaml now says .* \[PLAN_MISMATCH\]/],
        [variant('realm', (d) => { d.plan.sides[0].realm = 'OTHER.MRS'; return d; }), [], /alpha: the plan was made for realm OTHER\.MRS, the cluster now reports ALPHA\.MRS; nothing was written \[PLAN_MISMATCH\]/],
        [out, ['--config', otherConfig], /it was made with .*clusters\.yaml, this run uses .*copy\.yaml; nothing was written \[PLAN_MISMATCH\]/],
      ];
      for (const [file, extra, pattern] of cases) {
        const run = await runCli(['apply', file, '--config', sb.configPath, '--yes', ...extra]);
        expect(run.code, file).toBe(2);
        expect(run.stderr, file).toMatch(pattern);
      }
      expect(saves(sb)).toEqual([0, 0]);
    });
  });
});

describe('resume after a kill', () => {
  it('link killed with SIGKILL during the restarts, then resume: linked, nothing rewritten; rollback then restores', async () => {
    await withSandbox(135, { restartMs: 1500 }, async (sb) => {
      const before = peersOf(sb);
      const journal = join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json');
      const child = spawn(process.execPath, [BIN, 'link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--progress', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      for (let i = 0; i < 400 && !/"step":"restart".*"type":"step-progress"|"type":"step-progress".*"step":"restart"/.test(stderr); i++) await delay(25);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      const doc = JSON.parse(readFileSync(journal, 'utf8'));
      expect(doc.status).toBe('running'); // killed: nobody wrote an end
      expect([...doc.restartPending].sort()).toEqual(['alpha', 'beta']);
      expect(saves(sb)).toEqual([1, 1]);

      const resumed = await runCli(['resume', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = linkResultSchema.parse(JSON.parse(resumed.stdout));
      expect(result.resumedRun).toBe(doc.runId);
      expect(result.sides.map((s) => s.change)).toEqual(['unchanged', 'unchanged']);
      // The save's own restart finishes either way: waited on by resume, or already COMPLETE (then
      // check-pending-restart clears it); the tool never starts another one.
      expect([cluster(sb, 'alpha').restartCount, cluster(sb, 'beta').restartCount]).toEqual([1, 1]);
      expect(result.steps.filter((s) => s.id === 'write-peer-realms').map((s) => s.message)).toEqual(['already present', 'already present']);
      expect(saves(sb)).toEqual([1, 1]);
      const status = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
      expect(JSON.parse(status.stdout).trust[0].state).toBe('linked');
      const after = JSON.parse(readFileSync(journal, 'utf8'));
      expect(after).toMatchObject({ runId: doc.runId, status: 'done', resumed: 1, restartPending: [] });

      const back = await runCli(['rollback', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(back.code, back.stderr).toBe(0);
      expect(peersOf(sb)).toEqual(before);
    });
  });
});

describe('the peer limit end to end', () => {
  it('a cluster already at its limit: link exits 3 with PEER_LIMIT naming the cluster and the count, nothing written', async () => {
    await withSandbox(136, {}, async (sb) => {
      const { parseDocument } = await import('yaml');
      const doc = parseDocument(readFileSync(sb.configPath, 'utf8'));
      doc.setIn(['clusters', 'beta', 'peerLimit'], 1); // beta lists PARTNER.MRS: at its limit
      writeFileSync(sb.configPath, doc.toString());
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(run.code).toBe(3);
      const error = JSON.parse(run.stdout).error;
      expect(error.code).toBe('PEER_LIMIT');
      expect(error.message).toMatch(/beta: 2 peer realms after adding ALPHA\.MRS; the limit is 1/);
      expect(saves(sb)).toEqual([0, 0]);
    });
  });
});

describe('local I/O faults', () => {
  it('a journal that does not parse, or a state path that is not a directory: exit 3 naming the path, nothing written', async () => {
    await withSandbox(137, {}, async (sb) => {
      const dir = join(sb.stateDir, '.mrs-trust', 'journal');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'alpha+beta.json'), '{"version":1,"steps":[');
      const corrupt = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(corrupt.code).toBe(3);
      expect(corrupt.stderr).toMatch(/alpha\+beta\.json is not valid JSON \[JOURNAL_CORRUPT\]\nhint: move the file aside/);
      const rollback = await runCli(['rollback', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(rollback.code).toBe(3);
      writeFileSync(join(dir, 'alpha+beta.json'), '[]');
      expect((await runCli(['resume', 'alpha', 'beta', '--config', sb.configPath, '--yes'])).stderr).toMatch(/is not a journal .*\[JOURNAL_CORRUPT\]/);

      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true });
      writeFileSync(dir, 'a file where the journal directory belongs');
      const blocked = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(blocked.code).toBe(3);
      expect(blocked.stderr).toMatch(/cannot (read|write) the journal .*journal[/]alpha\+beta\.json: (ENOTDIR|EEXIST) \[LOCAL_IO\]\nhint: /);
      expect(blocked.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(saves(sb)).toEqual([0, 0]);
    });
  });
});
