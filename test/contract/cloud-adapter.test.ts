import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloud } from '../../src/adapters/cloud/index.js';
import { clearTokenCache } from '../../src/adapters/cloud/auth.js';
import type { ClusterConfig } from '../../src/config/load.js';
import type { MrsTrustError } from '../../src/errors/index.js';

const require = createRequire(import.meta.url);
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as {
  AKSKSigner: { sign(request: unknown, credential: { getAk(): string; getSk(): string }): Record<string, string> };
};

const PROJECT = '0123456789abcdef0123456789abcdef';
const CLUSTER_ID = 'c0ffee00-1111-2222';
const MRS = 'https://mrs.eu-west-0.myhuaweicloud.com';
const VPC = 'https://vpc.eu-west-0.myhuaweicloud.com';
const IAM = 'https://iam.eu-west-0.myhuaweicloud.com';
const AK = 'AKEXAMPLE0000000001';
const SK = 'skExample/secret+key=0000000000000000';
const log = { warn: () => undefined, debug: () => undefined };

function cluster(auth: NonNullable<ClusterConfig['cloud']>['auth'], extra: Partial<NonNullable<ClusterConfig['cloud']>> = {}): ClusterConfig {
  return {
    name: 'alpha',
    type: 'analysis',
    manager: { url: 'https://192.0.2.10:28443', cas: 'https://192.0.2.10:20009', user: 'admin', password: { env: 'X' }, discovery: 'api' },
    cloud: { region: 'eu-west-0', projectId: PROJECT, clusterId: CLUSTER_ID, auth, ...extra },
  } as ClusterConfig;
}
const aksk = () => cluster({ ak: { env: 'T_CLOUD_AK' }, sk: { env: 'T_CLOUD_SK' } });

const clusterReply = {
  cluster: {
    clusterId: CLUSTER_ID, clusterName: 'alpha-mrs', clusterState: 'running', clusterVersion: 'MRS 2.1.0', safeMode: 1,
    vpcId: 'vpc-1', subnetId: 'subnet-1', securityGroupsId: 'sg-master', slaveSecurityGroupsId: 'sg-core', masterNodeIp: '10.1.0.11', extra: 'ignored',
  },
};
const v3Rule = (id: string, extra: Record<string, unknown> = {}) => ({ id, security_group_id: 'sg-master', direction: 'ingress', ethertype: 'IPv4', protocol: null, multiport: null, action: 'allow', priority: 1, remote_group_id: 'sg-peer', remote_ip_prefix: null, remote_address_group_id: null, description: '', ...extra });
const rulesPath = `/v3/${PROJECT}/vpc/security-group-rules`;

async function failure(p: Promise<unknown>): Promise<MrsTrustError> {
  try {
    await p;
  } catch (error) {
    return error as MrsTrustError;
  }
  throw new Error('expected a failure');
}

beforeAll(() => {
  process.env.T_CLOUD_AK = AK;
  process.env.T_CLOUD_SK = SK;
  process.env.T_CLOUD_TOKEN = 'static-token-value';
  process.env.T_CLOUD_PASSWORD = 'iam-password';
  nock.disableNetConnect();
});
afterAll(() => nock.enableNetConnect());
beforeEach(() => clearTokenCache());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('cloud adapter: AK/SK', () => {
  it('signs every request exactly as the official SDK would for the bytes sent', async () => {
    const seen: string[] = [];
    const verify = function (this: { req: { headers: Record<string, string>; method: string; path: string } }, uri: string, body: unknown) {
      const h = this.req.headers;
      const url = new URL(uri, 'https://x');
      const query = Object.fromEntries(url.searchParams.entries());
      const headers: Record<string, string> = { 'X-Sdk-Date': h['x-sdk-date'] as string };
      if (h['content-type']) headers['Content-Type'] = h['content-type'];
      const origin = uri.startsWith('/v3/') ? VPC : MRS;
      const expected = AKSKSigner.sign({ method: this.req.method, endpoint: `${origin}${url.pathname}`, headers, queryParams: query, data: body === '' ? undefined : body }, { getAk: () => AK, getSk: () => SK }).Authorization;
      seen.push(`${this.req.method} ${url.pathname}`);
      return h.authorization === expected;
    };
    nock(MRS)
      .get(`/v1.1/${PROJECT}/cluster_infos/${CLUSTER_ID}`)
      .reply(function (uri, body) {
        return verify.call(this as never, uri, body) ? [200, clusterReply] : [401, { error_code: 'APIGW.0301', error_msg: 'verify aksk signature fail' }];
      })
      .get(`/v1.1/${PROJECT}/clusters/${CLUSTER_ID}/hosts`)
      .query({ pageSize: '100', currentPage: '1' })
      .reply(function (uri, body) {
        return verify.call(this as never, uri, body) ? [200, { total: '2', hosts: [{ name: 'm1', ip: '10.1.0.11', type: 'MasterNode' }, { name: 'c1', ip: '10.1.0.13', type: 'CoreNode' }] }] : [401, {}];
      });
    nock(VPC)
      .post(rulesPath, (b) => b.security_group_rule.remote_group_id === 'sg-peer' && b.security_group_rule.protocol === undefined && b.security_group_rule.multiport === undefined)
      .reply(function (uri, body) {
        return verify.call(this as never, uri, body) ? [201, { security_group_rule: v3Rule('new-1') }] : [401, {}];
      });
    const cloud = await createCloud(aksk(), log);
    const info = await cloud.readClusterInfo();
    expect(info).toMatchObject({ clusterName: 'alpha-mrs', kerberos: true, securityGroupIds: ['sg-master', 'sg-core'], nodeIps: ['10.1.0.11', '10.1.0.13'], masterNodeIp: '10.1.0.11', vpcId: 'vpc-1' });
    expect(await cloud.addIngressFromGroup('sg-master', 'sg-peer', 'mrs-trust: admit beta')).toEqual({ created: true, ruleId: 'new-1' });
    expect(seen).toHaveLength(3);
  });

  it('a 401 names both key fields', async () => {
    nock(MRS).get(`/v1.1/${PROJECT}/cluster_infos/${CLUSTER_ID}`).reply(401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: verify aksk signature fail' });
    const e = await failure((await createCloud(aksk(), log)).readClusterInfo());
    expect(e.code).toBe('CLOUD_AUTH');
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/alpha: GET \/v1\.1\/\{project_id\}\/cluster_infos\/\{cluster_id\}: refused the credentials \(HTTP 401 APIGW\.0301/);
    expect(e.hint).toMatch(/clusters\.alpha\.cloud\.auth\.ak and clusters\.alpha\.cloud\.auth\.sk/);
  });

  it('an unset key variable is a config error naming the field, before any request', async () => {
    delete process.env.T_CLOUD_SK;
    try {
      const e = await failure((await createCloud(aksk(), log)).listRules('sg-master'));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(/^clusters\.alpha\.cloud\.auth\.sk: environment variable T_CLOUD_SK is not set/);
    } finally {
      process.env.T_CLOUD_SK = SK;
    }
  });
});

describe('cloud adapter: tokens', () => {
  it('sends a configured token as X-Auth-Token; a 401 names the token field', async () => {
    nock(VPC, { reqheaders: { 'x-auth-token': 'static-token-value' } }).get(rulesPath).query(true).reply(401, { error_code: 'APIGW.0301', error_msg: 'token expired' });
    const e = await failure((await createCloud(cluster({ token: { env: 'T_CLOUD_TOKEN' } }), log)).listRules('sg-master'));
    expect(e.code).toBe('CLOUD_AUTH');
    expect(e.hint).toMatch(/clusters\.alpha\.cloud\.auth\.token/);
  });

  it('IAM login: one POST /v3/auth/tokens for many calls, token from X-Subject-Token', async () => {
    nock(IAM)
      .post('/v3/auth/tokens', (b) => b.auth.identity.password.user.name === 'ops' && b.auth.identity.password.user.password === 'iam-password' && b.auth.scope.project.id === PROJECT)
      .once()
      .reply(201, { token: { expires_at: '2999-01-01T00:00:00.000000Z' } }, { 'X-Subject-Token': 'issued-1' });
    nock(VPC, { reqheaders: { 'x-auth-token': 'issued-1' } }).get(rulesPath).query(true).times(2).reply(200, { security_group_rules: [v3Rule('r1')] });
    const c = cluster({ user: 'ops', password: { env: 'T_CLOUD_PASSWORD' }, domain: 'acme' });
    const cloud = await createCloud(c, log);
    expect(await cloud.listRules('sg-master')).toHaveLength(1);
    // A second adapter for the same project reuses the cached token.
    expect(await (await createCloud(c, log)).listRules('sg-master')).toHaveLength(1);
  });

  it('IAM login: a token rejected as expired is refreshed once, then the call is repeated', async () => {
    nock(IAM).post('/v3/auth/tokens').reply(201, { token: { expires_at: '2999-01-01T00:00:00Z' } }, { 'X-Subject-Token': 'old' });
    nock(IAM).post('/v3/auth/tokens').reply(201, { token: { expires_at: '2999-01-01T00:00:00Z' } }, { 'X-Subject-Token': 'new' });
    nock(VPC, { reqheaders: { 'x-auth-token': 'old' } }).get(rulesPath).query(true).reply(401, { error_code: 'APIGW.0301', error_msg: 'token expired' });
    nock(VPC, { reqheaders: { 'x-auth-token': 'new' } }).get(rulesPath).query(true).reply(200, { security_group_rules: [] });
    const cloud = await createCloud(cluster({ user: 'ops', password: { env: 'T_CLOUD_PASSWORD' }, domain: 'acme' }), log);
    expect(await cloud.listRules('sg-master')).toEqual([]);
  });

  it('IAM login: rejected twice is a clear auth error naming the login fields', async () => {
    nock(IAM).post('/v3/auth/tokens').times(2).reply(201, { token: { expires_at: '2999-01-01T00:00:00Z' } }, { 'X-Subject-Token': 't' });
    nock(VPC).get(rulesPath).query(true).times(2).reply(401, { error_code: 'APIGW.0301', error_msg: 'token expired' });
    const e = await failure((await createCloud(cluster({ user: 'ops', password: { env: 'T_CLOUD_PASSWORD' }, domain: 'acme' }), log)).listRules('sg-master'));
    expect(e.code).toBe('CLOUD_AUTH');
    expect(e.message).toMatch(/again after a fresh token/);
    expect(e.hint).toMatch(/clusters\.alpha\.cloud\.auth\.user, clusters\.alpha\.cloud\.auth\.password and clusters\.alpha\.cloud\.auth\.domain/);
  });

  it('IAM login refused: the error names the password field', async () => {
    nock(IAM).post('/v3/auth/tokens').reply(401, { error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
    const e = await failure((await createCloud(cluster({ user: 'ops', password: { env: 'T_CLOUD_PASSWORD' }, domain: 'acme' }), log)).listRules('sg-master'));
    expect(e.code).toBe('CLOUD_AUTH');
    expect(e.message).toMatch(/POST \/v3\/auth\/tokens.*The username or password is wrong/);
    expect(e.hint).toMatch(/cloud\.auth\.password/);
  });

  it('IAM reply without X-Subject-Token is malformed', async () => {
    nock(IAM).post('/v3/auth/tokens').reply(201, { token: { expires_at: '2999-01-01T00:00:00Z' } });
    const e = await failure((await createCloud(cluster({ user: 'ops', password: { env: 'T_CLOUD_PASSWORD' }, domain: 'acme' }), log)).listRules('sg-master'));
    expect(e.code).toBe('CLOUD_MALFORMED');
    expect(e.message).toMatch(/POST \/v3\/auth\/tokens: unexpected reply: no X-Subject-Token/);
  });
});

describe('cloud adapter: rules and errors', () => {
  it('lists v3 rules across pages and converts multiport, protocol and action', async () => {
    nock(VPC).get(rulesPath).query({ security_group_id: 'sg-master', limit: '2000' }).reply(200, { security_group_rules: [v3Rule('a', { protocol: 'tcp', multiport: '22,28443-28450', remote_group_id: null, remote_ip_prefix: '10.2.0.0/16' })], page_info: { next_marker: 'a' } });
    nock(VPC).get(rulesPath).query({ security_group_id: 'sg-master', limit: '2000', marker: 'a' }).reply(200, { security_group_rules: [v3Rule('b', { action: 'deny', protocol: 'udp', multiport: '21732' })], page_info: { next_marker: null } });
    const rules = await (await createCloud(aksk(), log)).listRules('sg-master');
    expect(rules).toEqual([
      expect.objectContaining({ id: 'a', protocol: 'tcp', ports: [{ min: 22, max: 22 }, { min: 28443, max: 28450 }], remoteIpPrefix: '10.2.0.0/16', remoteGroupId: undefined, action: 'allow' }),
      expect.objectContaining({ id: 'b', protocol: 'udp', ports: [{ min: 21732, max: 21732 }], action: 'deny', remoteGroupId: 'sg-peer' }),
    ]);
  });

  it('falls back to the v1 family when v3 is not offered, and stays there', async () => {
    nock(VPC).get(rulesPath).query(true).reply(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
    nock(VPC).get(`/v1/${PROJECT}/security-group-rules`).query({ security_group_id: 'sg-master', limit: '2000' }).reply(200, { security_group_rules: [{ id: 'v1a', security_group_id: 'sg-master', direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '10.0.0.0/8', remote_group_id: null }] });
    nock(VPC).post(`/v1/${PROJECT}/security-group-rules`).reply(201, { security_group_rule: { id: 'v1new', security_group_id: 'sg-master', direction: 'ingress', ethertype: 'IPv4', protocol: null, remote_group_id: 'sg-peer' } });
    const cloud = await createCloud(aksk(), log);
    expect(await cloud.listRules('sg-master')).toEqual([expect.objectContaining({ id: 'v1a', ports: [{ min: 22, max: 22 }] })]);
    expect(await cloud.addIngressFromGroup('sg-master', 'sg-peer', 'd')).toEqual({ created: true, ruleId: 'v1new' });
  });

  it('VPC.9902 409 "already exists" is "already there": the rule id comes from the message, no re-list', async () => {
    // The VPC error-code appendix's own wording.
    nock(VPC).post(rulesPath).reply(409, { error_code: 'VPC.9902', error_msg: 'Security group rule already exists. Rule id is 3c4f1d2e-aaaa-bbbb-cccc-0123456789ab.' });
    expect(await (await createCloud(aksk(), log)).addIngressFromGroup('sg-master', 'sg-peer', 'd')).toEqual({ created: false, ruleId: '3c4f1d2e-aaaa-bbbb-cccc-0123456789ab' });
  });

  it('VPC.9902 409 "already exists" without a rule id: the existing rule id is looked up', async () => {
    nock(VPC).post(rulesPath).reply(409, { error_code: 'VPC.9902', error_msg: 'Security group rule already exists.' });
    nock(VPC).get(rulesPath).query(true).reply(200, { security_group_rules: [v3Rule('existing')] });
    expect(await (await createCloud(aksk(), log)).addIngressFromGroup('sg-master', 'sg-peer', 'd')).toEqual({ created: false, ruleId: 'existing' });
  });

  it.each([
    [400, 'Bad request: ethertype IPv6 does not match the remote address group.'],
    [409, 'Security group is in use.'],
  ])('VPC.9902 with HTTP %i "%s" is a failure, not a duplicate', async (status, message) => {
    nock(VPC).post(rulesPath).reply(status, { error_code: 'VPC.9902', error_msg: message });
    const e = await failure((await createCloud(aksk(), log)).addIngressFromGroup('sg-master', 'sg-peer', 'd'));
    expect(e.code).toBe('CLOUD_HTTP');
    expect(e.message).toContain(message);
  });

  it('multiport may be a number (the reference example sends 333)', async () => {
    nock(VPC).get(rulesPath).query(true).reply(200, { security_group_rules: [v3Rule('n', { protocol: 'tcp', multiport: 333 })] });
    expect(await (await createCloud(aksk(), log)).listRules('sg-master')).toEqual([expect.objectContaining({ id: 'n', ports: [{ min: 333, max: 333 }] })]);
  });

  it('a cluster reply without vpcId and subnetId is fine (both are informative)', async () => {
    const { vpcId: _v, subnetId: _s, ...rest } = clusterReply.cluster;
    nock(MRS).get(`/v1.1/${PROJECT}/cluster_infos/${CLUSTER_ID}`).reply(200, { cluster: rest });
    nock(MRS).get(`/v1.1/${PROJECT}/clusters/${CLUSTER_ID}/hosts`).query(true).reply(200, { total: 1, hosts: [{ name: 'm1', ip: '10.1.0.11' }] });
    const info = await (await createCloud(aksk(), log)).readClusterInfo();
    expect(info.securityGroupIds).toEqual(['sg-master', 'sg-core']);
    expect(info.vpcId).toBeUndefined();
    expect(info.subnetId).toBeUndefined();
  });

  it.each([
    [409, { error_code: 'VPC.9905', error_msg: 'Quota exceeded for resources: security_group_rule.' }, 'CLOUD_QUOTA', /quota exceeded \(HTTP 409 VPC\.9905/, /quota/],
    [404, { error_code: 'VPC.9904', error_msg: 'Security group sg-peer does not exist.' }, 'CLOUD_NOT_FOUND', /not found \(HTTP 404 VPC\.9904/, /security groups still exist/],
    [403, { error_code: 'VPC.0003', error_msg: 'Policy doesn\'t allow vpc:securityGroupRules:create' }, 'CLOUD_AUTH', /credentials valid but not allowed/, /permissions/],
    [500, { error_code: 'VPC.0500', error_msg: 'system error' }, 'CLOUD_HTTP', /failed \(HTTP 500 VPC\.0500/, /try again later/],
  ])('create answered %i %j → %s', async (status, body, code, message, hint) => {
    nock(VPC).post(rulesPath).reply(status, body);
    const e = await failure((await createCloud(aksk(), log)).addIngressFromGroup('sg-master', 'sg-peer', 'd'));
    expect(e.code).toBe(code);
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/^alpha: POST \/v3\/\{project_id\}\/vpc\/security-group-rules: /);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(hint);
  });

  it.each([
    ['not JSON', '<html>gateway</html>', /unexpected reply: not JSON/],
    ['missing list', { rules: [] }, /unexpected reply: security_group_rules: /],
    ['bad direction', { security_group_rules: [v3Rule('x', { direction: 'inbound' })] }, /unexpected reply: security_group_rules\[0\]\.direction/],
    ['garbled multiport', { security_group_rules: [v3Rule('x', { protocol: 'tcp', multiport: '22-' })] }, /multiport "22-" is not a port list/],
  ])('a malformed list reply (%s) names the endpoint', async (_name, body, message) => {
    nock(VPC).get(rulesPath).query(true).reply(200, body as never);
    const e = await failure((await createCloud(aksk(), log)).listRules('sg-master'));
    expect(e.code).toBe('CLOUD_MALFORMED');
    expect(e.message).toMatch(/GET \/v3\/\{project_id\}\/vpc\/security-group-rules/);
    expect(e.message).toMatch(message);
  });

  it('a malformed cluster reply names the field', async () => {
    nock(MRS).get(`/v1.1/${PROJECT}/cluster_infos/${CLUSTER_ID}`).reply(200, { cluster: { ...clusterReply.cluster, securityGroupsId: undefined } });
    const e = await failure((await createCloud(aksk(), log)).readClusterInfo());
    expect(e.code).toBe('CLOUD_MALFORMED');
    expect(e.message).toMatch(/cluster_infos\/\{cluster_id\}: unexpected reply: cluster\.securityGroupsId/);
  });

  it('delete: removed, and a rule already gone is fine', async () => {
    nock(VPC).delete(`${rulesPath}/r1`).reply(204);
    nock(VPC).delete(`${rulesPath}/r2`).reply(404, { error_code: 'VPC.0604', error_msg: 'Security group rule not found' });
    const cloud = await createCloud(aksk(), log);
    await cloud.deleteRule('r1');
    await cloud.deleteRule('r2');
  });

  it('custom endpoints (OTC, sandbox) are used as given', async () => {
    nock('https://vpc.eu-de.otc.t-systems.com').get(rulesPath).query(true).reply(200, { security_group_rules: [] });
    const c = cluster({ ak: { env: 'T_CLOUD_AK' }, sk: { env: 'T_CLOUD_SK' } }, { endpoints: { vpc: 'https://vpc.eu-de.otc.t-systems.com' } });
    expect(await (await createCloud(c, log)).listRules('sg-master')).toEqual([]);
  });

  it('no cloud block and no rules file is a usage error naming the field and --rules-file', async () => {
    const c = { ...aksk(), cloud: undefined };
    const e = await failure(createCloud(c, log));
    expect(e.code).toBe('CLOUD_NOT_CONFIGURED');
    expect(e.exitCode).toBe(2);
    expect(`${e.message} ${e.hint}`).toMatch(/clusters\.alpha\.cloud is not configured.*--rules-file/);
  });
});

describe('offline --rules-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mrs-trust-rules-'));
  const file = join(dir, 'rules.json');
  writeFileSync(file, JSON.stringify({
    clusters: { alpha: { cluster: clusterReply.cluster, hosts: [{ name: 'm1', ip: '10.1.0.11' }, { name: 'c1', ip: '10.1.0.13' }] } },
    security_group_rules: [v3Rule('r3'), { id: 'r1', security_group_id: 'sg-core', direction: 'ingress', ethertype: 'IPv4', protocol: 'udp', port_range_min: 21732, port_range_max: 21732, remote_ip_prefix: '10.2.0.0/16' }],
  }));

  it('reads cluster info and v3/v1 rules without any network', async () => {
    const cloud = await createCloud({ ...aksk(), cloud: undefined }, log, { rulesFile: file });
    expect(cloud.source).toBe('rules-file');
    expect((await cloud.readClusterInfo()).nodeIps).toEqual(['10.1.0.11', '10.1.0.13']);
    expect(await cloud.listRules('sg-core')).toEqual([expect.objectContaining({ id: 'r1', protocol: 'udp', ports: [{ min: 21732, max: 21732 }] })]);
    expect((await failure(cloud.listRules('sg-unknown'))).code).toBe('RULES_FILE_NO_GROUP');
    expect((await failure(cloud.addIngressFromGroup('sg-core', 'x', 'd'))).code).toBe('RULES_FILE_READ_ONLY');
  });

  it('names the problem: missing file, cluster, or a bad field', async () => {
    expect((await failure(createCloud(aksk(), log, { rulesFile: join(dir, 'nope.json') }))).message).toMatch(/--rules-file .*nope\.json: file not found/);
    expect((await failure(createCloud({ ...aksk(), name: 'gamma' }, log, { rulesFile: file }))).message).toMatch(/has no cluster "gamma" \(it has: alpha\)/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ clusters: {}, security_group_rules: [{ id: 'x', security_group_id: 'g', direction: 'up', ethertype: 'IPv4' }] }));
    expect((await failure(createCloud(aksk(), log, { rulesFile: bad }))).message).toMatch(/--rules-file .*bad\.json: security_group_rules\[0\]/);
  });
});
