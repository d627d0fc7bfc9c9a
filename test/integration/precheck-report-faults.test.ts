import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { precheckResultSchema, type PrecheckResult } from '../../src/workflow/precheck/result.js';
import { runCli } from '../support/cli.js';
import { expectPublished } from '../support/published-schema.js';

// Issue #16 acceptance on the sandbox: each sandbox fault shows up as the right failing check with
// its fix, and nothing else fails; a healthy pair exits 0. One sandbox, one pair per fault, so each
// fault is seen alone. Subnet 183 belongs to this file.
const SUBNET = 183;


const PAIRS = {
  kdcClosed: ['alpha', 'beta'],
  skew: ['gamma', 'delta'],
  unhealthy: ['epsilon', 'zeta'],
  mixed: ['eta', 'theta'],
  healthy: ['iota', 'kappa'],
} as const;

let sb: RunningSandbox;
let dir: string;
const env = { MRS_TRUST_HTTP_TIMEOUT_MS: '5000' };
const cli = (...args: string[]) => runCli(['--config', sb.configPath, 'precheck', ...args, '--probe-timeout', '1'], { env });

async function precheckJson(a: string, b: string): Promise<{ code: number; doc: PrecheckResult; stderr: string }> {
  const r = await cli(a, b, '--json');
  const raw = JSON.parse(r.stdout) as unknown;
  expectPublished('precheck.schema.json', raw);
  return { code: r.code, doc: precheckResultSchema.parse(raw), stderr: r.stderr };
}

const failing = (doc: PrecheckResult) => doc.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}${c.cluster ? ` ${c.cluster}` : ''}`);
const check = (doc: PrecheckResult, name: string, cluster?: string) => doc.checks.find((c) => c.name === name && (cluster === undefined || c.cluster === cluster));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-precheck-report-faults-'));
  sb = await startSandbox({
    stateDir: dir,
    subnet: SUBNET,
    restartMs: 20,
    clusters: Object.values(PAIRS).flat(),
    faults: {
      faults: [],
      clusters: {
        beta: { kdc: 'closed' },
        gamma: { clockSkewSeconds: 600 },
        zeta: { unhealthy: ['HDFS'] },
        eta: { version: 'MRS 1.8.0' },
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await sb?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The human report names the failing check and prints its fix under it. */
async function tableShows(a: string, b: string, label: string, fix: RegExp): Promise<void> {
  const r = await cli(a, b);
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(new RegExp(`^FAIL ${label.replace(/[()]/g, '\\$&')}: .*\\n(.*\\n)*?  fix: +.*`, 'm'));
  expect(r.stdout).toMatch(fix);
  expect(r.stderr).toMatch(/pre-check failed: .*\[PRECHECK_FAILED\]/);
}

describe('precheck on a sandbox with one fault per pair', () => {
  it('a closed KDC port: kdc-reachable of that cluster fails, naming UDP and TCP closed, with the KrbServer fix', async () => {
    const { code, doc } = await precheckJson('alpha', 'beta');
    expect(code).toBe(3);
    expect(failing(doc)).toEqual(['kdc-reachable beta']);
    const kdc = check(doc, 'kdc-reachable', 'beta');
    expect(kdc?.found.join('\n')).toMatch(/UDP: closed \(ICMP port unreachable: nothing listens\)/);
    expect(kdc?.found.join('\n')).toMatch(/TCP: closed \(connection refused: nothing listens\)/);
    expect(kdc?.fixSteps).toContain('beta Manager > Services > KrbServer: start it (More > Start Service) and check its health is Good');
    // The other side's KDCs answer the probe.
    expect(check(doc, 'kdc-reachable', 'alpha')?.status).toBe('pass');
    await tableShows('alpha', 'beta', 'kdc-reachable (beta)', /fix: +beta Manager > Services > KrbServer: start it/);
  });

  it('a skewed Manager clock: clock-skew fails with both Date headers and the NTP fix', async () => {
    const { code, doc } = await precheckJson('gamma', 'delta');
    expect(code).toBe(3);
    expect(failing(doc)).toEqual(['clock-skew']);
    const skew = check(doc, 'clock-skew');
    expect(skew?.found.at(-1)).toMatch(/^gamma − delta: \+(59\d|60\d)\.\d s/);
    expect(skew?.fixSteps[0]).toBe('synchronise both clusters with the same NTP source; delta is behind');
    await tableShows('gamma', 'delta', 'clock-skew', /fix: +synchronise both clusters with the same NTP source/);
  });

  it('an unhealthy service: health of that cluster fails naming the service and how to restart it', async () => {
    const { code, doc } = await precheckJson('epsilon', 'zeta');
    expect(code).toBe(3);
    expect(failing(doc)).toEqual(['health zeta']);
    expect(check(doc, 'health', 'zeta')?.found).toEqual(['zeta: services not healthy: HDFS (BAD)']);
    expect(check(doc, 'health', 'zeta')?.fixSteps[0]).toBe('zeta Manager > Services > HDFS: clear its alarms, then More > Restart Service until its health is Good');
    await tableShows('epsilon', 'zeta', 'health (zeta)', /fix: +zeta Manager > Services > HDFS: clear its alarms/);
  });

  it('a mixed-version pair: cross-realm-password fails naming both defaults, with the kadmin commands that align them', async () => {
    const { code, doc } = await precheckJson('eta', 'theta');
    expect(code).toBe(3);
    expect(failing(doc)).toEqual(['cross-realm-password']);
    const pw = check(doc, 'cross-realm-password');
    expect(pw?.found.slice(0, 2)).toEqual(['eta (MRS 1.8.0): Admin@123 (MRS 1.8.0 is before 1.8.2)', 'theta (MRS 2.1.0): Crossrealm@123 (MRS 2.1.0 is 1.9.2 or later)']);
    expect(pw?.fixSteps.join('\n')).toMatch(/kadmin -p kadmin\/admin -q "cpw -pw <password of the other side> krbtgt\/THETA\.MRS@ETA\.MRS"/);
    await tableShows('eta', 'theta', 'cross-realm-password', /fix: +after `mrs-trust link eta theta` created the principals/);
  });

  it('a healthy pair of the default sandbox exits 0 in every format, nothing fails and nothing is "unknown" where it can tell', async () => {
    const { code, doc, stderr } = await precheckJson('iota', 'kappa');
    expect(code, stderr).toBe(0);
    expect(doc.ok).toBe(true);
    expect(failing(doc)).toEqual([]);
    for (const name of ['manager-reachable', 'kdc-reachable', 'health', 'realm', 'clock-skew', 'cross-realm-password', 'security-groups']) {
      expect(doc.checks.filter((c) => c.name === name).map((c) => c.status), name).not.toContain('unknown');
    }
    expect(doc.checks.filter((c) => c.name === 'kdc-reachable').map((c) => c.status)).toEqual(['pass', 'pass']);
    const table = await cli('iota', 'kappa');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Pre-check iota ↔ kappa: PASS/);
    for (const format of ['md', 'html']) {
      const out = join(dir, `healthy.${format}`);
      const r = await cli('iota', 'kappa', '--format', format, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain(format === 'md' ? '# Pre-check: iota ↔ kappa — PASS' : '<span class="verdict PASS" id="verdict">PASS</span>');
    }
  });
});
