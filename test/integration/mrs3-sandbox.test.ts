import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import { discoverFromNodes } from '../../src/adapters/ssh/krb5conf-discovery.js';
import { statusResultSchema } from '../../src/cli/status-result.js';
import type { RemoteHost } from '../../src/ports/remote-host.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { consoleSave } from '../../src/sandbox/v3/index.js';
import { runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';

// MRS 3.x on the sandbox (issue "MRS 3.x"): `status`, the Basic-auth 401, the management nodes
// and restart-RealmConfig.sh. Subnet 161 belongs to this file.
const SUBNET = 161;
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const run = promisify(execFile);
let sb: RunningSandbox;
let dir: string;

type NodeEntry = { host: string; port: number; user: string; key: string; hostKey: string };
type Doc = { clusters: Record<string, { manager: Record<string, unknown> & { password: { file: string } }; nodes: NodeEntry[] }> };
const doc = () => parse(readFileSync(sb.configPath, 'utf8')) as Doc;

function node(cluster: string, index: number): RemoteHost {
  const n = doc().clusters[cluster]?.nodes[index] as NodeEntry;
  return createRemoteHost({ host: n.host, port: n.port, user: n.user, key: join(sb.stateDir, n.key), hostKey: n.hostKey, field: `clusters.${cluster}.nodes[${index}]` });
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function onNode(cluster: string, index: number, command: string) {
  const host = node(cluster, index);
  try {
    return await host.exec(command, { timeoutMs: 30_000 });
  } finally {
    await host.close();
  }
}

const asOmm = (script: string) => `su - omm -c 'sh \${BIGDATA_HOME}/om-server/om/sbin/${script}'`;

async function status(config = sb.configPath, extra: string[] = []) {
  const result = await runCli(['status', 'alpha', 'beta', '--config', config, '--json', ...extra]);
  return { ...result, doc: result.code === 0 ? statusResultSchema.parse(JSON.parse(result.stdout)) : undefined };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs3-'));
  sb = await startSandbox({ stateDir: join(dir, 'sandbox'), subnet: SUBNET, clusters: ['alpha', 'beta'], mrsVersion: '3.1.0' });
});
afterAll(async () => sb?.stop());

describe('status on MRS 3.x (Basic auth, krb5.conf of a node)', () => {
  it('reads realm and KDC service IPs from a node, versions from clusters.yaml, health as not read', async () => {
    const r = await status();
    expect(r.code, r.stderr).toBe(0);
    const [alpha, beta] = r.doc?.clusters ?? [];
    expect(alpha).toMatchObject({ realm: 'ALPHA.MRS', kdcs: [`127.${SUBNET}.1.11:21732`, `127.${SUBNET}.1.12:21732`], versionUsed: '3.1.0', versionSource: 'clusters.yaml', healthRead: false, healthy: false, peers: [] });
    expect(alpha?.kdcSource).toMatch(/^krb5\.conf root@127\.161\.1\.1[123]:2222:/);
    expect(beta).toMatchObject({ realm: 'BETA.MRS', healthRead: false });
    expect(r.doc?.trust[0]).toMatchObject({ state: 'none' });
    // One Basic session check per cluster; no CAS listener at all.
    expect(sb.snapshot().clusters.map((c) => c.sessions.logins)).toEqual([1, 1]);
    expect(await listening(`127.${SUBNET}.1.10`, 20009)).toBe(false);
  });

  it('the human text says health was not read and which version is used', async () => {
    const r = await runCli(['status', 'alpha', '--config', sb.configPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('alpha  MRS 3.1.0 (from clusters.yaml)');
    expect(r.stdout).toContain('services  not read (MRS 3.x has no public API for service health');
  });

  it('a wrong password is HTTP 401 → LOGIN_REFUSED, exit 4, one attempt, the Manager counts one refusal', async () => {
    const d = doc();
    const wrong = join(dir, 'wrong.password');
    writeFileSync(wrong, 'Not-The-Password@1\n', { mode: 0o600 });
    (d.clusters.alpha as Doc['clusters'][string]).manager.password = { file: wrong };
    const config = join(sb.stateDir, 'wrong.yaml');
    writeFileSync(config, stringify(d));
    const before = sb.snapshot().clusters[0]?.sessions.refused ?? 0;
    const r = await runCli(['status', 'alpha', '--config', config]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('[LOGIN_REFUSED]');
    expect(r.stderr).toContain('HTTP 401');
    expect(r.stderr).not.toContain('Not-The-Password@1');
    expect(sb.snapshot().clusters[0]?.sessions.refused).toBe(before + 1);
  });

  it('--trace-http redacts the Basic credentials (the real password and its base64 never appear)', async () => {
    const trace = join(dir, 'trace.jsonl');
    const r = await status(sb.configPath, ['--trace-http', trace]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(trace, 'utf8');
    expect(text).toContain('/web/api/v2/session/status');
    expect(text).toContain('Basic <redacted>');
    for (const c of ['alpha', 'beta']) {
      const password = readFileSync(join(sb.stateDir, `secrets/${c}.password`), 'utf8').trim();
      expect(text).not.toContain(password);
      expect(text).not.toContain(Buffer.from(`admin:${password}`).toString('base64'));
    }
  });
});

describe('management nodes and restart-RealmConfig.sh (as omm, on the active node)', () => {
  it('status-oms.sh as omm (su - omm -c) names master2 active and master1 standby, on either node', async () => {
    for (const index of [0, 1]) {
      const r = await onNode('alpha', index, asOmm('status-oms.sh'));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/HAActive/);
      expect(r.stdout).toMatch(new RegExp(`127-${SUBNET}-1-12\\s+master2\\.alpha\\s+.*\\sactive\\s`));
      expect(r.stdout).toMatch(new RegExp(`127-${SUBNET}-1-11\\s+master1\\.alpha\\s+.*\\sstandby\\s`));
    }
  });

  it('not as omm, or as another user, the scripts refuse', async () => {
    expect((await onNode('alpha', 1, `BIGDATA_HOME=/opt/Bigdata sh /opt/Bigdata/om-server/om/sbin/restart-RealmConfig.sh`)).exitCode).toBe(1);
    const other = await onNode('alpha', 1, `su - hdfs -c 'id'`);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('does not exist');
    expect((await onNode('alpha', 2, asOmm('status-oms.sh'))).exitCode).not.toBe(0);
  });

  it('the script applies the console save only on the active node: peers, real KDC principals, the nodes\' krb5.conf', async () => {
    const beta = `127.${SUBNET}.2.11:21732,127.${SUBNET}.2.12:21732`;
    await consoleSave(sb.stateDir, 'alpha', { set: [{ realm_name: 'BETA.MRS', ip_port: beta }], remove: [] });
    // Saved is not applied.
    expect(sb.snapshot().clusters[0]?.peers).toEqual([]);
    const standby = await onNode('alpha', 0, asOmm('restart-RealmConfig.sh'));
    expect(standby.exitCode).toBe(1);
    expect(standby.stdout + standby.stderr).not.toContain('Modify realm successfully');
    expect(sb.snapshot().clusters[0]?.peers).toEqual([]);

    const active = await onNode('alpha', 1, asOmm('restart-RealmConfig.sh'));
    expect(active.exitCode, active.stderr).toBe(0);
    expect(active.stdout).toContain('Modify realm successfully. Use the new password to log into FusionInsight again.');
    const alpha = sb.snapshot().clusters[0] as ReturnType<RunningSandbox['snapshot']>['clusters'][number] & { mrs3: { realmConfigRuns: { node: string; ok: boolean; clustersRunning: boolean }[] } };
    expect(alpha.peers).toEqual([{ realm_name: 'BETA.MRS', ip_port: beta }]);
    expect(alpha.mrs3.realmConfigRuns).toEqual([expect.objectContaining({ node: 'master2.alpha', ok: true, clustersRunning: true })]);

    const hosts = [0, 1, 2].map((i) => node('alpha', i));
    const fromNode = await discoverFromNodes(hosts, 'clusters.alpha');
    expect(fromNode.peers).toEqual([{ realm_name: 'BETA.MRS', ip_port: beta }]);

    if (kdc.available) {
      const kdcDir = join(sb.stateDir, 'kdc', 'alpha');
      const { stdout } = await run('kadmin.local', ['-r', 'ALPHA.MRS', '-q', 'listprincs krbtgt/*'], { env: { ...process.env, KRB5_CONFIG: join(kdcDir, 'krb5.conf'), KRB5_KDC_PROFILE: join(kdcDir, 'kdc.conf') } });
      expect(stdout).toContain('krbtgt/BETA.MRS@ALPHA.MRS');
      expect(stdout).toContain('krbtgt/ALPHA.MRS@BETA.MRS');
    }

    const r = await status();
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc?.clusters[0]?.peers).toEqual([expect.objectContaining({ realm_name: 'BETA.MRS', cluster: 'beta', kdcsMatch: true })]);
    expect(r.doc?.trust[0]).toMatchObject({ state: 'one-sided', aNamesB: true, bNamesA: false });
  });

  it('sandbox console-save refuses what the console refuses (exit 2), and console-stop/start record the cluster state', async () => {
    const bad = await runCli(['sandbox', 'console-save', 'beta', '--peer', 'beta.mrs=127.0.0.1:21732', '--state-dir', sb.stateDir]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('[SANDBOX_CONSOLE]');
    const many = Array.from({ length: 17 }, (_, i) => ['--peer', `P${i}.MRS=10.0.${i}.1:21732`]).flat();
    const tooMany = await runCli(['sandbox', 'console-save', 'beta', ...many, '--state-dir', sb.stateDir]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('at most 16');
    const syntax = await runCli(['sandbox', 'console-save', 'beta', '--peer', 'NOEQUALS', '--state-dir', sb.stateDir]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain('--peer');
    const stop = await runCli(['sandbox', 'console-stop', 'beta', '--state-dir', sb.stateDir, '--json']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ ok: true, cluster: 'beta', action: 'stop', clustersRunning: false });
    const beta = sb.snapshot().clusters[1] as unknown as { mrs3: { console: { clustersRunning: boolean } } };
    expect(beta.mrs3.console.clustersRunning).toBe(false);
    // KrbServer stops with the clusters: the real KDC no longer answers, alpha's still does.
    if (kdc.available) {
      expect(await listening(`127.${SUBNET}.2.11`, 21732)).toBe(false);
      expect(await listening(`127.${SUBNET}.1.11`, 21732)).toBe(true);
    }
    const start = await runCli(['sandbox', 'console-start', 'beta', '--state-dir', sb.stateDir]);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain('all clusters started');
    if (kdc.available) expect(await listening(`127.${SUBNET}.2.11`, 21732)).toBe(true);
  });
});
