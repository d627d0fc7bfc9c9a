import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloud } from '../../src/adapters/cloud/index.js';
import { createState } from '../../src/adapters/state/index.js';
import type { AdapterFactories, CliContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { run } from '../../src/cli/commands/precheck.js';
import type { MrsTrustError } from '../../src/errors/index.js';
import { startCloud } from '../../src/sandbox/cloud/index.js';
import { sandboxLayout } from '../../src/sandbox/layout.js';
import { scriptedPrompter } from '../support/fake-prompter.js';

// `precheck --fix` on a terminal asks through the Prompter; subnet 85 belongs to this file.
const SUBNET = 85;
let plugin: Awaited<ReturnType<typeof startCloud>>;
let configPath: string;

function context(answer: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d) => (text += String(d)));
  stderr.on('data', () => undefined);
  const out = createOutput({ json: false, verbose: false, progress: 'none', stdout, stderr, env: {} });
  const prompter = scriptedPrompter([{ match: /Add these 8 security-group rule\(s\)\?/, answer }]);
  const adapters = {
    cloud: async (cluster, o, options) => createCloud(cluster, { warn: (l) => o.warn(l), debug: () => undefined }, options),
    prompter: async () => prompter,
    state: async (dir) => createState(dir),
  } as AdapterFactories;
  const ctx: CliContext = {
    out, env: {}, cwd: tmpdir(), stdinIsTTY: true, adapters, signal: new AbortController().signal,
    global: { config: configPath, json: false, verbose: false, yes: false, input: true, progress: 'none' } as CliContext['global'],
  };
  return { ctx, prompter, stdout: () => text };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mrs-precheck-tty-'));
  mkdirSync(join(dir, 'secrets'));
  plugin = await startCloud(sandboxLayout(['alpha', 'beta'], SUBNET), dir, { managers: [], onPeerRealmsSaved: () => undefined }, { closedGroups: true });
  configPath = join(dir, 'clusters.yaml');
  writeFileSync(configPath, stringify({ version: 1, clusters: Object.fromEntries(Object.entries(plugin.clusters).map(([n, f]) => [n, { type: 'analysis', manager: { url: 'https://127.0.0.1:28443', user: 'admin', password: { env: 'X' } }, cloud: f.cloud }])) }));
});
afterAll(async () => plugin?.stop());

describe('precheck --fix on a terminal', () => {
  it('declining adds nothing (exit 130, as link does)', async () => {
    const before = JSON.stringify(plugin.sim.snapshot());
    const { ctx, prompter } = context(false);
    const error = (await run(ctx, 'alpha', 'beta', { fix: true, only: 'security-groups' }).catch((e: unknown) => e)) as MrsTrustError;
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/no rules added/);
    expect(prompter.asked).toHaveLength(1);
    expect(JSON.stringify(plugin.sim.snapshot())).toBe(before);
  });

  it('confirming adds the rules and the report passes', async () => {
    const { ctx, stdout } = context(true);
    await run(ctx, 'alpha', 'beta', { fix: true, only: 'security-groups' });
    expect(stdout()).toMatch(/Pre-check alpha ↔ beta: PASS/);
    expect(stdout()).toMatch(/--fix: 8 rule\(s\) added/);
  });
});
