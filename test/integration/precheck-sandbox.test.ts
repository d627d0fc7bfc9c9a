import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { precheckResultSchema } from '../../src/workflow/precheck/result.js';
import { runCli } from '../support/cli.js';

// Acceptance of issue #7 on the full sandbox (Managers, SSH hosts, cloud API) started with
// closed security groups. Subnet 82 belongs to this file.
const SUBNET = 82;
let sb: RunningSandbox;
let cli: (...args: string[]) => ReturnType<typeof runCli>;

type CloudState = { rules: Record<string, { id: string; direction: string; remote_group_id: string | null }[]>; closedGroups: boolean };
const cloudState = () => (sb.snapshot().plugins as Record<string, CloudState>).cloud as CloudState;
const crossRules = () =>
  Object.entries(cloudState().rules).flatMap(([group, rules]) =>
    rules.filter((r) => r.direction === 'ingress' && r.remote_group_id && r.remote_group_id.split('-')[1] !== group.split('-')[1]).map((r) => ({ group, id: r.id, from: r.remote_group_id })),
  );

const EXPECTED_FIXES = [
  'sg-alpha-master: + ingress IPv4 ANY from sg-beta-master',
  'sg-alpha-master: + ingress IPv4 ANY from sg-beta-core',
  'sg-alpha-core: + ingress IPv4 ANY from sg-beta-master',
  'sg-alpha-core: + ingress IPv4 ANY from sg-beta-core',
  'sg-beta-master: + ingress IPv4 ANY from sg-alpha-master',
  'sg-beta-master: + ingress IPv4 ANY from sg-alpha-core',
  'sg-beta-core: + ingress IPv4 ANY from sg-alpha-master',
  'sg-beta-core: + ingress IPv4 ANY from sg-alpha-core',
];

beforeAll(async () => {
  sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-precheck-')), subnet: SUBNET, restartMs: 30, closedGroups: true });
  cli = (...args: string[]) => runCli(['--config', sb.configPath, ...args]);
});
afterAll(async () => sb?.stop());

describe('precheck on a sandbox started with --closed-groups', () => {
  it('the generated clusters.yaml has a cloud block per cluster (AK/SK as file references, endpoints on the sandbox)', () => {
    const yaml = readFileSync(sb.configPath, 'utf8');
    expect(yaml.match(/cloud:/g)).toHaveLength(2);
    expect(yaml).toMatch(/ak:\n\s+file: secrets\/cloud\.ak/);
    expect(yaml).toContain(`vpc: https://127.${SUBNET}.250.1:9443`);
    expect(cloudState().closedGroups).toBe(true);
  });

  it('exits 3 naming each missing rule; --json validates against the result schema', async () => {
    const human = await cli('precheck', 'alpha', 'beta');
    expect(human.code).toBe(3);
    for (const fix of EXPECTED_FIXES) expect(human.stdout).toContain(fix);
    expect(human.stdout).toMatch(/alpha\s+sg-alpha-master\s+beta\s+FAIL\s+no rule admits beta/);
    expect(human.stderr).toMatch(/pre-check failed: .*\[PRECHECK_FAILED\]/);
    expect(human.stderr).toMatch(/hint: run `mrs-trust precheck alpha beta --fix`/);

    const json = await cli('precheck', 'alpha', 'beta', '--json');
    expect(json.code).toBe(3);
    const doc = precheckResultSchema.parse(JSON.parse(json.stdout));
    expect(doc.ok).toBe(false);
    expect(doc.checks[0]?.findings.map((f) => `${f.securityGroupId}:${f.status}`)).toEqual(['sg-alpha-master:fail', 'sg-alpha-core:fail', 'sg-beta-master:fail', 'sg-beta-core:fail']);
    expect(doc.checks[0]?.sides[1]?.nodeIps).toEqual([`127.${SUBNET}.2.11`, `127.${SUBNET}.2.12`, `127.${SUBNET}.2.13`]);
  });

  it('--fix without a terminal and without --yes exits 2 naming --yes, and adds nothing', async () => {
    const r = await cli('precheck', 'alpha', 'beta', '--fix');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --yes/);
    expect(crossRules()).toEqual([]);
  });

  it('--fix --yes adds exactly the missing rules and journals their ids; a second precheck exits 0; a second --fix adds nothing', async () => {
    const fixed = await cli('precheck', 'alpha', 'beta', '--fix', '--yes', '--json');
    expect(fixed.code).toBe(0);
    const doc = precheckResultSchema.parse(JSON.parse(fixed.stdout));
    expect(doc.ok).toBe(true);
    expect(doc.fix?.added.filter((r) => r.created)).toHaveLength(8);
    const added = crossRules();
    expect(added).toHaveLength(8);
    const journal = JSON.parse(readFileSync(join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json'), 'utf8'));
    expect(journal).toMatchObject({ action: 'precheck-fix', status: 'done' });
    const journaled = journal.steps.flatMap((s: { undo?: { kind: string; ruleIds: string[] } }) => (s.undo?.kind === 'security-group-rules' ? s.undo.ruleIds : []));
    expect(new Set(journaled)).toEqual(new Set(added.map((r) => r.id)));

    const again = await cli('precheck', 'alpha', 'beta');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Pre-check alpha ↔ beta: PASS/);

    const second = await cli('precheck', 'alpha', 'beta', '--fix', '--yes');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/--fix: nothing to add/);
    expect(crossRules()).toEqual(added);
    // The journal of the run that added the rules is untouched by a run that added nothing.
    expect(JSON.parse(readFileSync(join(sb.stateDir, '.mrs-trust', 'journal', 'alpha+beta.json'), 'utf8')).runId).toBe(journal.runId);
  });

  it('writes the markdown report to --out', async () => {
    const out = join(sb.stateDir, 'report.md');
    const r = await cli('precheck', 'alpha', 'beta', '--format', 'md', '--out', out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Pre-check: alpha ↔ beta — PASS\n[\s\S]*\| alpha \| `sg-alpha-master` \| beta \| \*\*pass\*\* \|/);
  });

  it('bad flags are usage errors naming the flag', async () => {
    expect((await cli('precheck', 'alpha', 'beta', '--only', 'clocks')).stderr).toMatch(/--only: unknown check "clocks"/);
    expect((await cli('precheck', 'alpha', 'beta', '--format', 'pdf')).stderr).toMatch(/--format: "pdf" is not one of table, md, json, html/);
    expect((await cli('precheck', 'alpha', 'beta', '--probe-timeout', '0')).stderr).toMatch(/--probe-timeout: "0"/);
    expect((await cli('precheck', 'alpha', 'gamma')).stderr).toMatch(/no cluster "gamma"/);
  });
});

describe('link runs the security-group pre-check when cloud is configured', () => {
  let closed: RunningSandbox;
  beforeAll(async () => {
    closed = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-precheck-link-')), subnet: SUBNET + 6, restartMs: 20, closedGroups: true });
  });
  afterAll(async () => closed?.stop());

  it('stops with exit 3 before any write, naming the groups and the fix; --skip-precheck records the skip', async () => {
    const peersBefore = JSON.stringify(closed.snapshot().clusters.map((c) => c.peers));
    const r = await runCli(['--config', closed.configPath, 'link', 'alpha', 'beta', '--yes']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/pre-check failed: alpha sg-alpha-master: no rule admits beta; add sg-alpha-master: \+ ingress IPv4 ANY from sg-beta-master/);
    expect(r.stderr).toMatch(/hint: run `mrs-trust precheck alpha beta --fix`, or pass --skip-precheck/);
    expect(JSON.stringify(closed.snapshot().clusters.map((c) => c.peers))).toBe(peersBefore);

    const skipped = await runCli(['--config', closed.configPath, 'link', 'alpha', 'beta', '--yes', '--skip-precheck', '--dry-run', '--json']);
    expect(JSON.parse(skipped.stdout).steps).toContainEqual({ id: 'precheck', status: 'skipped', message: 'skipped by --skip-precheck' });
  });
});
