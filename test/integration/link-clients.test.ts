import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClientConfigTarball } from '../../src/sandbox/client-config.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { linkResultSchema } from '../../src/workflow/link/result.js';
import { runCli } from '../support/cli.js';

// Subnet 86 (127.86.x.x) belongs to this file.
const SUBNET = 86;
const env = { SSH_AUTH_SOCK: '' };

/**
 * link with client hosts (issue #12 item 9, issue #18 item 5): every client configuration the
 * refresh will need is checked in preflight, before anything is written.
 */
describe('link: client configurations are settled in preflight, before any write', () => {
  let sb: RunningSandbox;
  let dir: string;
  const cluster = (name: string) => sb.snapshot().clusters.find((c) => c.name === name) as ReturnType<RunningSandbox['snapshot']>['clusters'][number];
  const nothingWritten = () => expect([cluster('alpha').saves, cluster('beta').saves, cluster('alpha').restartCount, cluster('beta').restartCount]).toEqual([0, 0, 0, 0]);
  /** The sandbox's clusters.yaml with the assumed Manager download turned off (the default outside the sandbox). */
  const documentedOnly = () => {
    const path = join(sb.stateDir, 'documented.yaml');
    writeFileSync(path, readFileSync(sb.configPath, 'utf8').replace(/clientDownload: assumed-api/g, 'clientDownload: "off"'));
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-link-clients-'));
    sb = await startSandbox({ stateDir: join(dir, 'sb'), subnet: SUBNET, restartMs: 30 });
  });
  afterAll(async () => sb?.stop());

  it('--tarball that is not a client configuration (not a tar): exit 2 naming the file, nothing written', async () => {
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'this is not a tarball\n');
    const run = await runCli(['link', 'alpha', 'beta', '--yes', '--tarball', `alpha=${junk}`, '--config', sb.configPath], { env });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`--tarball alpha=${junk}: it is not a tar archive; nothing was uploaded [TARBALL_NOT_CLIENT_CONFIG]`);
    nothingWritten();
  });

  it('--tarball A=PATH,B=PATH whose krb5.conf predates the trust: exit 2 (TARBALL_STALE), nothing written', async () => {
    const alpha = join(dir, 'alpha-old.tar');
    const beta = join(dir, 'beta-old.tar');
    await writeClientConfigTarball(alpha, { cluster: 'alpha', realm: cluster('alpha').realm, kdcs: cluster('alpha').kdcs, peers: [] });
    await writeClientConfigTarball(beta, { cluster: 'beta', realm: cluster('beta').realm, kdcs: cluster('beta').kdcs, peers: [] });
    const run = await runCli(['link', 'alpha', 'beta', '--yes', '--tarball', `alpha=${alpha},beta=${beta}`, '--config', sb.configPath], { env });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--tarball alpha=.*alpha-old\.tar: its krb5\.conf does not name BETA\.MRS .*\[TARBALL_STALE\]/);
    nothingWritten();
  });

  it('client hosts, no --tarball, no nodes, Manager download off: exit 3 in preflight (NO_POST_TRUST_CLIENT_CONFIG), nothing written', async () => {
    const run = await runCli(['link', 'alpha', 'beta', '--yes', '--config', documentedOnly()], { env });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/alpha has client hosts, but no client configuration that names BETA\.MRS can be had: .*nothing was written \[NO_POST_TRUST_CLIENT_CONFIG\]/);
    expect(run.stderr).toMatch(/--skip-clients/);
    nothingWritten();
  });

  it('--skip-clients links without touching the client hosts; --manager-download turns the assumed endpoint on for one run', async () => {
    const skip = await runCli(['link', 'alpha', 'beta', '--yes', '--skip-clients', '--json', '--config', documentedOnly()], { env });
    expect(skip.code, skip.stderr).toBe(0);
    const steps = linkResultSchema.parse(JSON.parse(skip.stdout)).steps;
    expect(steps.find((s) => s.id === 'refresh-clients')).toMatchObject({ status: 'skipped', message: expect.stringContaining('mrs-trust clients refresh alpha beta') });
    // Now the trust exists; the Manager's download (turned on by the flag) names the peer.
    const refresh = await runCli(['clients', 'refresh', 'alpha', 'beta', '--manager-download', '--json', '--config', documentedOnly()], { env });
    expect(refresh.code, refresh.stderr).toBe(0);
    const off = await runCli(['clients', 'refresh', 'alpha', '--force', '--config', documentedOnly()], { env });
    expect(off.code).toBe(4);
    expect(off.stderr).toMatch(/Manager download: off \(an assumed API/);
  });
});
