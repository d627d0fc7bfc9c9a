import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../support/cli.js';

// `precheck` on MRS 3.x: the Manager is reached with HTTP Basic on its own port, there is no
// CAS listener, so a CAS that does not answer must not fail the pre-check. Subnet 190.
let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ stateDir: join(mkdtempSync(join(tmpdir(), 'mrs3-precheck-')), 'sandbox'), subnet: 190, clusters: ['alpha', 'beta'], mrsVersion: '3.1.0' });
});
afterAll(async () => sb?.stop());

it('checks the Manager port only (no CAS on 3.x) and passes on a healthy 3.x pair', async () => {
  const r = await runCli(['precheck', 'alpha', 'beta', '--config', sb.configPath, '--json', '--only', 'managers']);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { checks: { name: string; cluster?: string; status: string; found?: string[] }[] };
  const reach = doc.checks.filter((c) => c.name === 'manager-reachable');
  expect(reach.map((c) => [c.cluster, c.status])).toEqual([
    ['alpha', 'pass'],
    ['beta', 'pass'],
  ]);
  expect(JSON.stringify(reach)).not.toMatch(/CAS/);
});

it('reads both Managers\' clocks on 3.x too (the Date header of the web root): the clock check passes, not "unknown"', async () => {
  const r = await runCli(['precheck', 'alpha', 'beta', '--config', sb.configPath, '--json', '--only', 'clock']);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { checks: { name: string; status: string; found?: string[] }[] };
  const clock = doc.checks.filter((c) => c.name === 'clock-skew');
  expect(clock.map((c) => c.status), JSON.stringify(clock)).toEqual(['pass']);
});
