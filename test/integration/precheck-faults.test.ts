import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxLayout } from '../../src/sandbox/layout.js';
import { startCloud } from '../../src/sandbox/cloud/index.js';
import { noCloudFaults } from '../../src/sandbox/cloud/faults.js';
import { runCli } from '../support/cli.js';

// The CLI against the sandbox cloud API alone (`--only security-groups`: no Managers), with faults.
// Every failure must be clear and leave the security groups exactly as they were.
// Subnet 83 belongs to this file.
const SUBNET = 83;
let plugin: Awaited<ReturnType<typeof startCloud>>;
let dir: string;

function writeConfig(name: string, auth?: (cluster: string) => Record<string, unknown>): string {
  const doc = {
    version: 1,
    clusters: Object.fromEntries(
      Object.entries(plugin.clusters).map(([cluster, f]) => {
        const cloud = structuredClone(f.cloud as Record<string, unknown>);
        if (auth) cloud.auth = auth(cluster);
        return [cluster, { type: 'analysis', manager: { url: 'https://127.0.0.1:28443', user: 'admin', password: { env: 'UNUSED_PASSWORD' } }, cloud }];
      }),
    ),
  };
  const path = join(dir, name);
  writeFileSync(path, stringify(doc));
  return path;
}

const rulesSnapshot = () => JSON.stringify(plugin.sim.snapshot());
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-precheck-faults-'));
  mkdirSync(join(dir, 'secrets'));
  plugin = await startCloud(sandboxLayout(['alpha', 'beta'], SUBNET), dir, { managers: [], onPeerRealmsSaved: () => undefined }, { closedGroups: true });
  config = writeConfig('clusters.yaml');
});
afterAll(async () => plugin?.stop());
beforeEach(() => {
  plugin.sim.faults = noCloudFaults();
});

describe('precheck --fix faults: clear errors, no partial state', () => {
  it('quota (VPC.9905) after 3 of 8 rules: exit 4, the 3 rules are removed again, the journal holds none', async () => {
    const before = rulesSnapshot();
    plugin.sim.faults.ruleQuota = 3;
    const r = await runCli(['--config', config, 'precheck', 'alpha', 'beta', '--only', 'security-groups', '--fix', '--yes']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error: alpha: POST \/v3\/\{project_id\}\/vpc\/security-group-rules: security-group rule quota exceeded \(HTTP 409 VPC\.9905.*\[CLOUD_QUOTA\]/);
    expect(r.stderr).toMatch(/removed the 3 rule\(s\) this run had added before the failure/);
    expect(rulesSnapshot()).toBe(before);
    const journal = JSON.parse(readFileSync(join(dir, '.mrs-trust', 'journal', 'alpha+beta.json'), 'utf8'));
    expect(journal.status).toBe('failed');
    expect(journal.steps.flatMap((s: { undo?: { ruleIds: string[] } }) => s.undo?.ruleIds ?? [])).toEqual([]);
  });

  it('a malformed create reply (rule created, answer unusable): exit 4 naming the endpoint, and the orphan is removed', async () => {
    const before = rulesSnapshot();
    plugin.sim.faults.malformed = [{ endpoint: 'vpc-create-rule', kind: 'missing-fields' }];
    const r = await runCli(['--config', config, 'precheck', 'alpha', 'beta', '--only', 'security-groups', '--fix', '--yes']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/POST \/v3\/\{project_id\}\/vpc\/security-group-rules: unexpected reply: security_group_rule: .*\[CLOUD_MALFORMED\]/);
    expect(rulesSnapshot()).toBe(before);
  });

  it('a malformed list reply: exit 4 naming the endpoint, nothing written', async () => {
    const before = rulesSnapshot();
    plugin.sim.faults.malformed = [{ endpoint: 'vpc-list-rules', kind: 'html' }];
    const r = await runCli(['--config', config, 'precheck', 'alpha', 'beta', '--only', 'security-groups', '--fix', '--yes']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/GET \/v3\/\{project_id\}\/vpc\/security-group-rules: unexpected reply: not JSON .*starting "<!DOCTYPE html>/);
    expect(rulesSnapshot()).toBe(before);
  });

  it('wrong AK/SK: rejected by the sandbox signature check, exit 4 naming the key fields', async () => {
    writeFileSync(join(dir, 'secrets', 'wrong.sk'), 'wrong-secret-key\n');
    const bad = writeConfig('wrong-sk.yaml', () => ({ ak: { file: 'secrets/cloud.ak' }, sk: { file: 'secrets/wrong.sk' } }));
    const r = await runCli(['--config', bad, 'precheck', 'alpha', 'beta', '--only', 'security-groups', '--fix', '--yes']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/refused the credentials \(HTTP 401 APIGW\.0301: Incorrect IAM authentication information: verify aksk signature fail\) \[CLOUD_AUTH\]/);
    expect(r.stderr).toMatch(/hint: check clusters\.(alpha|beta)\.cloud\.auth\.ak and clusters\.\1\.cloud\.auth\.sk/);
  });

  it('expired token (IAM login): refreshed once, then exit 4 naming the login fields', async () => {
    plugin.sim.faults.expiredTokens = true;
    const login = writeConfig('login.yaml', () => ({ user: 'sandbox', domain: 'sandbox', password: { file: 'secrets/cloud.password' } }));
    const before = plugin.sim.calls.get('iam-token') ?? 0;
    const r = await runCli(['--config', login, 'precheck', 'alpha', 'beta', '--only', 'security-groups']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/refused the credentials again after a fresh token \(HTTP 401 APIGW\.0301: Incorrect IAM authentication information: the token has expired\)/);
    expect(r.stderr).toMatch(/hint: check clusters\.\w+\.cloud\.auth\.user, clusters\.\w+\.cloud\.auth\.password and clusters\.\w+\.cloud\.auth\.domain/);
    expect((plugin.sim.calls.get('iam-token') ?? 0) - before).toBeGreaterThanOrEqual(2);
  });

  it('IAM login works end to end without faults (one login per run and project)', async () => {
    const login = writeConfig('login-ok.yaml', () => ({ user: 'sandbox', domain: 'sandbox', password: { file: 'secrets/cloud.password' } }));
    const before = plugin.sim.calls.get('iam-token') ?? 0;
    const r = await runCli(['--config', login, 'precheck', 'alpha', 'beta', '--only', 'security-groups']);
    expect(r.code).toBe(3);
    expect((plugin.sim.calls.get('iam-token') ?? 0) - before).toBe(2);
  });
});

describe('offline --rules-file', () => {
  it('checks from an exported file without credentials; --fix with it is a usage error', async () => {
    const rules = Object.values(plugin.sim.snapshot()).flat();
    const clusters = Object.fromEntries(plugin.sim.clusters.map((c) => [c.name, { cluster: { clusterId: c.clusterId, clusterName: c.name, clusterState: 'running', clusterVersion: c.version, safeMode: 1, vpcId: 'v', subnetId: 's', securityGroupsId: c.masterGroup, slaveSecurityGroupsId: c.coreGroup, masterNodeIp: c.masterNodeIp }, hosts: c.nodes }]));
    const file = join(dir, 'export.json');
    writeFileSync(file, JSON.stringify({ clusters, security_group_rules: rules }));
    const noCloud = join(dir, 'no-cloud.yaml');
    writeFileSync(noCloud, stringify({ version: 1, clusters: { alpha: { type: 'analysis', manager: { url: 'https://127.0.0.1:28443', user: 'admin', password: { env: 'X' } } }, beta: { type: 'analysis', manager: { url: 'https://127.0.0.2:28443', user: 'admin', password: { env: 'X' } } } } }));
    const calls = JSON.stringify(Object.fromEntries(plugin.sim.calls));
    const r = await runCli(['--config', noCloud, 'precheck', 'alpha', 'beta', '--only', 'security-groups', '--rules-file', file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/rules from a rules file/);
    expect(r.stdout).toContain('sg-beta-core: + ingress IPv4 ANY from sg-alpha-master');
    expect(JSON.stringify(Object.fromEntries(plugin.sim.calls))).toBe(calls);
    const fix = await runCli(['--config', noCloud, 'precheck', 'alpha', 'beta', '--only', 'security-groups', '--rules-file', file, '--fix', '--yes']);
    expect(fix.code).toBe(2);
    expect(fix.stderr).toMatch(/--fix and --rules-file/);
    const missing = await runCli(['--config', noCloud, 'precheck', 'alpha', 'beta', '--only', 'security-groups']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/clusters\.alpha\.cloud is not configured/);
    expect(missing.stderr).toMatch(/--rules-file/);
  });
});

describe('the full report without cloud access', () => {
  it('the security-group check is unknown (never a pass) and names the missing fields; the other checks still run', async () => {
    const noCloud = join(dir, 'no-cloud-full.yaml');
    writeFileSync(noCloud, stringify({ version: 1, clusters: { alpha: { type: 'analysis', manager: { url: 'https://127.0.0.1:28443', user: 'admin', password: { env: 'X' } } }, beta: { type: 'analysis', manager: { url: 'https://127.0.0.2:28443', user: 'admin', password: { env: 'X' } } } } }));
    const r = await runCli(['--config', noCloud, 'precheck', 'alpha', 'beta', '--json', '--probe-timeout', '0.5'], { env: { MRS_TRUST_HTTP_TIMEOUT_MS: '500' } });
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toBe('none');
    expect(doc.checks.find((c: { name: string }) => c.name === 'security-groups')).toMatchObject({ status: 'unknown', found: ['clusters.alpha.cloud and clusters.beta.cloud not configured'] });
    // Nothing listens on the Managers' addresses here: reachability fails, and what depends on discovery is unknown.
    expect(doc.checks.filter((c: { name: string }) => c.name === 'manager-reachable').map((c: { status: string }) => c.status)).toEqual(['fail', 'fail']);
    expect(doc.checks.filter((c: { name: string }) => c.name === 'kdc-reachable').map((c: { status: string }) => c.status)).toEqual(['unknown', 'unknown']);
  });
});
