import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { clientRefreshResultSchema, type ClientRefreshResult } from '../../src/workflow/clients/result-schema.js';
import { runCli } from '../support/cli.js';

// Subnet 57 (127.57.x.x) belongs to this file.
const SUBNET = 57;
const KRB5 = 'opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf';
const env = { SSH_AUTH_SOCK: '' };

describe('clients refresh against the sandbox (CLI, simulated Manager and SSH hosts)', () => {
  let sb: RunningSandbox;
  let roots: Record<string, string>;
  const refresh = async (...args: string[]) => {
    const run = await runCli(['clients', 'refresh', ...args, '--config', sb.configPath, '--json'], { env });
    let result: ClientRefreshResult | undefined;
    if (run.stdout.trim().startsWith('{') && !run.stdout.includes('"error"')) result = clientRefreshResultSchema.parse(JSON.parse(run.stdout));
    return { ...run, result };
  };
  const statuses = (r: ClientRefreshResult | undefined) => r?.hosts.map((h) => `${h.host} ${h.status}${h.code ? ` ${h.code}` : ''}`);

  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-clients-')), subnet: SUBNET, restartMs: 30 });
    const hosts = (sb.snapshot().plugins.ssh as { hosts: { name: string; root: string; address: string }[] }).hosts;
    roots = Object.fromEntries(hosts.map((h) => [h.address.split(':')[0] as string, h.root]));
  });
  afterAll(async () => sb?.stop());

  it('bad flags: exit 2 naming the flag, nothing contacted', async () => {
    const cases: [string[], RegExp][] = [
      [['alpha', '--tarball', 'alpha'], /--tarball "alpha": expected NAME=PATH/],
      [['alpha', '--parallel', '0'], /--parallel: "0" is not a whole number/],
      [['alpha', 'gamma'], /no cluster "gamma"/],
      [['alpha', '--hosts', '10.9.9.9'], /--hosts: 10\.9\.9\.9 is not a client host of alpha/],
      [['alpha', '--tarball', 'beta=/x.tar'], /--tarball beta=…: beta is not one of alpha/],
      [['alpha', '--scenario', '3'], /--scenario: "3" is not 1 or 2/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['clients', 'refresh', ...args, '--config', sb.configPath], { env });
      expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(sb.snapshot().clusters.every((c) => c.sessions.logins === 0)).toBe(true);
  });

  it('before link: the configurations do not name each other, so every host fails the krb5.conf check (exit 5, one JSON document)', async () => {
    const run = await refresh('alpha', 'beta');
    expect(run.code, run.stderr).toBe(5);
    expect(run.result?.tarballs.map((t) => [t.cluster, t.origin, t.realm])).toEqual([['alpha', 'manager', 'ALPHA.MRS'], ['beta', 'manager', 'BETA.MRS']]);
    expect(new Set(run.result?.hosts.map((h) => h.code))).toEqual(new Set(['KRB5_PEER_MISSING']));
    expect(run.stderr).toMatch(/does not name BETA\.MRS: is the trust set up/);
    expect(run.stderr).toContain('[CLIENTS_PARTIAL]');
  });

  it('after link: link refreshed every client host (krb5.conf names the peer realm); clients refresh then skips them all, --force redoes them', async () => {
    const link = await runCli(['link', 'alpha', 'beta', '--yes', '--config', sb.configPath], { env });
    expect(link.code, link.stderr).toBe(0);
    expect(link.stdout).toContain('refresh-clients: 4 client hosts refreshed, 0 already current');
    const run = await refresh('alpha', 'beta');
    expect(run.code, run.stderr).toBe(0);
    expect(run.result?.scenario).toBe(1);
    expect(run.result?.summary).toEqual({ ok: 0, failed: 0, unreachable: 0, skipped: 4 });
    for (const h of run.result?.hosts ?? []) {
      const krb5 = readFileSync(join(roots[h.host] as string, KRB5), 'utf8');
      expect(krb5).toContain(`default_realm = ${h.cluster === 'alpha' ? 'ALPHA.MRS' : 'BETA.MRS'}`);
      expect(krb5).toMatch(h.cluster === 'alpha' ? /BETA\.MRS = \{/ : /ALPHA\.MRS = \{/);
      expect(readFileSync(join(roots[h.host] as string, 'opt/client/.mrs-trust-client-config'), 'utf8')).toContain(h.cluster);
      // Uploads (and their hidden .part names) are removed afterwards.
      expect(readdirSync(join(roots[h.host] as string, 'tmp')).filter((f) => f.includes('mrs-trust'))).toEqual([]);
    }
    const forced = await refresh('alpha', 'beta', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.result?.summary).toEqual({ ok: 4, failed: 0, unreachable: 0, skipped: 0 });
  });

  it('human table; a failing refreshConfig.sh on one host fails only that host (exit 5), and the next run only redoes it', async () => {
    const alphaHosts = Object.keys(roots).filter((ip) => ip.startsWith(`127.${SUBNET}.1.2`));
    const bad = alphaHosts[0] as string;
    mkdirSync(join(roots[bad] as string, '.sandbox'), { recursive: true });
    writeFileSync(join(roots[bad] as string, '.sandbox/refresh-fault'), 'fail\n');
    const run = await runCli(['clients', 'refresh', 'alpha', 'beta', '--scenario', '2', '--parallel', '2', '--config', sb.configPath, '--progress', 'none'], { env });
    expect(run.code, run.stderr).toBe(5);
    expect(run.stdout).toMatch(new RegExp(`alpha\\s+root@${bad.replace(/\./g, '\\.')}:2222\\s+beta\\+alpha\\s+failed \\(refreshConfig.sh exited 1: Failed to refresh components client config.\\)`));
    expect(run.stdout).toContain('3 ok, 0 skipped (already current), 1 failed, 0 unreachable');
    writeFileSync(join(roots[bad] as string, '.sandbox/refresh-fault'), '');
    const again = await refresh('alpha', 'beta', '--scenario', '2');
    expect(statuses(again.result)?.filter((s) => !s.endsWith('skipped'))).toEqual([`${bad} ok`]);
    expect(readdirSync(join(roots[bad] as string, 'tmp')).filter((f) => f.includes('mrs-trust'))).toEqual([]);
  });

  it('--hosts and --tarball: only the named host, with the given file', async () => {
    const tarball = join(sb.stateDir, 'beta.tar');
    const { writeClientConfigTarball } = await import('../../src/sandbox/client-config.js');
    await writeClientConfigTarball(tarball, { cluster: 'beta', realm: 'BETA.MRS', kdcs: [`127.${SUBNET}.2.11:21732`], peers: [{ realm_name: 'ALPHA.MRS', ip_port: `127.${SUBNET}.1.11:21732` }] });
    const host = `127.${SUBNET}.2.22`;
    const run = await refresh('beta', '--hosts', host, '--tarball', `beta=${tarball}`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.result?.tarballs[0]).toMatchObject({ origin: 'flag', from: tarball });
    expect(statuses(run.result)).toEqual([`${host} ok`]);
    // Plain progress without --verbose: no per-host lines (the result lists every host).
    expect(run.stderr).not.toContain(`beta/${host}`);
  });

  it('--sandbox: simulated clusters for this one command, refreshed and stopped again', async () => {
    const run = await runCli(['clients', 'refresh', 'alpha', '--sandbox', '--json', '--config', '/nonexistent/clusters.yaml'], { env });
    expect(run.code, run.stderr).toBe(0);
    const result = clientRefreshResultSchema.parse(JSON.parse(run.stdout));
    expect(result.summary).toEqual({ ok: 2, failed: 0, unreachable: 0, skipped: 0 });
    expect(run.stderr).toMatch(/sandbox: alpha .*removed afterwards/);
  });

  it('MRS 3.x (mrsVersion 3.x): the tar is extracted on the host and the ConfigFiles directory passed; nothing left behind', async () => {
    const { parse, stringify } = await import('yaml');
    const doc = parse(readFileSync(sb.configPath, 'utf8')) as { clusters: Record<string, Record<string, unknown>> };
    (doc.clusters.alpha as Record<string, unknown>).mrsVersion = '3.1.0';
    const config3 = join(sb.stateDir, 'clusters-3x.yaml');
    writeFileSync(config3, stringify(doc));
    // The sandbox Manager is 2.x (its login refuses a 3.x profile), so the tarball comes from a file.
    const { writeClientConfigTarball } = await import('../../src/sandbox/client-config.js');
    const tarball = join(sb.stateDir, 'alpha-3x.tar');
    await writeClientConfigTarball(tarball, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: [`127.${SUBNET}.1.11:21732`], peers: [] });
    const run = await runCli(['clients', 'refresh', 'alpha', '--tarball', `alpha=${tarball}`, '--json', '--verbose', '--config', config3], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(clientRefreshResultSchema.parse(JSON.parse(run.stdout)).summary.ok).toBe(2);
    // --verbose: the per-host lines (hidden in plain progress without it).
    expect(run.stderr).toContain('apply: check the upload');
    for (const ip of Object.keys(roots).filter((a) => a.startsWith(`127.${SUBNET}.1.2`))) {
      expect(readFileSync(join(roots[ip] as string, KRB5), 'utf8')).toContain('default_realm = ALPHA.MRS');
      expect(readdirSync(join(roots[ip] as string, 'tmp')).filter((f) => f.includes('mrs-trust'))).toEqual([]);
    }
  });
});
