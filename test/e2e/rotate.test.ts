import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateResultSchema } from '../../src/workflow/rotate/result.js';
import { verifyResultSchema } from '../../src/workflow/verify/result.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';
import { expectPublished } from '../support/published-schema.js';
import { sampleProcesses } from '../support/processes.js';
import { statusResultSchema } from '../../src/cli/status-result.js';
import { requireBinary } from '../support/require-binary.js';

// Sandbox subnets 139, 140 and 181 (127.139.x.x, 127.140.x.x, 127.181.x.x) belong to this file.
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };

/**
 * A plain MIT kinit as the cross-realm principal, straight at the sandbox KDC of `cluster` (its own
 * krb5.conf), the password on stdin: does that KDC accept this password? Independent of mrs-trust.
 */
function kdcAccepts(stateDir: string, cluster: string, principal: string, password: string): { ok: boolean; output: string } {
  const run = spawnSync('kinit', [principal], { input: `${password}\n`, env: { ...process.env, KRB5_CONFIG: join(stateDir, 'kdc', cluster, 'krb5.conf'), KRB5CCNAME: 'MEMORY:rotate-test' }, encoding: 'utf8', timeout: 20_000 });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function allFiles(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('/kdc/'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

describe.skipIf(!kdc.available)('rotate changes the four cross-realm keys in lockstep (real MIT KDCs)', () => {
  let sb: RunningSandbox;
  let faulty: RunningSandbox;
  let dir: string;
  let faultyDir: string;
  let halfway: RunningSandbox;
  let halfwayDir: string;
  const cli = (box: RunningSandbox, args: string[]) => runCli([...args, '--config', box.configPath], { env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-rotate-'));
    faultyDir = mkdtempSync(join(tmpdir(), 'mrs-rotate-fault-'));
    halfwayDir = mkdtempSync(join(tmpdir(), 'mrs-rotate-halfway-'));
    [sb, faulty, halfway] = await Promise.all([
      startSandbox({ stateDir: dir, subnet: 139, restartMs: 30, clusters: ['alpha', 'beta'] }),
      // beta's KDC refuses key changes of krbtgt/ALPHA.MRS@BETA.MRS: the 4th and last change.
      startSandbox({ stateDir: faultyDir, subnet: 140, restartMs: 30, clusters: ['alpha', 'beta'], faults: { faults: [], clusters: { beta: { refuseKeyChange: true } } } }),
      // alpha's KDC refuses key changes of krbtgt/BETA.MRS@ALPHA.MRS: the 2nd change, halfway.
      startSandbox({ stateDir: halfwayDir, subnet: 181, restartMs: 30, clusters: ['alpha', 'beta'], faults: { faults: [], clusters: { alpha: { refuseKeyChange: true } } } }),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([sb?.stop(), faulty?.stop(), halfway?.stop()]);
    for (const d of [dir, faultyDir, halfwayDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('after link status warns about the default password; rotate clears it and verify passes; the password is never shown', async () => {
    expect((await cli(sb, ['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const status = await cli(sb, ['status', 'alpha', 'beta']);
    expect(status.stdout).toContain("still accepts MRS's default cross-realm password");
    // The KDCs really accept MRS's default password now (a plain kinit, not mrs-trust's own check).
    const issued = [['alpha', 'krbtgt/BETA.MRS@ALPHA.MRS'], ['beta', 'krbtgt/ALPHA.MRS@BETA.MRS']] as const;
    for (const [cluster, principal] of issued) expect(kdcAccepts(dir, cluster, principal, 'Crossrealm@123').ok, `${principal} in ${cluster}`).toBe(true);

    const saved = join(dir, 'rotated.password');
    const ps = sampleProcesses();
    const rotate = await cli(sb, ['rotate', 'alpha', 'beta', '--yes', '--json', '--save-password', saved]);
    const processes = await ps.stop();
    expect(rotate.code, rotate.stderr).toBe(0);
    expectPublished('rotate-result.schema.json', JSON.parse(rotate.stdout));
    const result = rotateResultSchema.parse(JSON.parse(rotate.stdout));
    expect(result.ok).toBe(true);
    expect(result.principals.map((p) => [p.cluster, p.principal, p.state, p.kvnoBefore])).toEqual([
      ['beta', 'krbtgt/BETA.MRS@ALPHA.MRS', 'new', 1],
      ['alpha', 'krbtgt/BETA.MRS@ALPHA.MRS', 'new', 1],
      ['alpha', 'krbtgt/ALPHA.MRS@BETA.MRS', 'new', 1],
      ['beta', 'krbtgt/ALPHA.MRS@BETA.MRS', 'new', 1],
    ]);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([['parity-after', 'passed'], ['verify-ticket', 'passed']]);
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    const password = readFileSync(saved, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    // Nowhere but the file asked for: output, process list, journal and every state file.
    expect(processes.length).toBeGreaterThan(0);
    for (const text of [rotate.stdout, rotate.stderr, processes, allFiles(join(dir, '.mrs-trust'))]) expect(text).not.toContain(password);

    // rotate's closing checks are the pair's last verification now.
    const afterRotate = await cli(sb, ['status', 'alpha', 'beta', '--json']);
    expect(afterRotate.code, afterRotate.stderr).toBe(0);
    const last = statusResultSchema.parse(JSON.parse(afterRotate.stdout)).trust[0]?.lastVerify;
    expect(last).toMatchObject({ by: 'rotate', ok: true, failed: [] });
    expect(Date.parse(last?.checkedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(JSON.parse(readFileSync(join(dir, '.mrs-trust', 'journal', 'alpha+beta.rotate.json'), 'utf8')).startedAt ?? 0));
    expect((await cli(sb, ['status', 'alpha', 'beta'])).stdout).toMatch(/last verify \S+ \(by rotate\): passed/);

    const verify = await cli(sb, ['verify', 'alpha', 'beta', '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    const v = verifyResultSchema.parse(JSON.parse(verify.stdout));
    expect(v.warnings).toEqual([]);
    expect(v.checks.find((c) => c.id === 'default-password')?.message).toBe('alpha: default password refused; beta: default password refused');
    expect(v.checks.find((c) => c.id === 'parity')?.message).toContain('kvno 2');
    expect((await cli(sb, ['status', 'alpha', 'beta'])).stdout).not.toContain('default cross-realm password');
    // The default password is no longer accepted by either KDC; the new one is.
    for (const [cluster, principal] of issued) {
      const old = kdcAccepts(dir, cluster, principal, 'Crossrealm@123');
      expect(old.ok, `${principal} in ${cluster}`).toBe(false);
      expect(old.output).toMatch(/Password incorrect|Preauthentication failed/);
      expect(kdcAccepts(dir, cluster, principal, password).ok, `${principal} in ${cluster} (new password)`).toBe(true);
    }

    // A second rotation from the saved password: the current one is no longer the default.
    const again = await cli(sb, ['rotate', 'alpha', 'beta', '--yes', '--json']);
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout).error.code).toBe('CURRENT_PASSWORD_UNKNOWN');
    const second = await cli(sb, ['rotate', 'alpha', 'beta', '--yes', '--json', '--old-password-file', saved]);
    expect(second.code, second.stderr).toBe(0);
    expect(rotateResultSchema.parse(JSON.parse(second.stdout)).principals.every((p) => p.state === 'new' && p.kvnoBefore === 2)).toBe(true);
  }, 400_000);

  it('a KDC that refuses the last key change: every changed key is restored, all four consistent, verify passes', async () => {
    expect((await cli(faulty, ['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const rotate = await cli(faulty, ['rotate', 'alpha', 'beta', '--yes', '--json']);
    expect(rotate.code, rotate.stderr).toBe(4);
    expect(rotate.stderr).toContain('ROTATE_FAILED');
    expectPublished('rotate-result.schema.json', JSON.parse(rotate.stdout));
    const result = rotateResultSchema.parse(JSON.parse(rotate.stdout));
    expect(result.ok).toBe(false);
    expect(result.principals.map((p) => p.state)).toEqual(['restored', 'restored', 'restored', 'unchanged']);
    expect(result.steps.filter((s) => s.id === 'restore-key').map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([['parity-after', 'passed'], ['verify-ticket', 'passed']]);

    const verify = await cli(faulty, ['verify', 'alpha', 'beta', '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    const v = verifyResultSchema.parse(JSON.parse(verify.stdout));
    expect(v.checks.find((c) => c.id === 'parity')?.message).toContain('krbtgt/BETA.MRS@ALPHA.MRS kvno 1');
    // Back on the previous keys: MRS's default password, still reported.
    expect(v.warnings.map((w) => w.code)).toEqual(['DEFAULT_CROSS_REALM_PASSWORD', 'DEFAULT_CROSS_REALM_PASSWORD']);
  }, 400_000);

  it('a KDC that refuses the second of four changes (halfway): the one changed key is restored, all four consistent, verify passes', async () => {
    expect((await cli(halfway, ['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const rotate = await cli(halfway, ['rotate', 'alpha', 'beta', '--yes', '--json']);
    expect(rotate.code, rotate.stderr).toBe(4);
    const result = rotateResultSchema.parse(JSON.parse(rotate.stdout));
    expect(result.principals.map((p) => [p.cluster, p.principal, p.state])).toEqual([
      ['beta', 'krbtgt/BETA.MRS@ALPHA.MRS', 'restored'],
      ['alpha', 'krbtgt/BETA.MRS@ALPHA.MRS', 'unchanged'],
      ['alpha', 'krbtgt/ALPHA.MRS@BETA.MRS', 'unchanged'],
      ['beta', 'krbtgt/ALPHA.MRS@BETA.MRS', 'unchanged'],
    ]);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([['parity-after', 'passed'], ['verify-ticket', 'passed']]);
    // The record status shows is the restore's checks: passed.
    const status = statusResultSchema.parse(JSON.parse((await cli(halfway, ['status', 'alpha', 'beta', '--json'])).stdout));
    expect(status.trust[0]?.lastVerify).toMatchObject({ by: 'rotate', ok: true });
    // Every principal is on the previous key (the default password), in both KDCs: kinit with it works.
    for (const [cluster, principal] of [['alpha', 'krbtgt/BETA.MRS@ALPHA.MRS'], ['beta', 'krbtgt/ALPHA.MRS@BETA.MRS']] as const) expect(kdcAccepts(halfwayDir, cluster, principal, 'Crossrealm@123').ok).toBe(true);
    const verify = await cli(halfway, ['verify', 'alpha', 'beta', '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verifyResultSchema.parse(JSON.parse(verify.stdout)).checks.find((c) => c.id === 'parity')?.message).toContain('krbtgt/BETA.MRS@ALPHA.MRS kvno 1');
  }, 400_000);
});
