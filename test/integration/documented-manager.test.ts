import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { FaultFile } from '../../src/sandbox/faults.js';
import { linkResultSchema } from '../../src/workflow/link/result.js';
import { runCli } from '../support/cli.js';

/**
 * #12 acceptance against Managers that serve only the documented API (docs/sandbox.md "Manager
 * profiles"): every guessed write or restart path answers 404, progress replies have exactly the
 * documented shape, the CAS form carries `execution`. Subnet 61 belongs to this file.
 */
const SUBNET = 61;
type Options = Partial<Parameters<typeof startSandbox>[0]>;

async function withSandbox(options: Options, fn: (sb: RunningSandbox) => Promise<void>) {
  const sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-doc-')), subnet: SUBNET, restartMs: 200, seedPeer: true, plugins: false, ...options });
  try {
    await fn(sb);
  } finally {
    await sb.stop();
  }
}

const cluster = (sb: RunningSandbox, name: string) => sb.snapshot().clusters.find((c) => c.name === name) as ReturnType<RunningSandbox['snapshot']>['clusters'][number];
const faults = (over: Partial<FaultFile>): FaultFile => ({ faults: [], clusters: {}, ...over });

describe('a Manager with the documented API and answers to the reads (documented-reads)', () => {
  it('link exits 0, restarts both sides through the save, keeps the unrelated peer; unlink likewise', async () => {
    // alpha also sends its JSON as text/html, as some Managers do.
    await withSandbox({ manager: 'documented-reads', faults: faults({ clusters: { alpha: { jsonContentType: 'text/html;charset=UTF-8' } } }) }, async (sb) => {
      const link = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(link.code, link.stderr).toBe(0);
      expect(linkResultSchema.parse(JSON.parse(link.stdout)).sides.map((s) => [s.change, s.restarted])).toEqual([['added', true], ['added', true]]);
      for (const name of ['alpha', 'beta']) {
        const c = cluster(sb, name);
        expect(c.managerProfile).toBe('documented-reads');
        expect(c.peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS', name === 'alpha' ? 'BETA.MRS' : 'ALPHA.MRS']);
        expect(c.restarts.map((r) => [r.via, r.services, r.outcome])).toEqual([['save', ['KrbServer'], 'COMPLETE']]);
      }
      const unlink = await runCli(['unlink', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(unlink.code, unlink.stderr).toBe(0);
      for (const name of ['alpha', 'beta']) {
        expect(cluster(sb, name).peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS']);
        expect(cluster(sb, name).restarts.map((r) => r.via)).toEqual(['save', 'save']);
      }
      const status = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath]);
      expect(status.code, status.stderr).toBe(0);
    });
  }, 120_000);

  it('KrbServer configuration cannot be read: exit 4 naming the call, nothing saved, no stack trace', async () => {
    await withSandbox({ manager: 'documented-reads', faults: faults({ faults: [{ cluster: 'beta', endpoint: 'service-config', status: 404, after: 0 }] }) }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('beta: GET /web/v1/config/cluster/1/service/KrbServer');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect([cluster(sb, 'alpha').saves, cluster(sb, 'beta').saves]).toEqual([0, 0]);
    });
  }, 120_000);
});

describe('a Manager with only the documented API (documented)', () => {
  it('link refuses before writing (exit 3 or 4 naming a call), never half-applies; no stack trace', async () => {
    await withSandbox({ manager: 'documented' }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes']);
      expect([3, 4]).toContain(run.code);
      expect(run.stderr).toMatch(/(alpha|beta): GET \/web\/v1\/\S+/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect([cluster(sb, 'alpha').saves, cluster(sb, 'beta').saves, cluster(sb, 'alpha').restartCount]).toEqual([0, 0, 0]);
    });
  }, 120_000);
});

describe('a session that expires mid-run', () => {
  it('link completes: reads log in again once, the save is re-read and sent once', async () => {
    const expire = faults({
      faults: [
        { endpoint: 'progress', expireSession: true, after: 0, times: 1 },
        { cluster: 'beta', endpoint: 'save', expireSession: true, after: 0, times: 1 },
      ],
    });
    await withSandbox({ manager: 'documented-reads', faults: expire }, async (sb) => {
      const run = await runCli(['link', 'alpha', 'beta', '--config', sb.configPath, '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const [alpha, beta] = [cluster(sb, 'alpha'), cluster(sb, 'beta')];
      expect([alpha.saves, beta.saves]).toEqual([1, 1]);
      expect(alpha.sessions.logins).toBeGreaterThanOrEqual(2);
      expect(beta.sessions.logins).toBeGreaterThanOrEqual(2);
      expect(beta.peers.map((p) => p.realm_name)).toEqual(['PARTNER.MRS', 'ALPHA.MRS']);
      expect([alpha.sessions.active, beta.sessions.active]).toEqual([0, 0]);
    });
  }, 120_000);
});

describe("README's first command", () => {
  it('link alpha beta --sandbox --yes still exits 0 (the generated clusters.yaml confirms the peer_realms encoding)', async () => {
    const run = await runCli(['link', 'alpha', 'beta', '--sandbox', '--yes']);
    expect(run.code, run.stderr).toBe(0);
  }, 180_000);
});
