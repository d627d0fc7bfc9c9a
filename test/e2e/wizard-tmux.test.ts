import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { BIN } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';
import { TmuxSession } from '../support/tmux.js';

// The real binary in a real terminal (tmux 120x40, LANG=C.UTF-8) against a sandbox this file
// owns on subnet 93. Missing tmux: a failure in CI, a skip naming the Debian package elsewhere.
const tmux = requireBinary('tmux', 'tmux');
const SUBNET = 93;
const SIZE = { width: 120, height: 40 };

describe.skipIf(!tmux.available)('wizard in a real terminal (tmux)', () => {
  let sb: RunningSandbox;
  let session: TmuxSession | undefined;
  let original = '';
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-wizard-tty-')), subnet: SUBNET, restartMs: 30, plugins: false });
    original = readFileSync(sb.configPath, 'utf8');
  });
  afterEach(() => {
    session?.kill();
    session = undefined;
  });
  afterAll(async () => {
    session?.kill();
    await sb?.stop();
  });

  const start = () => (session = new TmuxSession(`${process.execPath} ${BIN} --config ${sb.configPath} wizard`, SIZE));
  const peers = () => sb.snapshot().clusters.map((c) => c.peers.map((p) => p.realm_name));

  it('Ctrl-C at a question: exit 130, clusters.yaml untouched, nothing written anywhere', async () => {
    const t = start();
    await t.waitFor(/First cluster/);
    t.send('Enter');
    await t.waitFor(/Second cluster/);
    t.send('Down', 'Enter');
    await t.waitFor(/Name for this cluster/);
    t.send('gamma', 'Enter');
    await t.waitFor(/Type of gamma/);
    t.send('C-c');
    const screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/error: interrupted at "Type of gamma" \[INTERRUPTED\]/);
    expect(screen).toMatch(/hint: nothing was written/);
    expect(screen).toMatch(/EXIT=130/);
    expect(readFileSync(sb.configPath, 'utf8')).toBe(original);
    expect(existsSync(join(sb.stateDir, '.mrs-trust'))).toBe(false);
    expect(peers()).toEqual([[], []]);
  });

  it('adds a cluster (bad name re-asked, certificate shown and pinned), shows the plan, takes the typed confirmation, links', async () => {
    const beta = sb.clusters.find((c) => c.name === 'beta') as RunningSandbox['clusters'][number];
    const t = start();
    await t.waitFor(/First cluster/);
    t.send('Enter');
    await t.waitFor(/Second cluster/);
    t.send('Down', 'Enter');
    await t.waitFor(/Name for this cluster/);
    t.send('gam ma', 'Enter');
    await t.waitFor(/> cluster names use letters, digits/);
    t.send('C-u', 'gamma', 'Enter');
    await t.waitFor(/Type of gamma/);
    t.send('Enter');
    await t.waitFor(/Manager URL of gamma/);
    t.send(`https://127.${SUBNET}.2.10`, 'Enter');
    const certificate = await t.waitFor(/How should mrs-trust trust this Manager/);
    expect(certificate).toContain(`SHA-256      ${beta.fingerprint}`);
    expect(certificate).toMatch(/issuer +CN=127\.93\.2\.10, O=mrs-trust sandbox \(self-signed\)/);
    t.send('Enter');
    await t.waitFor(/Manager user/);
    t.send('Enter');
    await t.waitFor(/Where should mrs-trust read the Manager password from/);
    t.send('Down', 'Enter');
    await t.waitFor(/Password file/);
    t.send('secrets/beta.password', 'Enter');
    await t.waitFor(/Add a client host/);
    t.send('Enter');
    for (const block of [/Add a node/, /Add a verify block/, /Add cloud API access/]) {
      await t.waitFor(block);
      t.send('Enter');
    }
    await t.waitFor(/Add gamma to .*clusters\.yaml\?/);
    t.send('Enter');
    await t.waitFor(/What now\?/);
    t.send('Enter');
    // gamma's peer_realms is empty (no blind first write): the wizard asks, "no" is the default.
    const guard = await t.waitFor(/peer_realms of gamma is empty.*\n?.*Write the first peer/);
    expect(guard).not.toMatch(/Type alpha-gamma/);
    expect(sb.snapshot().clusters.map((c) => c.saves)).toEqual([0, 0]);
    t.send('y', 'Enter');
    const plan = await t.waitFor(/Type alpha-gamma to continue/);
    expect(plan).toMatch(/Plan: link alpha ↔ gamma/);
    expect(plan).toMatch(/\+ add {5}BETA\.MRS {2}127\.93\.2\.11:21732,127\.93\.2\.12:21732/);
    expect(plan).toMatch(/\+ add {5}ALPHA\.MRS {2}127\.93\.1\.11:21732,127\.93\.1\.12:21732/);
    expect(peers()).toEqual([[], []]);
    t.send('alpha-gamma', 'Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/Linked alpha ↔ gamma/);
    expect(done).toMatch(/Next time, without questions:\s+mrs-trust --config \S+clusters\.yaml link alpha gamma --yes --peer-encoding-confirmed/);
    expect(done).toMatch(/EXIT=0/);
    expect(peers()).toEqual([['BETA.MRS'], ['ALPHA.MRS']]);
    const saved = readFileSync(sb.configPath, 'utf8');
    expect(saved).toContain(`fingerprint: ${beta.fingerprint}`);
    expect(saved).not.toContain(readFileSync(join(sb.stateDir, 'secrets/beta.password'), 'utf8').trim());
  });

  it('--sandbox with everything given on the command line asks nothing and shows the plan', async () => {
    const t = (session = new TmuxSession(`${process.execPath} ${BIN} wizard alpha beta --sandbox --dry-run`, SIZE));
    const screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).not.toMatch(/^\? /m);
    // The plan itself (renderPlan, on stderr after the live task list) and the dry-run summary.
    expect(screen).toMatch(/Plan: link alpha ↔ beta/);
    expect(screen).toMatch(/Dry run \(nothing written\)/);
    expect(screen).toMatch(/Next time, without questions:\s+mrs-trust link alpha beta --sandbox --dry-run/);
    expect(screen).toMatch(/EXIT=0/);
  });
});

describe.skipIf(!tmux.available)('wizard in a real terminal: security groups closed (tmux)', () => {
  // Its own sandbox with cloud API and closed security groups, on subnet 94.
  let sb: RunningSandbox;
  let session: TmuxSession | undefined;
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-wizard-sg-')), subnet: 94, restartMs: 30, closedGroups: true });
  });
  afterEach(() => {
    session?.kill();
    session = undefined;
  });
  afterAll(async () => {
    session?.kill();
    await sb?.stop();
  });

  type CloudState = { rules: Record<string, { direction: string; remote_group_id: string | null }[]> };
  const crossRules = () =>
    Object.entries(((sb.snapshot().plugins as Record<string, CloudState>).cloud as CloudState).rules).flatMap(([group, rules]) =>
      rules.filter((r) => r.direction === 'ingress' && r.remote_group_id && r.remote_group_id.split('-')[1] !== group.split('-')[1]),
    );

  it('declining the offer: exit 3 with the pre-check hint, no rule added, nothing written', async () => {
    const t = (session = new TmuxSession(`${process.execPath} ${BIN} --config ${sb.configPath} wizard alpha beta`, SIZE));
    await t.waitFor(/What now\?/);
    t.send('Enter');
    await t.waitFor(/Add the missing rules now\?/);
    t.send('n', 'Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/hint: run `mrs-trust precheck alpha beta --fix`/);
    expect(done).toMatch(/EXIT=3/);
    expect(crossRules()).toEqual([]);
    expect(sb.snapshot().clusters.map((c) => c.saves)).toEqual([0, 0]);
  });

  it('offers to add the missing rules, shows them, adds them after a yes, then links', async () => {
    const t = (session = new TmuxSession(`${process.execPath} ${BIN} --config ${sb.configPath} wizard alpha beta`, SIZE));
    await t.waitFor(/What now\?/);
    t.send('Enter');
    const offer = await t.waitFor(/block traffic between them\. Add the missing rules now\?/);
    expect(offer).toMatch(/pre-check failed: alpha sg-alpha-master: no rule admits beta/);
    expect(crossRules()).toEqual([]);
    t.send('Enter');
    const listed = await t.waitFor(/Add these 8 security-group rule\(s\)\?/);
    expect(listed).toMatch(/--fix: 8 missing rule\(s\):\s+\+ sg-alpha-master: \+ ingress IPv4 ANY from sg-beta-master/);
    t.send('y', 'Enter');
    const plan = await t.waitFor(/Type alpha-beta to continue/);
    expect(plan).toMatch(/Plan: link alpha ↔ beta/);
    expect(crossRules()).toHaveLength(8);
    t.send('alpha-beta', 'Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/Linked alpha ↔ beta/);
    expect(done).toMatch(/EXIT=0/);
    expect(sb.snapshot().clusters.map((c) => c.peers.map((p) => p.realm_name))).toEqual([['BETA.MRS'], ['ALPHA.MRS']]);
  });
});
