import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManager } from '../../src/adapters/manager/index.js';
import { createPrompter } from '../../src/adapters/prompter/index.js';
import { createState } from '../../src/adapters/state/index.js';
import { createTlsProbe } from '../../src/adapters/tls-probe/index.js';
import { run as wizard } from '../../src/cli/commands/wizard.js';
import type { AdapterFactories, CliContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { loadConfig } from '../../src/config/load.js';
import { InterruptedError } from '../../src/errors/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { screenDriver, type Driver, type Step } from '../support/inquirer-driver.js';

// Subnet 92 (127.92.x.x) belongs to this file.
const SUBNET = 92;

function capture(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean };
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

/** The CLI context main.ts builds, with the real adapters; only the prompts are driven by `driver`. */
function context(driver: Driver, configPath: string, cwd = tmpdir()) {
  const stdout = capture(false);
  const stderr = capture(true);
  const out = createOutput({ json: false, verbose: false, progress: 'plain', stdout: stdout.stream, stderr: stderr.stream, env: {} });
  const log = { warn: (line: string) => out.warn(line), debug: (line: string) => out.debug(line) };
  const unused = (name: string) => async () => {
    throw new Error(`${name} is not used by this test`);
  };
  const adapters: AdapterFactories = {
    prompter: async () => createPrompter({ runner: driver.runner }),
    tlsProbe: async () => createTlsProbe(),
    network: async () => (await import('../../src/adapters/network/index.js')).createNetworkProbe(),
    manager: async (cluster) => createManager(cluster, log),
    state: async (dir) => createState(dir),
    cloud: unused('cloud'),
    remoteHost: unused('remoteHost'),
    sandbox: unused('sandbox'),
    clientFiles: unused('clientFiles'),
    clientConfigDownload: unused('clientConfigDownload'),
  } as AdapterFactories;
  const ctx: CliContext = {
    out,
    env: {},
    cwd,
    stdinIsTTY: true,
    global: { config: configPath, json: false, verbose: false, yes: false, input: true, progress: 'plain' } as CliContext['global'],
    adapters,
    signal: new AbortController().signal,
  };
  return { ctx, stdout: stdout.text, stderr: stderr.text };
}

describe('wizard against the sandbox, through the real inquirer prompts (@inquirer/testing)', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ stateDir: mkdtempSync(join(tmpdir(), 'mrs-wizard-')), subnet: SUBNET, restartMs: 20, plugins: false, seedPeer: true });
  });
  afterAll(async () => sb?.stop());
  // Each test starts from the sandbox's own clusters.yaml (alpha, beta).
  let original = '';
  beforeEach(() => {
    if (original === '') original = readFileSync(sb.configPath, 'utf8');
    writeFileSync(sb.configPath, original);
  });

  // The seeded unrelated peer (PARTNER.MRS) makes the encoding confirmed by reading; it is kept and left out here.
  const peersOf = (name: string) => (sb.snapshot().clusters.find((c) => c.name === name)?.peers ?? []).filter((p) => p.realm_name !== 'PARTNER.MRS');
  const beta = () => sb.clusters.find((c) => c.name === 'beta') as RunningSandbox['clusters'][number];

  /** alpha from the file, then a new cluster "gamma" entered by hand (it is beta's Manager). */
  const untilConfirmation = (): Step[] => [
    { expect: /First cluster/, choose: /alpha/ },
    { expect: /Second cluster/, choose: /add a new cluster/ },
    { expect: /Name for this cluster/, type: 'gam ma' },
    { rejected: /cluster names use letters, digits/, type: 'alpha' },
    { rejected: /a cluster named "alpha" already exists/, type: 'gamma' },
    { expect: /Type of gamma/, choose: /streaming/ },
    { expect: /Manager URL of gamma/, type: 'http://127.92.2.10:28443' },
    { rejected: /must use https \(got http\)/, type: `https://127.${SUBNET}.9.9:28443` },
    { rejected: /cannot fetch the certificate of 127\.92\.9\.9:28443: ECONNREFUSED/, type: `https://127.${SUBNET}.2.10` },
    { expect: new RegExp(`SHA-256 +${beta().fingerprint.slice(0, 50)}`), choose: /pin this certificate/ },
    { expect: /Manager user/ },
    { expect: /Where should mrs-trust read the Manager password/, choose: /a file only you can read/ },
    // The sandbox's own password file for beta: readable, so no password is asked.
    { expect: /Password file/, type: 'secrets/beta.password' },
    { expect: /Add a client host/ },
    // The optional blocks (nodes, verify, cloud): Enter skips each; no host, so no kerberos.admin question.
    { expect: /Add a node/ },
    { expect: /Add a verify block/ },
    { expect: /Add cloud API access/ },
    { expect: /Add gamma to .*clusters\.yaml\?/ },
    { expect: /What now\?/, choose: /^❯ link:/ },
  ];

  it('Ctrl-C at the typed confirmation: exit 130 and nothing written to either cluster', async () => {
    const driver = screenDriver();
    const { ctx, stderr } = context(driver, sb.configPath);
    const error = await driver.play(wizard(ctx, undefined, undefined, {}), [...untilConfirmation(), { expect: /Type alpha-gamma to continue/, interrupt: true }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect(stderr()).toContain('Plan: link alpha ↔ gamma');
    expect([peersOf('alpha'), peersOf('beta')]).toEqual([[], []]);
    expect(sb.snapshot().clusters.map((c) => c.restartCount)).toEqual([0, 0]);
    // The user said yes to saving gamma before the plan; the file keeps it for the next try.
    expect((await loadConfig(sb.configPath)).clusters.gamma).toBeDefined();
  });

  it('a full run: bad answers re-asked, certificate pinned, file saved, plan shown, typed confirmation, both sides linked', async () => {
    const driver = screenDriver();
    const { ctx, stdout, stderr } = context(driver, sb.configPath, sb.stateDir);
    await driver.play(wizard(ctx, undefined, undefined, {}), [
      ...untilConfirmation(),
      { expect: /Type alpha-gamma to continue/, type: 'alpha-gamma' },
    ]);
    const loaded = await loadConfig(sb.configPath);
    expect(loaded.clusters.gamma).toMatchObject({ type: 'streaming', manager: { url: `https://127.${SUBNET}.2.10:28443`, tls: { fingerprint: beta().fingerprint }, password: { file: join(sb.stateDir, 'secrets/beta.password') } } });
    expect(stderr()).toMatch(/Plan: link alpha ↔ gamma[\s\S]*\+ add +BETA\.MRS/);
    expect(stdout()).toContain('Linked alpha ↔ gamma');
    expect(peersOf('alpha')).toEqual([{ realm_name: 'BETA.MRS', ip_port: beta().kdcs.join(',') }]);
    expect(peersOf('beta').map((p) => p.realm_name)).toEqual(['ALPHA.MRS']);
    expect(stderr()).toContain('Next time, without questions:\n  mrs-trust link alpha gamma --yes');
    const password = readFileSync(join(sb.stateDir, 'secrets/beta.password'), 'utf8').trim();
    expect(password.length).toBeGreaterThan(7);
    for (const shown of [driver.fullOutput(), stdout(), stderr(), readFileSync(sb.configPath, 'utf8')]) expect(shown).not.toContain(password);
  });
});
