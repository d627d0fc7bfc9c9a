import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askLinkInput, requireTerminal } from '../../src/cli/commands/wizard.js';
import type { AdapterFactories, CliContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { loadConfig } from '../../src/config/load.js';
import { InterruptedError } from '../../src/errors/index.js';
import type { Prompter } from '../../src/ports/prompter.js';
import type { TlsProbe } from '../../src/ports/tls-probe.js';
import { scriptedPrompter, type Scripted } from '../support/fake-prompter.js';

const PIN = `sha256:${Array.from({ length: 32 }, () => 'C0').join(':')}`;
const probe: TlsProbe = {
  fetchCertificate: async () => ({ fingerprint: PIN, subject: 'CN=m', issuer: 'CN=m', validFrom: 'a', validTo: 'b', selfSigned: true, trusted: false }),
};

const EXISTING = `# our clusters — keep this comment
version: 1
clusters:
  alpha: # the analysis one
    type: analysis
    manager:
      url: https://192.0.2.10:28443
      user: admin
      password:
        env: MRS_ALPHA_PASSWORD
`;

function tty(): NodeJS.WritableStream & { isTTY: boolean; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WritableStream & { isTTY: boolean; text: () => string };
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
  stream.isTTY = true;
  stream.text = () => text;
  return stream;
}

function context(prompter: Prompter, over: { dir: string; stdinIsTTY?: boolean; input?: boolean; env?: NodeJS.ProcessEnv }) {
  const stderr = tty();
  const out = createOutput({ json: false, verbose: false, progress: 'plain', stdout: tty(), stderr, env: {} });
  let prompterMade = 0;
  const adapters = {
    prompter: async () => {
      prompterMade += 1;
      return prompter;
    },
    tlsProbe: async () => probe,
  } as unknown as AdapterFactories;
  const ctx: CliContext = {
    out,
    env: over.env ?? {},
    cwd: over.dir,
    stdinIsTTY: over.stdinIsTTY ?? true,
    global: { config: 'clusters.yaml', json: false, verbose: false, yes: false, input: over.input ?? true, progress: 'plain' },
    adapters,
    signal: new AbortController().signal,
  };
  return { ctx, stderr, prompterMade: () => prompterMade };
}

const gamma = (source: 'env' | 'file'): Scripted[] => [
  // alpha is the only cluster in the file: it is picked first, the second one is entered.
  { match: /^First cluster/, answer: 'alpha' },
  { match: /^Name/, answer: 'gamma' },
  { match: /^Type/, answer: 'streaming' },
  { match: /^Manager URL/, answer: 'https://192.0.2.30:28443' },
  { match: /How should/, answer: 'pin' },
  { match: /^Manager user/, answer: '' },
  { match: /^Where should/, answer: source },
  ...(source === 'env' ? [{ match: /^Environment variable/, answer: '' }] : [{ match: /^Password file/, answer: '' }]),
  { match: /^Manager password/, answer: 'pw-gamma' },
  { match: /^Add a client host/, answer: false }, { match: /^Add a node/, answer: false }, { match: /^Add a verify block/, answer: false }, { match: /^Add cloud API access/, answer: false },
];

const tmp = (text?: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'mrs-trust-wizard-'));
  if (text !== undefined) writeFileSync(join(dir, 'clusters.yaml'), text);
  return dir;
};

describe('askLinkInput (the wizard as link uses it)', () => {
  it('without a terminal or with --no-input: exit 2 naming the flags, and no prompt is created', async () => {
    const dir = tmp(EXISTING);
    for (const over of [{ stdinIsTTY: false }, { input: false }]) {
      const { ctx, prompterMade } = context(scriptedPrompter([]), { dir, ...over });
      const error = await askLinkInput(ctx, { configPath: 'clusters.yaml' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: 2, code: over.input === false ? 'NO_INPUT' : 'NO_TERMINAL', hint: expect.stringContaining('mrs-trust link <A> <B> --config FILE --yes') });
      expect(prompterMade()).toBe(0);
    }
    const { ctx } = context(scriptedPrompter([]), { dir });
    expect(() => requireTerminal(ctx)).not.toThrow();
  });

  it('saves the new cluster into the existing file, keeping its comments, and writes no password', async () => {
    const dir = tmp(EXISTING);
    const env: NodeJS.ProcessEnv = {};
    const { ctx, stderr } = context(scriptedPrompter([...gamma('env'), { match: /^Add gamma to/, answer: true }, { match: /^What now/, answer: true }]), { dir, env });
    const asked = await askLinkInput(ctx, { configPath: 'clusters.yaml' });
    const text = readFileSync(join(dir, 'clusters.yaml'), 'utf8');
    expect(text).toContain('# our clusters — keep this comment');
    expect(text).toContain('# the analysis one');
    // The user's own block style stays; only the new entry uses the one-line reference.
    expect(text).toContain('      password:\n        env: MRS_ALPHA_PASSWORD\n');
    expect(text).toContain('password: { env: MRS_GAMMA_PASSWORD }');
    expect(text).toContain(`fingerprint: "${PIN}"`.replace(/"/g, '')) ;
    expect(text).not.toContain('pw-gamma');
    const loaded = await loadConfig(join(dir, 'clusters.yaml'));
    expect(loaded.clusters.gamma).toMatchObject({ type: 'streaming', manager: { url: 'https://192.0.2.30:28443', tls: { fingerprint: PIN } } });
    expect(asked.input).toEqual({ configPath: join(dir, 'clusters.yaml'), a: 'alpha', b: 'gamma', confirmed: false, dryRun: true, skipPrecheck: false });
    // For this run the typed password is where the reference points, as if exported.
    expect(env.MRS_GAMMA_PASSWORD).toBe('pw-gamma');
    expect(asked.command).toEqual(['export MRS_GAMMA_PASSWORD=…   # the Manager password you typed for gamma', 'mrs-trust link alpha gamma --dry-run']);
    expect(stderr.text()).toContain(`updated ${join(dir, 'clusters.yaml')} (gamma)`);
  });

  it('creates the file and a 0600 password file when the user chooses a file reference', async () => {
    const dir = tmp();
    const { ctx } = context(
      scriptedPrompter([
        // No clusters yet: the first one is entered straight away.
        ...gamma('file').slice(1),
        { match: /^Name/, answer: 'delta' },
        { match: /^Type/, answer: 'analysis' },
        { match: /^Manager URL/, answer: 'https://192.0.2.40:28443' },
        { match: /How should/, answer: 'pin' },
        { match: /^Manager user/, answer: '' },
        { match: /^Where should/, answer: 'file' },
        { match: /^Password file/, answer: '' },
        { match: /^Manager password/, answer: 'pw-delta' },
        { match: /^Add a client host/, answer: false }, { match: /^Add a node/, answer: false }, { match: /^Add a verify block/, answer: false }, { match: /^Add cloud API access/, answer: false },
        { match: /^Create .*clusters.yaml with gamma and delta\?/, answer: true },
        { match: /^What now/, answer: false },
      ]),
      { dir },
    );
    await askLinkInput(ctx, { configPath: 'clusters.yaml' });
    const loaded = await loadConfig(join(dir, 'clusters.yaml'));
    expect(Object.keys(loaded.clusters)).toEqual(['gamma', 'delta']);
    for (const [name, pw] of [['gamma', 'pw-gamma'], ['delta', 'pw-delta']]) {
      const file = join(dir, '.mrs-trust', 'secrets', `${name}.password`);
      expect(readFileSync(file, 'utf8')).toBe(`${pw}\n`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loaded.clusters[name as string]?.manager.password).toEqual({ file });
    }
    expect(statSync(join(dir, '.mrs-trust', 'secrets')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, 'clusters.yaml'), 'utf8')).not.toMatch(/pw-/);
  });

  it('writes the verify and kerberos.admin blocks the user filled in, and their password files (0600); no password in clusters.yaml', async () => {
    const dir = tmp(EXISTING);
    writeFileSync(join(dir, 'id_test'), 'not a real key\n', { mode: 0o600 });
    const { ctx, stderr } = context(
      scriptedPrompter([
        ...gamma('env').slice(0, -4), // up to the Manager password
        { match: /^Add a client host/, answer: true },
        { match: /^Client host/, answer: '192.0.2.31' },
        { match: /^SSH port/, answer: '' },
        { match: /^SSH user/, answer: '' },
        { match: /^SSH private key/, answer: 'id_test' },
        { match: /^Host key/, answer: '' },
        { match: /^Add another client host/, answer: false },
        { match: /^Add a node/, answer: false },
        { match: /^Add a verify block/, answer: true },
        { match: /^Test user of gamma/, answer: 'tester@GAMMA.MRS' },
        { match: /^A service of gamma/, answer: 'hdfs/master1.gamma' },
        { match: /^Where should mrs-trust read the password of tester/, answer: 'file' },
        { match: /^Password file/, answer: '' },
        { match: /^Password of tester@GAMMA.MRS/, answer: 'pw-tester' },
        { match: /^Add Kerberos admin access/, answer: true },
        { match: /^Kerberos administrator of gamma/, answer: '' },
        { match: /^Which host runs kadmin/, answer: '192.0.2.31' },
        { match: /^Where should mrs-trust read the password of kadmin/, answer: 'file' },
        { match: /^Password file/, answer: '' },
        { match: /^Password of kadmin\/admin@GAMMA.MRS/, answer: 'pw-kadmin' },
        { match: /^Add cloud API access/, answer: false },
        { match: /^Add gamma to/, answer: true },
        { match: /^What now/, answer: false },
      ]),
      { dir },
    );
    await askLinkInput(ctx, { configPath: 'clusters.yaml' });
    const gammaEntry = (await loadConfig(join(dir, 'clusters.yaml'))).clusters.gamma;
    const secrets = join(dir, '.mrs-trust', 'secrets');
    expect(gammaEntry?.verify).toMatchObject({ principal: 'tester@GAMMA.MRS', service: 'hdfs/master1.gamma', password: { file: join(secrets, 'gamma.verify.password') } });
    expect(gammaEntry?.kerberos?.admin).toMatchObject({ principal: 'kadmin/admin@GAMMA.MRS', host: '192.0.2.31', password: { file: join(secrets, 'gamma.kadmin.password') } });
    for (const [file, pw] of [['gamma.verify.password', 'pw-tester'], ['gamma.kadmin.password', 'pw-kadmin']]) {
      expect(readFileSync(join(secrets, file as string), 'utf8')).toBe(`${pw}\n`);
      expect(statSync(join(secrets, file as string)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(dir, 'clusters.yaml'), 'utf8')).not.toMatch(/pw-/);
    // gamma can now prove the trust; only alpha's gaps are named.
    expect(stderr.text()).toMatch(/cannot prove the trust fully: clusters\.alpha\.verify is not set/);
    expect(stderr.text()).not.toMatch(/cannot prove the trust fully: clusters\.gamma\./);
  });

  it('Ctrl-C at the last question: exit 130 and nothing written', async () => {
    const dir = tmp(EXISTING);
    const { ctx } = context(scriptedPrompter([...gamma('file'), { match: /^Add gamma to/, interrupt: true }]), { dir });
    const error = await askLinkInput(ctx, { configPath: 'clusters.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect(readFileSync(join(dir, 'clusters.yaml'), 'utf8')).toBe(EXISTING);
    expect(existsSync(join(dir, '.mrs-trust'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['clusters.yaml']);
  });

  it('declining to save keeps the file as it was and hands the new cluster to this run in memory', async () => {
    const dir = tmp(EXISTING);
    const { ctx } = context(scriptedPrompter([...gamma('env'), { match: /^Add gamma to/, answer: false }, { match: /^What now/, answer: false }]), { dir });
    const asked = await askLinkInput(ctx, { configPath: 'clusters.yaml' });
    expect(readFileSync(join(dir, 'clusters.yaml'), 'utf8')).toBe(EXISTING);
    expect(Object.keys(asked.input.config?.clusters ?? {})).toEqual(['alpha', 'gamma']);
    expect(asked.input.config?.stateDir).toBe(join(dir, '.mrs-trust'));
  });

  it('never overwrites a file someone changed while the questions were open', async () => {
    const dir = tmp(EXISTING);
    const prompter = scriptedPrompter([...gamma('env'), { match: /^Add gamma to/, answer: true }, { match: /^What now/, answer: false }]);
    const confirm = prompter.confirm.bind(prompter);
    prompter.confirm = async (q) => {
      if (/^Add gamma/.test(q.message)) writeFileSync(join(dir, 'clusters.yaml'), `${EXISTING}# edited meanwhile\n`);
      return confirm(q);
    };
    const { ctx } = context(prompter, { dir });
    await expect(askLinkInput(ctx, { configPath: 'clusters.yaml' })).rejects.toMatchObject({ code: 'CONFIG_CHANGED', exitCode: 3 });
    expect(readFileSync(join(dir, 'clusters.yaml'), 'utf8')).toBe(`${EXISTING}# edited meanwhile\n`);
  });

  it('a broken clusters.yaml stops before any question (exit 2, field named)', async () => {
    const dir = tmp(EXISTING.replace('type: analysis', 'type: batch'));
    const { ctx } = context(scriptedPrompter([]), { dir });
    await expect(askLinkInput(ctx, { configPath: 'clusters.yaml' })).rejects.toMatchObject({ exitCode: 2, path: 'clusters.alpha.type' });
  });
});
