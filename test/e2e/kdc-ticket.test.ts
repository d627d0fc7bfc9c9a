import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import { ticketTester } from '../../src/adapters/ssh/ticket-tester.js';
import { loadConfig } from '../../src/config/load.js';
import { resolveSecret } from '../../src/config/secrets.js';
import { classifyTicketError } from '../../src/domain/ticket-errors.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';

// Sandbox subnet 121 (127.121.x.x) belongs to this file.
const kdc = requireBinary('krb5kdc', 'krb5-kdc');

interface StepJson { id: string; scope?: string; status: string; message?: string }

describe.skipIf(!kdc.available)('link proves the trust with a real cross-realm ticket (MIT KDC)', () => {
  let sb: RunningSandbox;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-kdc-'));
    sb = await startSandbox({ stateDir: dir, subnet: 121, restartMs: 30, clusters: ['alpha', 'beta'] });
  });

  afterAll(async () => {
    await sb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a verify block per cluster into clusters.yaml', async () => {
    const config = await loadConfig(sb.configPath);
    expect(config.clusters.alpha?.verify).toMatchObject({ principal: 'tester@ALPHA.MRS', service: 'hdfs/master1.alpha' });
    expect(config.clusters.beta?.verify).toMatchObject({ principal: 'tester@BETA.MRS', service: 'hdfs/master1.beta' });
  });

  it('link: verify-ticket is done both ways; unlink: a direct kvno fails with "no trust"', async () => {
    const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };
    const link = await runCli(['link', 'alpha', 'beta', '--yes', '--json', '--config', sb.configPath], { env });
    expect(link.code, link.stderr).toBe(0);
    const steps = (JSON.parse(link.stdout) as { steps: StepJson[] }).steps.filter((s) => s.id === 'verify-ticket');
    expect(steps.map((s) => s.status)).toEqual(['done']);
    expect(steps[0]?.message).toContain('alpha → beta: ticket for hdfs/master1.beta@BETA.MRS (kvno 1)');
    expect(steps[0]?.message).toContain('beta → alpha: ticket for hdfs/master1.alpha@ALPHA.MRS (kvno 1)');
    expect((JSON.parse(link.stdout) as { tickets?: Record<string, { service: string; kvno: number }> }).tickets).toMatchObject({
      alpha: { service: 'hdfs/master1.beta@BETA.MRS', kvno: 1 },
      beta: { service: 'hdfs/master1.alpha@ALPHA.MRS', kvno: 1 },
    });

    const unlink = await runCli(['unlink', 'alpha', 'beta', '--yes', '--json', '--config', sb.configPath], { env });
    expect(unlink.code, unlink.stderr).toBe(0);
    const unlinkSteps = (JSON.parse(unlink.stdout) as { steps: StepJson[] }).steps.filter((s) => s.id === 'verify-ticket');
    expect(unlinkSteps.every((s) => s.status === 'skipped')).toBe(true);

    const config = await loadConfig(sb.configPath);
    const alpha = config.clusters.alpha;
    const beta = config.clusters.beta;
    if (!alpha?.verify || !beta?.verify || !alpha.clients?.[0]) throw new Error('sandbox clusters.yaml lacks verify/clients');
    const client = alpha.clients[0];
    const side = (c: typeof alpha, v: NonNullable<typeof alpha.verify>) => ({
      principal: v.principal,
      service: v.service,
      timeoutMs: v.timeoutMs,
      clientDir: client.clientDir,
      password: () => resolveSecret(v.password, `clusters.${c.name}.verify.password`),
      host: async () => createRemoteHost({ host: client.host, port: client.port, user: client.user, key: client.key, hostKey: client.hostKey, field: 'clients[0]' }),
    });
    const tester = ticketTester({ alpha: side(alpha, alpha.verify), beta: side(beta, beta.verify) });
    const outcome = await tester.test('alpha', 'beta', 'BETA.MRS', new AbortController().signal);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.output).toContain('Server krbtgt/BETA.MRS@ALPHA.MRS not found in Kerberos database');
    expect(classifyTicketError(outcome.output).cause).toBe('no-trust');
  });

  it('a cross-realm password that differs on one side: link exits 3, TICKET_FAILED, cause password-mismatch', async () => {
    const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };
    const link = await runCli(['link', 'alpha', 'beta', '--yes', '--json', '--config', sb.configPath], { env });
    expect(link.code, link.stderr).toBe(0);
    // Someone recreated krbtgt/BETA.MRS@ALPHA.MRS in beta's KDC with another password (same kvno 1).
    const kdcDir = join(dir, 'kdc', 'beta');
    const kadmin = (q: string) => execFileSync('kadmin.local', ['-r', 'BETA.MRS', '-q', q], { env: { ...process.env, KRB5_CONFIG: join(kdcDir, 'krb5.conf'), KRB5_KDC_PROFILE: join(kdcDir, 'kdc.conf') }, stdio: 'pipe' });
    kadmin('delprinc -force krbtgt/BETA.MRS@ALPHA.MRS');
    kadmin('addprinc -pw Other-Crossrealm@1 krbtgt/BETA.MRS@ALPHA.MRS');
    const again = await runCli(['link', 'alpha', 'beta', '--yes', '--json', '--config', sb.configPath], { env });
    expect(again.code, again.stdout + again.stderr).toBe(3);
    expect(again.stdout + again.stderr).toContain('TICKET_FAILED');
    expect(again.stdout + again.stderr).toContain('password-mismatch');
  });
});
