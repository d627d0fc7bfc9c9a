import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { meshResultSchema } from '../../src/workflow/mesh/result.js';
import { runCli } from '../support/cli.js';

// Three clusters with client hosts (ssh plugin), many SSH sessions on 2 shared cores.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

// Subnet 173 belongs to this file.
const KRB5 = 'opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf';

describe('mesh refresh-clients: every partner realm, checked on every client host', () => {
  let sb: RunningSandbox;
  let topology: string;
  const hostRoot = (host: string) => join(sb.stateDir, 'ssh', 'hosts', host);
  const realmsIn = (host: string) => [...readFileSync(join(hostRoot(host), KRB5), 'utf8').matchAll(/^\s*([A-Z.]+\.MRS) = \{/gm)].map((m) => m[1]).sort();

  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-mesh-clients-')), subnet: 173, restartMs: 30, count: 3, seedPeer: true });
    topology = join(sb.stateDir, 'mesh.yaml');
    writeFileSync(topology, 'version: 1\nclusters: [alpha, beta, gamma]\ntrusts: full\n');
  });
  afterAll(async () => sb?.stop());

  it('apply: each cluster\'s client hosts name both partner realms; one broken client fails the check, named with its cluster and the realms it misses (exit 5)', async () => {
    // gamma's first client host runs a refresh that claims success and changes nothing.
    mkdirSync(join(hostRoot('client1.gamma'), '.sandbox'), { recursive: true });
    writeFileSync(join(hostRoot('client1.gamma'), '.sandbox', 'refresh-fault'), 'stale\n');
    const run = await runCli(['mesh', 'apply', topology, '--config', sb.configPath, '--yes']);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toContain('[CLIENTS_PARTIAL]');
    expect(run.stderr).toMatch(/client hosts not refreshed on 1 of 3 clusters: gamma: 127\.173\.3\.21 KRB5_PEER_MISSING \([^)]*does not name ALPHA\.MRS, BETA\.MRS/);
    expect(run.stderr).not.toMatch(/(alpha|beta): 127\.173\.[12]\.2\d KRB5/);
    for (const [host, realms] of [['client1.alpha', ['ALPHA.MRS', 'BETA.MRS', 'GAMMA.MRS', 'PARTNER.MRS']], ['client2.beta', ['ALPHA.MRS', 'BETA.MRS', 'GAMMA.MRS', 'PARTNER.MRS']], ['client2.gamma', ['ALPHA.MRS', 'BETA.MRS', 'GAMMA.MRS', 'PARTNER.MRS']]] as const) {
      expect(realmsIn(host), host).toEqual(realms);
    }
    expect(realmsIn('client1.gamma')).toEqual(['GAMMA.MRS']);
    // The trusts themselves are in place: one restart per cluster.
    expect(sb.snapshot().clusters.map((c) => c.restartCount)).toEqual([1, 1, 1]);

    // The client fixed: `clients refresh gamma` brings it up to date (the mesh itself has nothing left to change).
    writeFileSync(join(hostRoot('client1.gamma'), '.sandbox', 'refresh-fault'), '');
    const fixed = await runCli(['clients', 'refresh', 'gamma', '--config', sb.configPath]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(realmsIn('client1.gamma')).toEqual(['ALPHA.MRS', 'BETA.MRS', 'GAMMA.MRS', 'PARTNER.MRS']);
    const again = await runCli(['mesh', 'apply', topology, '--config', sb.configPath, '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(meshResultSchema.parse(JSON.parse(again.stdout)).changed).toBe(false);
  });
});
