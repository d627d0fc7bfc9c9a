import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusResultSchema } from '../../src/cli/status-result.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';

// A mixed pair (issue "MRS 3.x"): alpha MRS 2.x (CAS, /web/v1), beta MRS 3.x from the faults
// file (Basic auth, node krb5.conf). Each side is read with its own profile. Subnet 162 belongs to this file.
const SUBNET = 162;
let sb: RunningSandbox;

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  sb = await startSandbox({ stateDir: join(mkdtempSync(join(tmpdir(), 'mrs3-mixed-')), 'sandbox'), subnet: SUBNET, clusters: ['alpha', 'beta'], seedPeer: true, faults: { faults: [], clusters: { beta: { mrsVersion: '3.1.0' } } } });
});
afterAll(async () => sb?.stop());

describe('status on a mixed 2.x/3.x pair', () => {
  it('reads alpha through CAS and the 2.x API, beta through Basic auth and its node', async () => {
    const r = await runCli(['status', 'alpha', 'beta', '--config', sb.configPath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [alpha, beta] = statusResultSchema.parse(JSON.parse(r.stdout)).clusters;
    expect(alpha).toMatchObject({ realm: 'ALPHA.MRS', mrsVersion: 'MRS 2.1.0', healthy: true, peers: [expect.objectContaining({ realm_name: 'PARTNER.MRS' })] });
    expect(alpha?.healthRead).toBeUndefined();
    expect(alpha?.services).toHaveLength(8);
    expect(beta).toMatchObject({ realm: 'BETA.MRS', versionUsed: '3.1.0', healthRead: false, services: [] });
    // The seeded peer of a 3.x cluster is applied: its node krb5.conf lists it.
    expect(beta?.peers).toEqual([expect.objectContaining({ realm_name: 'PARTNER.MRS' })]);
    expect(await listening(`127.${SUBNET}.1.10`, 20009)).toBe(true);
    expect(await listening(`127.${SUBNET}.2.10`, 20009)).toBe(false);
  });

  it('the 2.x Manager has no 3.x session call, the 3.x one no 2.x call (404 both ways)', async () => {
    const call = (cluster: 'alpha' | 'beta', index: number, path: string) =>
      new Promise<number>((resolve, reject) => {
        const password = readFileSync(join(sb.stateDir, `secrets/${cluster}.password`), 'utf8').trim();
        const req = request({ host: `127.${SUBNET}.${index}.10`, port: 28443, path, ca: readFileSync(join(sb.stateDir, `certs/${cluster}.pem`)), headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await call('beta', 2, '/web/api/v2/session/status')).toBe(200);
    expect(await call('alpha', 1, '/web/api/v2/session/status')).toBe(404);
    expect(await call('beta', 2, '/web/v1/clusters')).toBe(404);
    expect(await call('beta', 2, '/web/v1/access/login_check')).toBe(404);
  });

  it('console-save on the 2.x cluster is refused (exit 2): the console commands stand in for the 3.x console only', async () => {
    const r = await runCli(['sandbox', 'console-save', 'alpha', '--peer', 'BETA.MRS=127.0.0.1:21732', '--state-dir', sb.stateDir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('[SANDBOX_MRS3]');
  });
});
