import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { meshResultSchema } from '../../src/workflow/mesh/result.js';
import { runCli } from '../support/cli.js';

// Subnets 111 and 112 (127.111.x.x, 127.112.x.x) belong to this file.
const SUBNET = 111;
const PARTNER = 'PARTNER.MRS';

function topology(names: string[], trusts = 'full'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mrs-mesh-')), 'mesh.yaml');
  writeFileSync(path, `version: 1\nclusters: [${names.join(', ')}]\ntrusts: ${trusts}\n`);
  return path;
}

const clustersOf = (sb: RunningSandbox) => sb.snapshot().clusters;
const realms = (sb: RunningSandbox, name: string) => clustersOf(sb).find((c) => c.name === name)!.peers.map((p) => p.realm_name);

// Each test runs several CLI processes against many simulated clusters: generous guards for a loaded 2-core machine.
describe('mesh on a sandbox of 6 clusters', { timeout: 240_000 }, () => {
  let sb: RunningSandbox;
  let names: string[];
  let file: string;
  const cli = (...args: string[]) => runCli(['mesh', ...args, '--config', sb.configPath]);
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-mesh-')), subnet: SUBNET, restartMs: 30, seedPeer: true, plugins: false, count: 6 });
    names = clustersOf(sb).map((c) => c.name);
    file = topology(names);
  });
  afterAll(async () => sb?.stop());

  it('plan: every cluster gains 5 rows, one restart each would follow; nothing written', async () => {
    const run = await cli('plan', file, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = meshResultSchema.parse(JSON.parse(run.stdout));
    expect(result).toMatchObject({ action: 'plan', dryRun: true, changed: true });
    expect(result.pairs).toHaveLength(15);
    expect(result.sides.map((s) => s.changes.length)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(clustersOf(sb).map((c) => [c.saves, c.restartCount])).toEqual(names.map(() => [0, 0]));
  });

  it('apply without --yes and without a terminal: exit 2 before any network call', async () => {
    const logins = clustersOf(sb).map((c) => c.sessions.logins);
    const run = await cli('apply', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CONFIRMATION_REQUIRED');
    expect(clustersOf(sb).map((c) => c.sessions.logins)).toEqual(logins);
  });

  it('apply: all 15 trusts, exactly one save and one restart per cluster, the seeded peer kept', async () => {
    const run = await cli('apply', file, '--yes', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = meshResultSchema.parse(JSON.parse(run.stdout));
    expect(result.restarts).toEqual(Object.fromEntries(names.map((n) => [n, 1])));
    for (const c of clustersOf(sb)) {
      expect([c.name, c.saves, c.restartCount]).toEqual([c.name, 1, 1]);
      expect(c.restarts[0]?.via).toBe('save'); // the documented save-with-restart
      expect(c.peers.map((p) => p.realm_name).sort()).toEqual([PARTNER, ...clustersOf(sb).filter((o) => o.name !== c.name).map((o) => o.realm)].sort());
      expect(c.peers[0]?.realm_name).toBe(PARTNER); // kept in place
    }
  });

  it('status: the full matrix, every pair both ways', async () => {
    const run = await cli('status', file, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = meshResultSchema.parse(JSON.parse(run.stdout));
    expect(result.trusts?.every((t) => t.state === 'both')).toBe(true);
    for (const from of names) for (const to of names.filter((n) => n !== from)) expect(result.matrix?.[from]?.[to]).toBe('ok');
    const human = await cli('status', file);
    expect(human.stdout).toContain(`trust ${names[0]} ↔ ${names[1]}: both ways`);
  });

  it('a second apply changes nothing and restarts nothing', async () => {
    const run = await cli('apply', file, '--yes', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(meshResultSchema.parse(JSON.parse(run.stdout)).changed).toBe(false);
    expect(clustersOf(sb).map((c) => c.restartCount)).toEqual(names.map(() => 1));
  });

  it('rollback restores the seeded state: one more save and restart per cluster', async () => {
    const run = await cli('rollback', file, '--yes', '--json');
    expect(run.code, run.stderr).toBe(0);
    for (const n of names) expect(realms(sb, n)).toEqual([PARTNER]);
    expect(clustersOf(sb).map((c) => c.restartCount)).toEqual(names.map(() => 2));
    const again = await cli('rollback', file, '--yes', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(meshResultSchema.parse(JSON.parse(again.stdout)).changed).toBe(false);
  });

  it('bad topologies: exit 2 naming the field, no login', async () => {
    const unknown = await cli('plan', topology([names[0]!, 'nosuch']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/clusters\[1\].*"nosuch" is not a cluster/);
    const hub = await cli('plan', topology(names.slice(0, 2), '{ hub: zeta }'));
    expect(hub.code).toBe(2);
    expect(hub.stderr).toContain('trusts.hub');
    const verb = await cli('merge', file);
    expect(verb.code).toBe(2);
  });
});

describe('mesh limits and partial failure', { timeout: 240_000 }, () => {
  it('18 clusters in a full mesh on 2.x: exit 3 PEER_LIMIT naming the clusters, nothing written', async () => {
    const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-mesh-')), subnet: SUBNET + 1, restartMs: 30, plugins: false, count: 18 });
    try {
      const names = clustersOf(sb).map((c) => c.name);
      const run = await runCli(['mesh', 'apply', topology(names), '--yes', '--config', sb.configPath]);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toContain('PEER_LIMIT');
      expect(run.stderr).toContain(`${names[0]}: 17 peer realms after the mesh; the limit is 16`);
      expect(clustersOf(sb).every((c) => c.saves === 0 && c.restartCount === 0)).toBe(true);
      // 17 of them are exactly 16 peers each: allowed (a plan only, to keep the test short).
      const plan = await runCli(['mesh', 'plan', topology(names.slice(0, 17)), '--json', '--config', sb.configPath]);
      expect(plan.code, plan.stderr).toBe(0);
      expect(meshResultSchema.parse(JSON.parse(plan.stdout)).sides.every((s) => s.peersAfter.length === 16)).toBe(true);
    } finally {
      await sb.stop();
    }
  });

  it('one cluster failing its save: the others are written and restarted once, exit 5 with the table; resume finishes it', async () => {
    const faults = { faults: [{ cluster: 'gamma', endpoint: 'save' as const, status: 500, after: 0, times: 1 }], clusters: {} };
    const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-mesh-')), subnet: SUBNET + 1, restartMs: 30, plugins: false, clusters: ['alpha', 'beta', 'gamma'], faults });
    try {
      const file = topology(['alpha', 'beta', 'gamma']);
      const run = await runCli(['mesh', 'apply', file, '--yes', '--json', '--config', sb.configPath]);
      expect(run.code, run.stderr).toBe(5);
      const result = meshResultSchema.parse(JSON.parse(run.stdout));
      expect(result.sides.map((s) => [s.cluster, s.outcome])).toEqual([['alpha', 'changed'], ['beta', 'changed'], ['gamma', 'failed']]);
      expect(result.sides[2]?.error).toMatchObject({ step: 'write-peer-realms', code: 'MANAGER_HTTP_5XX' });
      expect(clustersOf(sb).map((c) => [c.name, c.restartCount])).toEqual([['alpha', 1], ['beta', 1], ['gamma', 0]]);
      const resume = await runCli(['mesh', 'resume', file, '--yes', '--json', '--config', sb.configPath]);
      expect(resume.code, resume.stderr).toBe(0);
      expect(clustersOf(sb).map((c) => [c.name, c.restartCount])).toEqual([['alpha', 1], ['beta', 1], ['gamma', 1]]);
      expect(realms(sb, 'gamma').sort()).toEqual(['ALPHA.MRS', 'BETA.MRS']);
    } finally {
      await sb.stop();
    }
  });
});
