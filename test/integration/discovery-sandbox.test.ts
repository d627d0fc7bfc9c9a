import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusResultSchema } from '../../src/cli/status-result.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';

// Issue #12 item 4 through the CLI. Subnet 147 belongs to this file. The sandbox is strict where
// the adapter must adapt: a cluster keeping peer_realms under the KerberosServer role refuses a
// service-level save, and a guessed endpoint answering 404 answers 404 to every call.
const SUBNET = 147;
let sb: RunningSandbox;
let dir: string;

const snapshot = (name: string) => sb.snapshot().clusters.find((c) => c.name === name) as ReturnType<RunningSandbox['snapshot']>['clusters'][number];
const cli = (...args: string[]) => runCli([...args, '--config', sb.configPath], { env: { MRS_TRUST_HTTP_TIMEOUT_MS: '2000' } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-discovery-'));
  sb = await startSandbox({
    stateDir: dir,
    subnet: SUBNET,
    restartMs: 20,
    seedPeer: true,
    plugins: false,
    clusters: ['roles', 'plainlist', 'noport', 'noconfig'],
    faults: {
      faults: [
        { cluster: 'roles', endpoint: 'services', status: 404 },
        { cluster: 'noconfig', endpoint: 'service-config', status: 404 },
      ],
      clusters: { roles: { krbConfigLevel: 'role', version: '6.5.1' }, noport: { kdcPortsMissing: true } },
    },
  });
});
afterAll(async () => {
  await sb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('discovery fallbacks against the sandbox', () => {
  it('status: kdc_ports under the KerberosServer role, health from the documented calls when the service list is 404, version 6.5.1 taken as 2.x', async () => {
    const run = await cli('status', 'roles', '--json');
    expect(run.code, run.stderr).toBe(0);
    const roles = statusResultSchema.parse(JSON.parse(run.stdout)).clusters[0];
    expect(roles).toMatchObject({ realm: 'ROLES.MRS', kdcs: [`127.${SUBNET}.1.11:21732`, `127.${SUBNET}.1.12:21732`], services: [{ name: 'cluster', health: 'GOOD' }, { name: 'KrbServer', health: 'GOOD' }], healthy: true, versionUsed: '2.x' });
    expect(roles?.kdcSource).toMatch(/^kdc_ports 21732 from the KerberosServer role \(GET \/web\/v1\/config\/cluster\/1\/service\/KrbServer\)$/);
  });

  it('link saves peer_realms where each side keeps it (role level on one, service level on the other), keeping the seeded rows', async () => {
    const run = await cli('link', 'roles', 'plainlist', '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('from the KerberosServer role');
    expect(snapshot('roles').peers).toEqual([expect.objectContaining({ realm_name: 'PARTNER.MRS' }), { realm_name: 'PLAINLIST.MRS', ip_port: `127.${SUBNET}.2.11:21732,127.${SUBNET}.2.12:21732` }]);
    expect(snapshot('plainlist').peers).toEqual([expect.objectContaining({ realm_name: 'PARTNER.MRS' }), { realm_name: 'ROLES.MRS', ip_port: `127.${SUBNET}.1.11:21732,127.${SUBNET}.1.12:21732` }]);
  });

  it('no kdc_ports anywhere: status and link refuse with exit 3 naming the call, nothing saved', async () => {
    const status = await cli('status', 'noport');
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/error: noport: GET \/web\/v1\/config\/cluster\/1\/service\/KrbServer has no kdc_ports .* \[KDC_PORT_UNKNOWN\]/);
    expect(status.stderr).toContain('hint: set clusters.noport.manager.discovery: krb5conf');
    const link = await cli('link', 'noport', 'plainlist', '--yes');
    expect(link.code).toBe(3);
    expect(link.stderr).toContain('[KDC_PORT_UNKNOWN]');
    expect(link.stderr).not.toMatch(/at .*\.js:\d+/);
    expect([snapshot('noport').saves, snapshot('plainlist').saves]).toEqual([0, 1]);
  });

  it('a KrbServer configuration that cannot be read: exit 4 naming the call, nothing saved on either side', async () => {
    const before = snapshot('plainlist').saves;
    const run = await cli('link', 'noconfig', 'plainlist', '--yes');
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/error: noconfig: GET \/web\/v1\/config\/cluster\/1\/service\/KrbServer/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect([snapshot('noconfig').saves, snapshot('plainlist').saves]).toEqual([0, before]);
  });
});
