import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManager } from '../../src/adapters/manager/index.js';
import { statusResultSchema } from '../../src/cli/status-result.js';
import { clusterByName, loadConfig } from '../../src/config/load.js';
import { runCli, type CliRun } from '../support/cli.js';

// Subnets 42 and 43 belong to this file. The CLI runs as users run it: `node dist/main.js`.
const dir = mkdtempSync(join(tmpdir(), 'mrs-status-'));
const stateDir = join(dir, 'sandbox');
const configPath = join(stateDir, 'clusters.yaml');
const faultDir = join(dir, 'faulty');
const committedSchema = z.fromJSONSchema(JSON.parse(readFileSync(new URL('../../schemas/status.schema.json', import.meta.url), 'utf8')));

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Exactly one `error:` line on stderr, naming the cluster; returns it. */
function oneErrorLine(run: CliRun, cluster: string): string {
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toContain(cluster);
  return lines[0] as string;
}

function sandboxState(state = stateDir) {
  return JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { running: boolean; pid: number; clusters: { name: string; saves: number; sessions: { active: number; logins: number }; restartCount: number }[] };
}

/** A copy of clusters.yaml with `edit` applied to one cluster's manager entry. */
function editedConfig(name: string, edit: (manager: Record<string, unknown>) => void): string {
  const doc = parse(readFileSync(configPath, 'utf8')) as { clusters: Record<string, { manager: Record<string, unknown> }> };
  edit((doc.clusters[name] as { manager: Record<string, unknown> }).manager);
  const path = join(stateDir, `edited-${name}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

let ups: CliRun[] = [];

// Both sandboxes are stopped in afterAll whatever happens here; the start is asserted in the first test.
beforeAll(async () => {
  const up = await runCli(['sandbox', 'up', '--state-dir', stateDir, '--subnet', '42', '--seed-peer', '--restart-ms', '20', '--no-plugins', '--json']);
  const faults = join(dir, 'faults.yaml');
  writeFileSync(
    faults,
    stringify({
      faults: [
        { cluster: 'fivexx', endpoint: 'clusters', status: 503 },
        { cluster: 'hang', endpoint: 'clusters', hang: true },
        { cluster: 'garbled', endpoint: 'service-config', malformed: 'garbled' },
        { cluster: 'html', endpoint: 'hosts', malformed: 'html' },
        { cluster: 'reset', endpoint: 'services', reset: true },
      ],
      clusters: { v3: { version: 'MRS 3.1.0' }, sick: { unhealthy: ['HDFS'] }, internal: { version: '6.5.1' } },
    }),
  );
  const faulty = await runCli(['sandbox', 'up', '--state-dir', faultDir, '--subnet', '43', '--clusters', 'fivexx,hang,garbled,html,reset,v3,sick,internal', '--faults', faults, '--no-plugins']);
  ups = [up, faulty];
});

afterAll(async () => {
  await runCli(['sandbox', 'down', '--state-dir', stateDir]);
  await runCli(['sandbox', 'down', '--state-dir', faultDir]);
  rmSync(dir, { recursive: true, force: true });
});

describe('status against a background sandbox', () => {
  it('sandbox up started both sandboxes in the background', () => {
    expect(ups.map((u) => [u.code, u.stderr])).toEqual([[0, ''], [0, '']]);
    const summary = JSON.parse(ups[0]?.stdout ?? '{}') as { pid: number; configPath: string };
    expect(summary.configPath).toBe(configPath);
    expect(() => process.kill(summary.pid, 0)).not.toThrow();
  });

  it('prints both clusters; --json validates against schemas/status.schema.json', async () => {
    const human = await runCli(['status', 'alpha', 'beta', '--config', configPath]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('realm     ALPHA.MRS');
    expect(human.stdout).toContain('KDCs      127.42.1.11:21732,127.42.1.12:21732');
    expect(human.stdout).toContain('trust alpha ↔ beta: not linked');
    const run = await runCli(['status', 'alpha', 'beta', '--config', configPath, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json: unknown = JSON.parse(run.stdout);
    committedSchema.parse(json);
    const result = statusResultSchema.parse(json);
    expect(result.clusters.map((c) => [c.name, c.realm, c.mrsVersion, c.healthy])).toEqual([
      ['alpha', 'ALPHA.MRS', 'MRS 2.1.0', true],
      ['beta', 'BETA.MRS', 'MRS 2.1.0', true],
    ]);
    expect(result.clusters[1]?.kdcs).toEqual(['127.42.2.11:21732', '127.42.2.12:21732']);
    expect(result.clusters[0]?.peers).toEqual([{ realm_name: 'PARTNER.MRS', ip_port: '127.42.249.11:21732,127.42.249.12:21732' }]);
    expect(result.trust).toEqual([{ a: 'alpha', b: 'beta', aNamesB: false, bNamesA: false, state: 'none' }]);
    const state = sandboxState();
    expect(state.clusters.every((c) => c.sessions.active === 0 && c.saves === 0)).toBe(true); // logged out, read only
  });

  it('sandbox status --json shows clusters, addresses, peers and restart counts', async () => {
    const run = await runCli(['sandbox', 'status', '--state-dir', stateDir, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { running: boolean; clusters: { name: string; manager: { url: string }; restartCount: number; peers: unknown[] }[] };
    expect(doc.running).toBe(true);
    expect(doc.clusters.map((c) => [c.name, c.manager.url, c.restartCount, c.peers.length])).toEqual([
      ['alpha', 'https://127.42.1.10:28443', 0, 1],
      ['beta', 'https://127.42.2.10:28443', 0, 1],
    ]);
  });

  it('a second sandbox up on the same state dir is refused (exit 3)', async () => {
    const run = await runCli(['sandbox', 'up', '--state-dir', stateDir, '--subnet', '42', '--no-plugins']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('[SANDBOX_RUNNING]');
  });

  it('a wrong password: exit 4, one line naming the cluster, hint names the field, nothing written', async () => {
    const wrong = join(stateDir, 'wrong.password');
    writeFileSync(wrong, 'nope\n');
    const run = await runCli(['status', 'alpha', 'beta', '--config', editedConfig('beta', (m) => (m.password = { file: wrong }))]);
    expect(run.code).toBe(4);
    expect(oneErrorLine(run, 'beta')).toContain('[LOGIN_REFUSED]');
    expect(run.stderr).toContain('hint: check clusters.beta.manager.password');
    expect(sandboxState().clusters.every((c) => c.saves === 0 && c.sessions.active === 0)).toBe(true);
  });

  it('a fingerprint that does not match: exit 4 TLS_PIN_MISMATCH', async () => {
    const run = await runCli(['status', 'alpha', 'beta', '--config', editedConfig('alpha', (m) => (m.tls = { fingerprint: `sha256:${'00:'.repeat(31)}00` }))]);
    expect(run.code).toBe(4);
    expect(oneErrorLine(run, 'alpha')).toContain('[TLS_PIN_MISMATCH]');
  });

  it('--sandbox runs against simulated clusters for one command and leaves nothing behind', async () => {
    const run = await runCli(['status', 'gamma', 'delta', '--sandbox', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = statusResultSchema.parse(JSON.parse(run.stdout));
    expect(result.clusters.map((c) => c.realm)).toEqual(['GAMMA.MRS', 'DELTA.MRS']);
    const tempDir = /state in (\S+) \(removed afterwards\)/.exec(run.stderr)?.[1];
    expect(tempDir).toBeDefined();
    expect(existsSync(tempDir as string)).toBe(false);
    const address = result.clusters[0]?.manager.replace('https://', '').split(':')[0] as string;
    expect(await listening(address, 28443)).toBe(false);
  });
});

describe('status: each failure mode gives one line naming the cluster and its exit code', () => {
  it.each([
    ['fivexx', 4, 'MANAGER_HTTP_5XX', 'HTTP 503 (after 3 attempts)'],
    ['hang', 4, 'MANAGER_TIMEOUT', 'timed out after 300 ms'],
    ['garbled', 4, 'MANAGER_BAD_REPLY', 'not valid JSON'],
    ['html', 4, 'MANAGER_BAD_REPLY', 'HTML page'],
    ['reset', 4, 'MANAGER_CONNECTION_RESET', 'reset'],
    ['v3', 3, 'MRS_VERSION_UNSUPPORTED', 'MRS 3.1.0'],
  ])('%s → exit %i %s', async (cluster, code, errorCode, text) => {
    const run = await runCli(['status', cluster, '--config', join(faultDir, 'clusters.yaml')], { env: { MRS_TRUST_HTTP_TIMEOUT_MS: '300' } });
    expect(run.code, run.stderr).toBe(code);
    const line = oneErrorLine(run, cluster);
    expect(line).toContain(`[${errorCode}]`);
    expect(line).toContain(text);
  });

  it('a 2.x Manager reporting an internal version (6.5.1) works, with and without mrsVersion in clusters.yaml', async () => {
    const faultConfig = join(faultDir, 'clusters.yaml');
    const without = await runCli(['status', 'internal', '--config', faultConfig, '--json']);
    expect(without.code, without.stderr).toBe(0);
    expect(statusResultSchema.parse(JSON.parse(without.stdout)).clusters[0]).toMatchObject({ mrsVersion: '6.5.1', versionUsed: '2.x', versionSource: 'assumed', realm: 'INTERNAL.MRS' });
    const doc = parse(readFileSync(faultConfig, 'utf8')) as { clusters: Record<string, Record<string, unknown>> };
    (doc.clusters.internal as Record<string, unknown>).mrsVersion = '2.1.0';
    const withVersion = join(faultDir, 'with-version.yaml');
    writeFileSync(withVersion, stringify(doc));
    const run = await runCli(['status', 'internal', '--config', withVersion]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('internal  6.5.1 (MRS 2.1.0 from clusters.yaml), Kerberos');
  });

  it('an unhealthy service is reported, not an error', async () => {
    const run = await runCli(['status', 'sick', '--config', join(faultDir, 'clusters.yaml'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = statusResultSchema.parse(JSON.parse(run.stdout));
    expect(result.clusters[0]).toMatchObject({ healthy: false, state: 'BAD' });
    expect(result.clusters[0]?.services).toContainEqual({ name: 'HDFS', health: 'BAD' });
  });
});

describe('status shows whether each side names the other', () => {
  async function save(name: string, peers: { realm_name: string; ip_port: string }[]) {
    const cluster = clusterByName(await loadConfig(configPath), name);
    const m = createManager(cluster, { warn: () => undefined, debug: () => undefined });
    await m.login();
    try {
      await m.savePeerRealms(peers, { expectedVersion: (await m.readKerberosFacts()).configVersion, restart: false });
    } finally {
      await m.logout();
    }
  }
  const trust = async () => {
    const run = await runCli(['status', 'alpha', 'beta', '--config', configPath, '--json']);
    expect(run.code, run.stderr).toBe(0);
    return statusResultSchema.parse(JSON.parse(run.stdout));
  };
  const partner = { realm_name: 'PARTNER.MRS', ip_port: '127.42.249.11:21732,127.42.249.12:21732' };

  it('one-sided, then linked, then stale when an ip_port lists other KDCs', async () => {
    await save('alpha', [partner, { realm_name: 'BETA.MRS', ip_port: '127.42.2.11:21732,127.42.2.12:21732' }]);
    let result = await trust();
    expect(result.trust[0]).toMatchObject({ aNamesB: true, bNamesA: false, state: 'one-sided' });
    expect(result.clusters[0]?.peers[1]).toEqual({ realm_name: 'BETA.MRS', ip_port: '127.42.2.11:21732,127.42.2.12:21732', cluster: 'beta', kdcsMatch: true });
    await save('beta', [partner, { realm_name: 'ALPHA.MRS', ip_port: '127.42.1.12:21732,127.42.1.11:21732' }]);
    result = await trust();
    expect(result.trust[0]?.state).toBe('linked');
    await save('beta', [partner, { realm_name: 'ALPHA.MRS', ip_port: '127.42.1.99:21732' }]);
    result = await trust();
    expect(result.trust[0]?.state).toBe('stale');
    const human = await runCli(['status', 'alpha', 'beta', '--config', configPath]);
    expect(human.stdout).toContain('ALPHA.MRS  127.42.1.99:21732  ← alpha (ip_port differs from its current KDCs)');
    expect(human.stdout).toContain('trust alpha ↔ beta: both ways, but an ip_port lists other KDCs');
  });
});

describe('sandbox down', () => {
  it('stops the process; nothing keeps listening; then status says the Manager is down (exit 4)', async () => {
    const pid = sandboxState().pid;
    const run = await runCli(['sandbox', 'down', '--state-dir', stateDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`sandbox stopped (pid ${pid})`);
    expect(() => process.kill(pid, 0)).toThrow();
    for (const host of ['127.42.1.10', '127.42.2.10']) {
      expect(await listening(host, 28443)).toBe(false);
      expect(await listening(host, 20009)).toBe(false);
    }
    expect(sandboxState().running).toBe(false);
    const down = await runCli(['status', 'alpha', 'beta', '--config', configPath], { env: { MRS_TRUST_HTTP_TIMEOUT_MS: '300' } });
    expect(down.code).toBe(4);
    expect(oneErrorLine(down, 'alpha')).toContain('[MANAGER_UNREACHABLE]');
    const again = await runCli(['sandbox', 'down', '--state-dir', stateDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no sandbox running');
  });
});
