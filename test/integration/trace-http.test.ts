import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli, type CliRun } from '../support/cli.js';

// Issue #12 item 8 on the full sandbox (Managers, cloud API with AK/SK and an IAM login, SSH
// hosts). Subnet 146 belongs to this file.
const SUBNET = 146;
let sb: RunningSandbox;
let dir: string;
let trace: string;
let run: CliRun;
let entries: { seq: number; source: string; call: string; request: { url: string; headers: Record<string, unknown> }; reply?: { status: number; headers: Record<string, unknown> } }[];

type Doc = { clusters: Record<string, { manager: { password: { file: string } }; cloud: { auth: Record<string, unknown> } }> };
type Iam = { user: string; domain: string; passwordFile: string };

/** Every secret value this run used, read from the sandbox's own files. */
function secretValues(): string[] {
  const doc = parse(readFileSync(sb.configPath, 'utf8')) as Doc;
  const read = (file: string) => readFileSync(file.startsWith('/') ? file : join(sb.stateDir, file), 'utf8').trim();
  const cloud = doc.clusters.beta?.cloud.auth as { ak: { file: string }; sk: { file: string } };
  const iam = (sb.snapshot().plugins as { cloud: { iam: Iam } }).cloud.iam;
  return [...Object.values(doc.clusters).map((c) => read(c.manager.password.file)), read(cloud.ak.file), read(cloud.sk.file), read(iam.passwordFile)];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-trace-'));
  sb = await startSandbox({ stateDir: join(dir, 'sandbox'), subnet: SUBNET, restartMs: 30, seedPeer: true, clusters: ['alpha', 'beta'] });
  // alpha's cloud API logs in with an IAM password (X-Subject-Token, then X-Auth-Token); beta signs with AK/SK.
  const doc = parse(readFileSync(sb.configPath, 'utf8')) as Doc;
  const iam = (sb.snapshot().plugins as { cloud: { iam: Iam } }).cloud.iam;
  (doc.clusters.alpha as Doc['clusters'][string]).cloud.auth = { user: iam.user, domain: iam.domain, password: { file: iam.passwordFile } };
  const config = join(sb.stateDir, 'traced.yaml');
  writeFileSync(config, stringify(doc));
  trace = join(dir, 'trace.jsonl');
  writeFileSync(trace, 'an older file that was world-readable\n', { mode: 0o644 });
  run = await runCli(['link', 'alpha', 'beta', '--config', config, '--yes', '--trace-http', trace]);
  entries = readFileSync(trace, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as (typeof entries)[number]);
});
afterAll(async () => sb?.stop());

describe('link --trace-http FILE', () => {
  it('link succeeds and FILE is mode 0600 (also when it existed with another mode)', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(trace).mode & 0o777).toBe(0o600);
    expect(readFileSync(trace, 'utf8')).not.toContain('an older file');
  });

  it('names every call, Manager and cloud, in order', () => {
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const calls = new Set(entries.map((e) => `${e.source.split(' ')[0]} ${e.call.replace(/\/[0-9a-f]{32}\//, '/{project}/').replace(/\/(cluster_infos|clusters)\/[^/]+/, '/$1/{id}').replace(/\/command\/[^/]+\//, '/command/{id}/')}`));
    for (const call of [
      'manager GET /cas/login',
      'manager POST /cas/login',
      'manager GET /web/v1/access/login_check',
      'manager GET /web/v1/clusters',
      'manager GET /web/v1/cluster/1/status',
      'manager POST /web/v1/config/cluster/1/save',
      'manager GET /web/v1/common/command/{id}/progress',
      'manager GET /web/v1/logout_action',
      'manager POST /cas/logout',
      'cloud POST /v3/auth/tokens',
      'cloud GET /v1.1/{project}/cluster_infos/{id}',
      'cloud GET /v1.1/{project}/clusters/{id}/hosts',
      'cloud GET /v3/{project}/vpc/security-group-rules',
    ]) {
      expect(calls, call).toContain(call);
    }
    expect(entries.every((e) => typeof e.reply?.status === 'number')).toBe(true);
  });

  it('holds none of the secret values: passwords, AK/SK, cookie values, CAS tickets, tokens', () => {
    const text = readFileSync(trace, 'utf8');
    for (const secret of secretValues()) {
      expect(secret.length).toBeGreaterThan(5);
      expect(text.includes(secret), 'a secret value is in the trace').toBe(false);
    }
    // The sandbox issues lt, CAS session, TGT, ST and JSESSIONID values as PREFIX-<24 hex>, IAM tokens as MIIsbx…
    expect(text.match(/\b(?:LT|TGT|ST|CAS|JS)-[0-9a-f]{24}\b/g)).toBeNull();
    expect(text.match(/MIIsbx[A-Za-z0-9_-]{8,}/g)).toBeNull();
    // …and the places they travel are still there, redacted: the call is traced, its secret is not.
    const headerValues = (name: string) => entries.flatMap((e) => [e.request.headers[name], e.reply?.headers[name]]).flat().filter((v): v is string => typeof v === 'string');
    expect(headerValues('cookie').length).toBeGreaterThan(0);
    expect(headerValues('cookie').every((v) => v.split(';').every((c) => c.trim().endsWith('=<redacted>')))).toBe(true);
    expect(headerValues('x-subject-token')).toEqual(['<redacted>']);
    expect(headerValues('x-auth-token').length).toBeGreaterThan(0);
    expect(new Set(headerValues('x-auth-token'))).toEqual(new Set(['<redacted>']));
    expect(headerValues('authorization').every((v) => v.includes('Signature=<redacted>') && v.includes('Access=<redacted>'))).toBe(true);
    expect(text).toContain('ticket=<redacted>');
    expect(text).toContain('\\"user_password\\":\\"<redacted>\\"');
  });
});
