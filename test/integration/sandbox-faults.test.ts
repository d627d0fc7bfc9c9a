import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManager } from '../../src/adapters/manager/index.js';
import { loadConfig, type ClusterConfig } from '../../src/config/load.js';
import type { Manager } from '../../src/ports/manager.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

// Subnet 44 belongs to this file. The sandbox's rules and faults, seen through the real adapter.
const SUBNET = 44;
let sandbox: RunningSandbox;
let dir: string;
let clusters: Record<string, ClusterConfig>;
const log = { warn: () => undefined, debug: () => undefined };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-faults-'));
  sandbox = await startSandbox({
    stateDir: dir,
    subnet: SUBNET,
    restartMs: 20,
    plugins: false,
    clusters: ['alpha', 'beta', 'racy', 'broken', 'plain', 'expired', 'slow', 'flaky', 'busy'],
    faults: {
      faults: [
        { cluster: 'slow', endpoint: 'cluster-status', latencyMs: 400, after: 0, times: 1 },
        { cluster: 'flaky', endpoint: 'services', status: 502, after: 1, times: 2 },
        { cluster: 'flaky', endpoint: 'hosts', malformed: 'missing-fields', after: 0 },
      ],
      clusters: {
        racy: { concurrentEdit: { afterReads: 1, realm: 'INTRUDER.MRS' } },
        broken: { restartOutcome: 'FAILED', unhealthy: ['Hive'] },
        plain: { kerberos: false },
        expired: { passwordMustChange: true },
        busy: { restartMs: 3_600_000 },
      },
    },
  });
  clusters = (await loadConfig(sandbox.configPath)).clusters;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function session<T>(name: string, fn: (m: Manager) => Promise<T>, options = {}): Promise<T> {
  const m = createManager(clusters[name] as ClusterConfig, log, { retries: 2, backoffMs: 1, timeoutMs: 5000, ...options });
  try {
    await m.login();
    return await fn(m);
  } finally {
    await m.logout();
  }
}

const snap = (name: string) => sandbox.snapshot().clusters.find((c) => c.name === name);

describe('the sandbox enforces MRS rules on its own', () => {
  const beta = { realm_name: 'BETA.MRS', ip_port: `127.${SUBNET}.2.11:21732` };
  it.each([
    ['a lowercase realm', [{ realm_name: 'beta.mrs', ip_port: beta.ip_port }], 'is invalid'],
    ['its own realm', [{ realm_name: 'ALPHA.MRS', ip_port: beta.ip_port }], "this cluster's own realm"],
    ['spaces in ip_port', [{ realm_name: 'BETA.MRS', ip_port: '127.44.2.11:21732, 127.44.2.12:21732' }], 'without spaces'],
    ['a missing port', [{ realm_name: 'BETA.MRS', ip_port: '127.44.2.11' }], 'ip:port'],
    ['17 peers', Array.from({ length: 17 }, (_, i) => ({ realm_name: `P${i}.MRS`, ip_port: `10.0.${i}.1:21732` })), 'at most 16'],
    ['a realm twice', [beta, beta], 'appears twice'],
  ])('refuses %s (exit 4, nothing saved)', async (_what, peers, text) => {
    const error = await session('alpha', async (m) => {
      const facts = await m.readKerberosFacts();
      return m.savePeerRealms(peers, { expectedVersion: facts.configVersion, restart: false }).catch((e: unknown) => e);
    });
    expect(error).toMatchObject({ code: 'MANAGER_REFUSED', exitCode: 4 });
    expect((error as Error).message).toContain(text);
    expect(snap('alpha')?.saves).toBe(0);
  });

  it('accepts 16 peers', async () => {
    const peers = Array.from({ length: 16 }, (_, i) => ({ realm_name: `P${i}.MRS`, ip_port: `10.0.${i}.1:21732,[fd00::${i + 1}]:21732` }));
    await session('beta', async (m) => m.savePeerRealms(peers, { expectedVersion: (await m.readKerberosFacts()).configVersion, restart: false }));
    expect(snap('beta')?.peers).toHaveLength(16);
  });

  it('a non-security cluster has no CAS and no KrbServer', async () => {
    const info = await session('plain', (m) => m.readClusterInfo());
    expect(info.kerberos).toBe(false);
    const error = await session('plain', (m) => m.readKerberosFacts().catch((e: unknown) => e));
    expect(error).toMatchObject({ code: 'MANAGER_REFUSED' });
  });

  it('a password that must be changed', async () => {
    const error = await session('expired', (m) => m.readClusterInfo()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PASSWORD_MUST_CHANGE', exitCode: 4 });
  });
});

describe('faults', () => {
  it('"someone else" saves between discovery and write → CONFIG_DRIFT, the other edit survives', async () => {
    const error = await session('racy', async (m) => {
      const facts = await m.readKerberosFacts();
      return m.savePeerRealms([{ realm_name: 'ALPHA.MRS', ip_port: `127.${SUBNET}.1.11:21732` }], { expectedVersion: facts.configVersion, restart: true }).catch((e: unknown) => e);
    });
    expect(error).toMatchObject({ code: 'CONFIG_DRIFT', exitCode: 3 });
    expect(snap('racy')?.peers.map((p) => p.realm_name)).toEqual(['INTRUDER.MRS']);
    expect(snap('racy')?.saves).toBe(0);
  });

  it('a restart that ends FAILED, and an unhealthy service', async () => {
    const result = await session('broken', async (m) => {
      const health = await m.readHealth();
      const info = await m.readClusterInfo();
      const facts = await m.readKerberosFacts();
      const saved = await m.savePeerRealms([{ realm_name: 'ALPHA.MRS', ip_port: `127.${SUBNET}.1.11:21732` }], { expectedVersion: facts.configVersion, restart: true });
      const done = await m.waitForCommand(saved.commandId as string, { timeoutMs: 10_000, pollMs: 5 });
      return { health, info, done };
    });
    expect(result.health).toContainEqual({ name: 'Hive', health: 'BAD' });
    expect(result.info.state).toBe('BAD');
    expect(result.done.state).toBe('FAILED');
    expect(result.done.failures?.[0]).toMatch(/^KrbServer\/\S+ \(START\)$/); // documented {fail_entity, operation_type}
    expect(snap('broken')?.restarts.map((r) => [r.via, r.outcome])).toEqual([['save', 'FAILED']]);
  });

  it('documented stop then start (only_self: true): stopped until started, each an asynchronous command', async () => {
    const seen = await session('alpha', async (m) => {
      const stop = await m.stopService('KrbServer');
      const stopped = await m.waitForCommand(stop as string, { timeoutMs: 10_000, pollMs: 5 });
      const between = await m.readHealth();
      const start = await m.startService('KrbServer');
      const started = await m.waitForCommand(start as string, { timeoutMs: 10_000, pollMs: 5 });
      return { stopped, between, started, after: await m.readHealth() };
    });
    expect([seen.stopped.state, seen.started.state]).toEqual(['COMPLETE', 'COMPLETE']);
    expect(seen.between).toContainEqual({ name: 'KrbServer', health: 'UNKNOWN' });
    expect(seen.after).toContainEqual({ name: 'KrbServer', health: 'GOOD' });
    expect(snap('alpha')?.restarts.map((r) => [r.via, r.services, r.outcome])).toEqual([['stop', ['KrbServer'], 'COMPLETE'], ['start', ['KrbServer'], 'COMPLETE']]);
  });

  it('a restarting service reports UNKNOWN health (and the cluster BAD) until the restart ends', async () => {
    const seen = await session('busy', async (m) => {
      const before = await m.readHealth();
      const id = await m.startService('KrbServer');
      const progress = await m.waitForCommand(id as string, { timeoutMs: 0 }).catch((e: unknown) => e);
      return { before, during: await m.readHealth(), info: await m.readClusterInfo(), progress };
    });
    expect(seen.before).toContainEqual({ name: 'KrbServer', health: 'GOOD' });
    expect(seen.during).toContainEqual({ name: 'KrbServer', health: 'UNKNOWN' });
    expect(seen.during).toContainEqual({ name: 'HDFS', health: 'GOOD' });
    expect(seen.info.state).toBe('BAD');
    expect(seen.progress).toMatchObject({ code: 'COMMAND_TIMEOUT' });
  });

  it('latency longer than the client timeout is a timeout; the read is retried and succeeds', async () => {
    const info = await session('slow', (m) => m.readClusterInfo(), { timeoutMs: 150 });
    expect(info.state).toBe('GOOD');
  });

  it('`after` and `times` pick which requests fail; missing-fields drops res_obj', async () => {
    const ok = await session('flaky', (m) => m.readHealth(), { retries: 0 });
    expect(ok.length).toBeGreaterThan(0);
    // A 5xx from the guessed service list falls back to the documented cluster status + KrbServer summary.
    const fallback = await session('flaky', (m) => m.readHealth(), { retries: 0 });
    expect(fallback).toEqual([{ name: 'cluster', health: 'GOOD' }, { name: 'KrbServer', health: 'GOOD' }]);
    const recovered = await session('flaky', (m) => m.readHealth(), { retries: 1 });
    expect(recovered.length).toBe(ok.length);
    const hosts = await session('flaky', (m) => m.readHosts()).catch((e: unknown) => e);
    expect(hosts).toMatchObject({ code: 'MANAGER_BAD_REPLY' });
    expect((hosts as Error).message).toContain('field res_obj');
  });

  it('every session was logged out', () => {
    expect(sandbox.snapshot().clusters.filter((c) => c.sessions.active !== 0).map((c) => c.name)).toEqual([]);
  });
});
