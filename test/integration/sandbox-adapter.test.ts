import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManager } from '../../src/adapters/manager/index.js';
import { loadConfig, type ClusterConfig } from '../../src/config/load.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

// The adapter against the in-process sandbox: the documented CAS flow and the assumed endpoints end to end.
const SUBNET = 41;
let sandbox: RunningSandbox;
let dir: string;
let clusters: Record<string, ClusterConfig>;
const log = { warn: () => undefined, debug: () => undefined };
const fast = { retries: 1, backoffMs: 1, timeoutMs: 5000 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-sbx-'));
  sandbox = await startSandbox({ stateDir: dir, subnet: SUBNET, restartMs: 50, seedPeer: true, plugins: false });
  clusters = (await loadConfig(sandbox.configPath)).clusters;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Manager adapter against the sandbox', () => {
  it('logs in, reads facts, saves peer_realms with a restart, and logs out', async () => {
    const m = createManager(clusters.alpha as ClusterConfig, log, fast);
    await m.login();
    try {
      const info = await m.readClusterInfo();
      expect(info).toMatchObject({ name: 'alpha', kerberos: true, state: 'GOOD' });
      const facts = await m.readKerberosFacts();
      expect(facts.realm).toBe('ALPHA.MRS');
      expect(facts.kdcs).toEqual([{ ip: `127.${SUBNET}.1.11`, port: 21732 }, { ip: `127.${SUBNET}.1.12`, port: 21732 }]);
      expect(facts.peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS']);
      const health = await m.readHealth();
      expect(health.every((s) => s.health === 'GOOD')).toBe(true);
      const peers = [...facts.peers, { realm_name: 'BETA.MRS', ip_port: `127.${SUBNET}.2.11:21732,127.${SUBNET}.2.12:21732` }];
      const saved = await m.savePeerRealms(peers, { expectedVersion: facts.configVersion, restart: true });
      expect(saved.commandId).toBeDefined();
      const seen: number[] = [];
      const done = await m.waitForCommand(saved.commandId as string, { timeoutMs: 10_000, pollMs: 10, onProgress: (p) => seen.push(p.percent) });
      expect(done.state).toBe('COMPLETE');
      expect(seen.at(-1)).toBe(100);
      const after = await m.readKerberosFacts();
      expect(after.peers).toEqual(peers);
      expect(after.configVersion).not.toBe(facts.configVersion);
      await expect(m.savePeerRealms(peers, { expectedVersion: facts.configVersion, restart: false })).rejects.toMatchObject({ code: 'CONFIG_DRIFT', exitCode: 3 });
    } finally {
      await m.logout();
    }
    const snap = sandbox.snapshot().clusters.find((c) => c.name === 'alpha');
    expect(snap?.restartCount).toBe(1);
    expect(snap?.sessions.active).toBe(0);
  });

  it('refuses a wrong password with exit 4 naming the config field', async () => {
    const file = join(dir, 'wrong.password');
    writeFileSync(file, 'not-it\n');
    const beta = clusters.beta as ClusterConfig;
    const m = createManager({ ...beta, manager: { ...beta.manager, password: { file } } }, log, fast);
    const error = await m.login().catch((e: unknown) => e);
    await m.logout();
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED', exitCode: 4 });
    expect((error as { hint: string }).hint).toContain('clusters.beta.manager.password');
  });

  it('refuses a certificate that does not match the pin', async () => {
    const beta = clusters.beta as ClusterConfig;
    const m = createManager({ ...beta, manager: { ...beta.manager, tls: { fingerprint: `sha256:${'AB:'.repeat(31)}AB` } } }, log, fast);
    await expect(m.login()).rejects.toMatchObject({ code: 'TLS_PIN_MISMATCH', exitCode: 4 });
    await m.logout();
  });

  it('shows the fingerprint to pin when the certificate is self-signed and no tls is set', async () => {
    const beta = clusters.beta as ClusterConfig;
    const m = createManager({ ...beta, manager: { ...beta.manager, tls: undefined } }, log, fast);
    const error = (await m.login().catch((e: unknown) => e)) as { code: string; hint: string };
    await m.logout();
    expect(error.code).toBe('TLS_UNTRUSTED');
    expect(error.hint).toContain(beta.manager.tls?.fingerprint);
  });

  it('tls.insecure works and warns once', async () => {
    const beta = clusters.beta as ClusterConfig;
    const warnings: string[] = [];
    const m = createManager({ ...beta, manager: { ...beta.manager, tls: { insecure: true } } }, { warn: (l) => warnings.push(l), debug: () => undefined }, fast);
    await m.login();
    await expect(m.readClusterInfo()).resolves.toMatchObject({ name: 'beta' });
    await m.logout();
    expect(warnings).toEqual(['clusters.beta.manager.tls.insecure: the Manager certificate is NOT verified; pin it with tls.fingerprint']);
  });

  it('a server that accepts TCP but never speaks TLS times out, pinned or not', async () => {
    const silent = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(20009, `127.${SUBNET}.9.10`, resolve));
    try {
      const beta = clusters.beta as ClusterConfig;
      for (const tls of [beta.manager.tls, undefined]) {
        const cluster = { ...beta, manager: { ...beta.manager, url: `https://127.${SUBNET}.9.10:28443`, cas: `https://127.${SUBNET}.9.10:20009`, tls } };
        const m = createManager(cluster, log, { ...fast, timeoutMs: 100, retries: 0 });
        await expect(m.login()).rejects.toMatchObject({ code: 'MANAGER_TIMEOUT', exitCode: 4 });
        await m.logout();
      }
    } finally {
      silent.close();
    }
  });

  it('trusts the certificate through tls.ca', async () => {
    const beta = clusters.beta as ClusterConfig;
    const m = createManager({ ...beta, manager: { ...beta.manager, tls: { ca: join(dir, 'certs', 'beta.pem') } } }, log, fast);
    await m.login();
    await expect(m.readClusterInfo()).resolves.toMatchObject({ name: 'beta' });
    await m.logout();
  });
});
