import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyResultSchema } from '../../src/workflow/verify/result.js';
import { statusResultSchema } from '../../src/cli/status-result.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';
import { expectPublished } from '../support/published-schema.js';
import { sampleProcesses } from '../support/processes.js';
import { requireBinary } from '../support/require-binary.js';

// Sandbox subnet 138 (127.138.x.x) belongs to this file (131-137 are link-safety's).
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };

describe.skipIf(!kdc.available)('verify proves an existing trust with real MIT KDCs', () => {
  let sb: RunningSandbox;
  let dir: string;
  const cli = (args: string[]) => runCli([...args, '--config', sb.configPath], { env });
  const verify = async () => {
    const run = await cli(['verify', 'alpha', 'beta', '--json']);
    const doc = JSON.parse(run.stdout) as unknown;
    expectPublished('verify-result.schema.json', doc);
    return { code: run.code, result: verifyResultSchema.parse(doc), stderr: run.stderr };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-verify-'));
    sb = await startSandbox({ stateDir: dir, subnet: 138, restartMs: 30, clusters: ['alpha', 'beta'] });
  });

  afterAll(async () => {
    await sb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails before link (no trust), passes after link, fails after unlink; status shows the last result', async () => {
    const before = await verify();
    expect(before.code, before.stderr).toBe(3);
    expect(before.result.ok).toBe(false);
    const ticketsBefore = before.result.checks.filter((c) => c.id === 'verify-ticket');
    // Both directions run at once: compare in scope order, not completion order.
    expect(ticketsBefore.map((c) => [c.scope, c.status, c.cause]).sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([
      ['alpha', 'failed', 'no-trust'],
      ['beta', 'failed', 'no-trust'],
    ]);
    expect(before.result.checks.filter((c) => c.id === 'verify').every((c) => c.cause === 'no-trust')).toBe(true);

    expect((await cli(['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const ps = sampleProcesses();
    const after = await verify();
    const processes = await ps.stop();
    expect(after.code, after.stderr).toBe(0);
    // verify ran kinit (tester), kadmin (admin) and the default-password kinit on the client hosts:
    // none of those passwords is in any command line, nor in what verify printed.
    const secrets = ['Crossrealm@123', ...['alpha', 'beta'].flatMap((c) => ['password', 'tester.password', 'kadmin.password'].map((f) => readFileSync(join(dir, 'secrets', `${c}.${f}`), 'utf8').trim()))];
    expect(processes.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(7);
      for (const text of [processes, JSON.stringify(after.result), after.stderr]) expect(text).not.toContain(secret);
    }
    expect(after.result.ok).toBe(true);
    expect(after.result.checks.filter((c) => c.id === 'verify-ticket').map((c) => c.status)).toEqual(['passed', 'passed']);
    expect(after.result.tickets).toMatchObject({ alpha: { service: 'hdfs/master1.beta@BETA.MRS' }, beta: { service: 'hdfs/master1.alpha@ALPHA.MRS' } });
    // kerberos.admin (sandbox: kadmin/admin on the first client host): parity and the default password.
    expect(after.result.checks.find((c) => c.id === 'parity')).toMatchObject({ status: 'passed' });
    expect(after.result.checks.find((c) => c.id === 'parity')?.message).toContain('krbtgt/BETA.MRS@ALPHA.MRS kvno 1');
    expect(after.result.warnings.map((w) => [w.code, w.cluster])).toEqual([
      ['DEFAULT_CROSS_REALM_PASSWORD', 'alpha'],
      ['DEFAULT_CROSS_REALM_PASSWORD', 'beta'],
    ]);

    const status = await cli(['status', 'alpha', 'beta', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const trust = statusResultSchema.parse(JSON.parse(status.stdout)).trust[0];
    expect(trust?.lastVerify).toMatchObject({ ok: true, checkedAt: after.result.checkedAt, failed: [] });
    expect(statusResultSchema.parse(JSON.parse(status.stdout)).warnings?.map((w) => w.code)).toEqual(['DEFAULT_CROSS_REALM_PASSWORD', 'DEFAULT_CROSS_REALM_PASSWORD']);
    const human = await cli(['status', 'alpha', 'beta']);
    expect(human.stdout).toContain(`last verify ${after.result.checkedAt}: passed`);
    expect(human.stdout).toContain("krbtgt/BETA.MRS@ALPHA.MRS in alpha's KDC still accepts MRS's default cross-realm password: run `mrs-trust rotate alpha beta`");
    // The default password is a well-known value: it must never be printed.
    expect(status.stdout + status.stderr + human.stdout + human.stderr).not.toContain('Crossrealm@123');

    expect((await cli(['unlink', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const gone = await verify();
    expect(gone.code).toBe(3);
    expect(gone.result.checks.filter((c) => c.id === 'verify-ticket').map((c) => c.cause)).toEqual(['no-trust', 'no-trust']);
    const text = await cli(['verify', 'alpha', 'beta']);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('Trust NOT verified');
    expect(text.stderr).toContain('VERIFY_FAILED');
  }, 240_000);

  it('a cross-realm password that differs on one side is named password-mismatch', async () => {
    expect((await cli(['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const kdcDir = join(dir, 'kdc', 'beta');
    const kadmin = (q: string) => execFileSync('kadmin.local', ['-r', 'BETA.MRS', '-q', q], { env: { ...process.env, KRB5_CONFIG: join(kdcDir, 'krb5.conf'), KRB5_KDC_PROFILE: join(kdcDir, 'kdc.conf') }, stdio: 'pipe' });
    kadmin('delprinc -force krbtgt/BETA.MRS@ALPHA.MRS');
    kadmin('addprinc -pw Other-Crossrealm@1 krbtgt/BETA.MRS@ALPHA.MRS');
    const run = await verify();
    expect(run.code).toBe(3);
    const alpha = run.result.checks.find((c) => c.id === 'verify-ticket' && c.scope === 'alpha');
    expect(alpha).toMatchObject({ status: 'failed', cause: 'password-mismatch' });
    expect(run.result.checks.find((c) => c.id === 'verify-ticket' && c.scope === 'beta')?.status).toBe('passed');
    expect(run.result.checks.filter((c) => c.id === 'verify').map((c) => c.status)).toEqual(['passed', 'passed']);

    // A kvno that differs between the KDCs: verify names it, link stops before any write.
    kadmin('modprinc -kvno 5 krbtgt/BETA.MRS@ALPHA.MRS');
    const kvno = await verify();
    expect(kvno.code).toBe(3);
    expect(kvno.result.checks.find((c) => c.id === 'parity')).toMatchObject({ status: 'failed', cause: 'kvno-mismatch' });
    expect(kvno.result.checks.find((c) => c.id === 'parity')?.message).toContain('krbtgt/BETA.MRS@ALPHA.MRS: kvno 1 in alpha, 5 in beta');
    const link = await cli(['link', 'alpha', 'beta', '--yes', '--json']);
    expect(link.code).toBe(3);
    expect(JSON.parse(link.stdout).error.code).toBe('PARITY_MISMATCH');
  }, 240_000);
});
