import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloud } from '../../src/adapters/cloud/index.js';
import { clearTokenCache } from '../../src/adapters/cloud/auth.js';
import { parseConfig, type ClusterConfig } from '../../src/config/load.js';
import type { MrsTrustError } from '../../src/errors/index.js';
import { sandboxLayout } from '../../src/sandbox/layout.js';
import { startCloud, type CloudSim } from '../../src/sandbox/cloud/index.js';
import { noCloudFaults } from '../../src/sandbox/cloud/faults.js';
import { stringify } from 'yaml';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:tls';

// The cloud adapter against the sandbox cloud API (real HTTPS on 127.81.250.1, AK/SK checked by
// the server). Subnet 81 belongs to this file.
const SUBNET = 81;
const log = { warn: () => undefined, debug: () => undefined };
let stop: () => Promise<void>;
let sim: CloudSim;
let clusters: Record<string, ClusterConfig>;
let dir: string;

async function failure(p: Promise<unknown>): Promise<MrsTrustError> {
  try {
    await p;
  } catch (error) {
    return error as MrsTrustError;
  }
  throw new Error('expected a failure');
}

function configWith(mutate: (cloud: Record<string, unknown>) => void = () => undefined, fragments = plugin.clusters): Record<string, ClusterConfig> {
  const doc = {
    version: 1,
    clusters: Object.fromEntries(Object.entries(fragments).map(([name, f]) => {
      const cloud = structuredClone(f.cloud as Record<string, unknown>);
      mutate(cloud);
      return [name, { type: 'analysis', manager: { url: 'https://127.0.0.1:28443', user: 'admin', password: { env: 'UNUSED' } }, cloud }];
    })),
  };
  const path = join(dir, `clusters-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(path, stringify(doc));
  return parseConfig(stringify(doc), path).clusters;
}

let plugin: Awaited<ReturnType<typeof startCloud>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-cloud-sbx-'));
  mkdirSync(join(dir, 'secrets'));
  plugin = await startCloud(sandboxLayout(['alpha', 'beta'], SUBNET), dir, { managers: [], onPeerRealmsSaved: () => undefined }, { closedGroups: true });
  sim = plugin.sim;
  stop = plugin.stop;
  clusters = configWith();
});
afterAll(async () => stop?.());
beforeEach(() => {
  sim.faults = noCloudFaults();
  clearTokenCache();
});

describe('cloud adapter ↔ sandbox cloud API', () => {
  it('reads cluster info, hosts and both groups over AK/SK, with the certificate pinned', async () => {
    const cloud = await createCloud(clusters.alpha as ClusterConfig, log);
    const info = await cloud.readClusterInfo();
    expect(info).toMatchObject({ clusterName: 'alpha', kerberos: true, securityGroupIds: ['sg-alpha-master', 'sg-alpha-core'], nodeIps: ['127.81.1.11', '127.81.1.12', '127.81.1.13'] });
    const rules = await cloud.listRules('sg-alpha-master');
    expect(rules.filter((r) => r.direction === 'ingress').map((r) => r.remoteGroupId)).toEqual(['sg-alpha-master', 'sg-alpha-core']);
  });

  it('adds a rule once; the second add reports it as already there (VPC.9902) with its id; delete removes it', async () => {
    const cloud = await createCloud(clusters.alpha as ClusterConfig, log);
    const first = await cloud.addIngressFromGroup('sg-alpha-core', 'sg-beta-core', 'mrs-trust: test');
    expect(first.created).toBe(true);
    expect(await cloud.addIngressFromGroup('sg-alpha-core', 'sg-beta-core', 'mrs-trust: test')).toEqual({ created: false, ruleId: first.ruleId });
    await cloud.deleteRule(first.ruleId as string);
    expect((await cloud.listRules('sg-alpha-core')).some((r) => r.remoteGroupId === 'sg-beta-core')).toBe(false);
    await cloud.deleteRule(first.ruleId as string);
  });

  it('a wrong SK is rejected by the signature check, naming the key fields', async () => {
    writeFileSync(join(dir, 'wrong.sk'), 'not-the-key\n');
    const bad = configWith((c) => ((c.auth as Record<string, unknown>).sk = { file: join(dir, 'wrong.sk') }));
    const e = await failure((await createCloud(bad.alpha as ClusterConfig, log)).readClusterInfo());
    expect(e.code).toBe('CLOUD_AUTH');
    expect(e.message).toMatch(/verify aksk signature fail/);
    expect(e.hint).toMatch(/clusters\.alpha\.cloud\.auth\.ak and clusters\.alpha\.cloud\.auth\.sk/);
  });

  it('IAM login: token issued and used; an expired-token fault ends in a clear auth error after one refresh', async () => {
    const login = configWith((c) => (c.auth = { user: 'sandbox', domain: 'sandbox', password: { file: join(dir, 'secrets', 'cloud.password') } }));
    const before = sim.calls.get('iam-token') ?? 0;
    expect((await (await createCloud(login.beta as ClusterConfig, log)).readClusterInfo()).clusterName).toBe('beta');
    expect((sim.calls.get('iam-token') ?? 0) - before).toBe(1);
    sim.faults.expiredTokens = true;
    clearTokenCache();
    const e = await failure((await createCloud(login.beta as ClusterConfig, log)).listRules('sg-beta-core'));
    expect(e.code).toBe('CLOUD_AUTH');
    expect(e.message).toMatch(/refused the credentials again after a fresh token.*the token has expired/);
    expect(e.hint).toMatch(/cloud\.auth\.password/);
  });

  it('quota: 409 VPC.9905 becomes CLOUD_QUOTA', async () => {
    sim.faults.ruleQuota = 0;
    const e = await failure((await createCloud(clusters.beta as ClusterConfig, log)).addIngressFromGroup('sg-beta-core', 'sg-alpha-core', 'x'));
    expect(e.code).toBe('CLOUD_QUOTA');
    expect(e.message).toMatch(/VPC\.9905/);
  });

  it.each(['html', 'garbled', 'missing-fields'] as const)('malformed (%s) list replies name the endpoint', async (kind) => {
    sim.faults.malformed = [{ endpoint: 'vpc-list-rules', kind }];
    const e = await failure((await createCloud(clusters.beta as ClusterConfig, log)).listRules('sg-beta-core'));
    expect(e.code).toBe('CLOUD_MALFORMED');
    expect(e.message).toMatch(/GET \/v3\/\{project_id\}\/vpc\/security-group-rules: unexpected reply/);
  });

  it('falls back to the v1 rule family where v3 is not offered', async () => {
    sim.faults.v1Only = true;
    const cloud = await createCloud(clusters.beta as ClusterConfig, log);
    expect((await cloud.listRules('sg-beta-master')).length).toBeGreaterThan(0);
    const added = await cloud.addIngressFromGroup('sg-beta-master', 'sg-alpha-master', 'v1');
    expect(added.created).toBe(true);
    await cloud.deleteRule(added.ruleId as string);
  });

  it('TLS: a pinned fingerprint that does not match is CLOUD_TLS and no request is sent; a CA file works', async () => {
    const before = sim.calls.get('mrs-cluster') ?? 0;
    const wrong = configWith((c) => (c.tls = { fingerprint: `sha256:${Array.from({ length: 32 }, () => 'AB').join(':')}` }));
    const e = await failure((await createCloud(wrong.alpha as ClusterConfig, log)).readClusterInfo());
    expect(e.code).toBe('CLOUD_TLS');
    expect(e.hint).toMatch(/clusters\.alpha\.cloud\.tls/);
    expect(sim.calls.get('mrs-cluster') ?? 0).toBe(before);

    const pem = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: `127.${SUBNET}.250.1`, port: 9443, rejectUnauthorized: false }, () => {
        const raw = socket.getPeerCertificate().raw;
        socket.destroy();
        resolve(`-----BEGIN CERTIFICATE-----\n${raw.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
      });
      socket.once('error', reject);
    });
    writeFileSync(join(dir, 'cloud-ca.pem'), pem);
    const withCa = configWith((c) => (c.tls = { ca: 'cloud-ca.pem' }));
    expect((await (await createCloud(withCa.alpha as ClusterConfig, log)).readClusterInfo()).clusterName).toBe('alpha');
    const noTrust = configWith((c) => delete c.tls);
    expect((await failure((await createCloud(noTrust.alpha as ClusterConfig, log)).readClusterInfo())).code).toBe('CLOUD_TLS');
  });
});
