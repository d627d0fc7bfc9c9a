import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateResultSchema } from '../../src/workflow/rotate/result.js';
import { verifyResultSchema } from '../../src/workflow/verify/result.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';

// Sandbox subnets 132 and 133 (127.132.x.x, 127.133.x.x) belong to this file.
const kdc = requireBinary('krb5kdc', 'krb5-kdc');
const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };
const sh = promisify(execFile);

/** Every process command line on the machine, sampled until stopped (the password must be in none). */
function sampleProcesses(): { stop(): Promise<string> } {
  const seen: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const { stdout } = await sh('ps', ['-eo', 'args']).catch(() => ({ stdout: '' }));
      seen.push(stdout);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { stop: async () => ((running = false), await loop, seen.join('\n')) };
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
  const cli = (box: RunningSandbox, args: string[]) => runCli([...args, '--config', box.configPath], { env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-rotate-'));
    faultyDir = mkdtempSync(join(tmpdir(), 'mrs-rotate-fault-'));
    [sb, faulty] = await Promise.all([
      startSandbox({ stateDir: dir, subnet: 132, restartMs: 30, clusters: ['alpha', 'beta'] }),
      // beta's KDC refuses key changes of krbtgt/ALPHA.MRS@BETA.MRS: the 4th and last change.
      startSandbox({ stateDir: faultyDir, subnet: 133, restartMs: 30, clusters: ['alpha', 'beta'], faults: { faults: [], clusters: { beta: { refuseKeyChange: true } } } }),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([sb?.stop(), faulty?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(faultyDir, { recursive: true, force: true });
  });

  it('after link status warns about the default password; rotate clears it and verify passes; the password is never shown', async () => {
    expect((await cli(sb, ['link', 'alpha', 'beta', '--yes'])).code).toBe(0);
    const status = await cli(sb, ['status', 'alpha', 'beta']);
    expect(status.stdout).toContain("still accepts MRS's default cross-realm password");

    const saved = join(dir, 'rotated.password');
    const ps = sampleProcesses();
    const rotate = await cli(sb, ['rotate', 'alpha', 'beta', '--yes', '--json', '--save-password', saved]);
    const processes = await ps.stop();
    expect(rotate.code, rotate.stderr).toBe(0);
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

    const verify = await cli(sb, ['verify', 'alpha', 'beta', '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    const v = verifyResultSchema.parse(JSON.parse(verify.stdout));
    expect(v.warnings).toEqual([]);
    expect(v.checks.find((c) => c.id === 'default-password')?.message).toBe('alpha: default password refused; beta: default password refused');
    expect(v.checks.find((c) => c.id === 'parity')?.message).toContain('kvno 2');
    expect((await cli(sb, ['status', 'alpha', 'beta'])).stdout).not.toContain('default cross-realm password');

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
});
