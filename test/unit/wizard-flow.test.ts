import { describe, expect, it } from 'vitest';
import { checkClusterEntry } from '../../src/config/fields.js';
import { InterruptedError, RemoteError, UsageError } from '../../src/errors/index.js';
import type { ServerCertificate, TlsProbe } from '../../src/ports/tls-probe.js';
import { equivalentCommand } from '../../src/wizard/command-line.js';
import { runWizard, type WizardDeps, type WizardStart } from '../../src/wizard/index.js';
import { scriptedPrompter, type Scripted } from '../support/fake-prompter.js';

const PIN = `sha256:${Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':')}`;
const cert: ServerCertificate = { fingerprint: PIN, subject: 'CN=manager', issuer: 'CN=manager', validFrom: 'Jan 1 2026', validTo: 'Jan 1 2036', selfSigned: true, trusted: false, untrustedReason: 'DEPTH_ZERO_SELF_SIGNED_CERT' };

/** A probe that knows one Manager; anything else is unreachable. */
function probe(known: Record<string, ServerCertificate> = { 'https://192.0.2.30:28443': cert }): TlsProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async fetchCertificate(url) {
      asked.push(url);
      const found = known[url];
      if (!found) throw new RemoteError('TLS_PROBE_FAILED', `cannot fetch the certificate of ${new URL(url).host}: ECONNREFUSED`);
      return found;
    },
  };
}

const start = (over: Partial<WizardStart> = {}): WizardStart => ({
  configPath: '/etc/mrs/clusters.yaml',
  configExists: true,
  known: [
    { name: 'alpha', type: 'analysis', url: 'https://192.0.2.10:28443' },
    { name: 'beta', type: 'streaming', url: 'https://192.0.2.20:28443' },
  ],
  confirmed: false,
  ...over,
});

function deps(script: Scripted[], over: Partial<WizardDeps> = {}) {
  const prompter = scriptedPrompter(script);
  const files = new Set(['/root/.ssh/id_ed25519']);
  const d: WizardDeps = {
    prompter,
    probe: probe(),
    env: {},
    readable: async (p) => files.has(p),
    exists: async (p) => files.has(p) || p === '/etc/mrs/locked.password',
    resolvePath: (p) => (p.startsWith('~/') ? `/root/${p.slice(2)}` : p.startsWith('/') ? p : `/etc/mrs/${p}`),
    existingClusters: () => [],
    ...over,
  };
  return { d, prompter };
}

describe('wizard: picking clusters from clusters.yaml', () => {
  it('asks both clusters and what to do, and returns the link input', async () => {
    const { d, prompter } = deps([
      { match: /^First cluster/, answer: 'beta' },
      { match: /^Second cluster/, answer: 'alpha' },
      { match: /^What now/, answer: false },
    ]);
    const outcome = await runWizard(start(), d);
    expect(outcome.input).toEqual({ configPath: '/etc/mrs/clusters.yaml', a: 'beta', b: 'alpha', confirmed: false, dryRun: false, skipPrecheck: false });
    expect(outcome).toMatchObject({ added: [], saveConfig: false, secrets: [] });
    // The second list no longer offers the first pick.
    expect(prompter.asked[1]?.choices).toEqual(['alpha', 'add a new cluster…']);
    expect(prompter.remaining()).toEqual([]);
  });

  it('asks nothing that flags settled', async () => {
    const { d, prompter } = deps([]);
    const outcome = await runWizard(start({ a: 'alpha', b: 'beta', dryRun: true, skipPrecheck: true, confirmed: true }), d);
    expect(prompter.asked).toEqual([]);
    expect(outcome.input).toMatchObject({ a: 'alpha', b: 'beta', dryRun: true, skipPrecheck: true, confirmed: true });
  });

  it('refuses the same cluster twice from flags', async () => {
    const { d } = deps([]);
    await expect(runWizard(start({ a: 'alpha', b: 'alpha' }), d)).rejects.toMatchObject({ code: 'SAME_CLUSTER', exitCode: 2 });
  });
});

const newClusterScript: Scripted[] = [
  { match: /^Name for this cluster/, answer: 'bad name!' },
  { match: /^Name for this cluster/, answer: 'alpha' },
  { match: /^Name for this cluster/, answer: 'gamma' },
  { match: /^Type of gamma/, answer: 'hybrid' },
  { match: /^Manager URL of gamma/, answer: 'http://192.0.2.30:28443' },
  { match: /^Manager URL of gamma/, answer: 'https://192.0.2.99:28443' },
  { match: /^Manager URL of gamma/, answer: 'https://192.0.2.30' },
  { match: /SHA-256 +sha256:10:11:12/, answer: 'pin' },
  { match: /^Manager user/, answer: '' },
  { match: /^Where should mrs-trust read the Manager password/, answer: 'env' },
  { match: /^Environment variable name/, answer: '1BAD' },
  { match: /^Environment variable name/, answer: undefined },
  { match: /^Manager password of admin@gamma \(hidden; used for this run; export MRS_GAMMA_PASSWORD next time\)/, answer: '' },
  { match: /^Manager password of admin@gamma/, answer: 'Hunter2!' },
  { match: /^Add a client host/, answer: true },
  { match: /^Client host/, answer: 'client_1..bad' },
  { match: /^Client host/, answer: '192.0.2.31' },
  { match: /^SSH port/, answer: '70000' },
  { match: /^SSH port/, answer: '2222' },
  { match: /^SSH user/, answer: undefined },
  { match: /^SSH private key/, answer: '~/.ssh/missing' },
  { match: /^SSH private key/, answer: undefined },
  { match: /^Host key fingerprint/, answer: 'MD5:aa' },
  { match: /^Host key fingerprint/, answer: '' },
  { match: /^Add another client host/, answer: false }, { match: /^Add a node/, answer: false }, { match: /^Add a verify block/, answer: false }, { match: /^Add Kerberos admin access/, answer: false }, { match: /^Add cloud API access/, answer: false },
];

describe('wizard: adding a cluster', () => {
  it('re-asks every bad answer with the config file reason, pins the shown certificate, keeps the password out of the entry', async () => {
    const { d, prompter } = deps([
      { match: /^First cluster/, answer: 'alpha' },
      { match: /^Second cluster/, answer: '\u0000new' },
      ...newClusterScript,
      { match: /^Add gamma to \/etc\/mrs\/clusters.yaml\?/, answer: true },
      { match: /^What now/, answer: true },
    ]);
    const outcome = await runWizard(start(), d);
    expect(prompter.rejected.map((r) => [r.answer, r.reason])).toEqual([
      ['bad name!', 'cluster names use letters, digits, "-" and "_" (at most 63)'],
      ['alpha', 'a cluster named "alpha" already exists'],
      ['http://192.0.2.30:28443', 'must use https (got http)'],
      ['https://192.0.2.99:28443', 'cannot fetch the certificate of 192.0.2.99:28443: ECONNREFUSED'],
      ['1BAD', 'must be an environment variable name (letters, digits, _)'],
      ['', 'is required'],
      ['client_1..bad', 'must be an IP address or a host name'],
      ['70000', 'must be from 1 to 65535'],
      ['~/.ssh/missing', 'cannot read /root/.ssh/missing'],
      ['MD5:aa', 'must be an ssh-keygen -lf fingerprint, "SHA256:" and 43 base64 characters'],
    ]);
    expect(outcome.input).toMatchObject({ a: 'alpha', b: 'gamma', dryRun: true });
    expect(outcome.saveConfig).toBe(true);
    const [gamma] = outcome.added;
    expect(gamma?.entry).toEqual({
      type: 'hybrid',
      manager: { url: 'https://192.0.2.30:28443', user: 'admin', password: { env: 'MRS_GAMMA_PASSWORD' }, tls: { fingerprint: PIN } },
      clients: [{ host: '192.0.2.31', port: 2222, key: '~/.ssh/id_ed25519' }],
    });
    expect(checkClusterEntry(gamma?.entry).ok).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain('Hunter2!');
    expect(outcome.secrets).toHaveLength(1);
    expect(outcome.secrets[0]?.value.reveal()).toBe('Hunter2!');
    expect(outcome.secrets[0]).toMatchObject({ field: 'clusters.gamma.manager.password', ref: { env: 'MRS_GAMMA_PASSWORD' } });
    expect(outcome.secrets[0]?.writeFile).toBeUndefined();
    // The certificate shown is the one fetched from the URL the user typed (port 28443 added).
    expect((d.probe as ReturnType<typeof probe>).asked).toEqual(['https://192.0.2.99:28443', 'https://192.0.2.30:28443']);
    expect(prompter.asked.find((q) => /SHA-256/.test(q.message))?.message).toContain('self-signed');
    expect(prompter.remaining()).toEqual([]);
  });

  it('skips the password when the variable is already set, and offers system CAs for a trusted certificate', async () => {
    const trusted = { ...cert, trusted: true, selfSigned: false, issuer: 'CN=Some CA' };
    const { d, prompter } = deps(
      [
        { match: /^Name for this cluster/, answer: 'delta' },
        { match: /^Type of delta/, answer: 'analysis' },
        { match: /^Manager URL/, answer: 'https://192.0.2.30:28443' },
        { match: /How should mrs-trust trust/, answer: undefined },
        { match: /^Manager user/, answer: 'ops' },
        { match: /^Where should/, answer: 'env' },
        { match: /^Environment variable name/, answer: 'DELTA_PW' },
        { match: /^Add a client host/, answer: false }, { match: /^Add a node/, answer: false }, { match: /^Add a verify block/, answer: false }, { match: /^Add cloud API access/, answer: false },
        { match: /^Create \/etc\/mrs\/clusters.yaml with delta and epsilon\?/, answer: false },
        { match: /^What now/, answer: false },
      ],
      { env: { DELTA_PW: 'set' }, probe: probe({ 'https://192.0.2.30:28443': trusted }) },
    );
    // `a` from the command line names a cluster the (missing) file does not have: it is entered.
    const script = prompter.remaining();
    script.splice(11, 0,
      { match: /^Type of epsilon/, answer: 'streaming' },
      { match: /^Manager URL/, answer: 'https://192.0.2.30:28443' },
      { match: /How should/, answer: 'ca' },
      { match: /^CA certificate file/, answer: 'ca.pem' },
      { match: /^CA certificate file/, answer: '/root/.ssh/id_ed25519' },
      { match: /^Manager user/, answer: undefined },
      { match: /^Where should/, answer: 'file' },
      { match: /^Password file/, answer: 'locked.password' },
      { match: /^Password file/, answer: undefined },
      { match: /^Manager password of admin@epsilon \(hidden; it will be written to \/etc\/mrs\/.mrs-trust\/secrets\/epsilon.password, mode 0600\)/, answer: 'pw-eps' },
      { match: /^Add a client host/, answer: false }, { match: /^Add a node/, answer: false }, { match: /^Add a verify block/, answer: false }, { match: /^Add cloud API access/, answer: false },
    );
    const outcome = await runWizard(start({ configExists: false, known: [], b: 'epsilon' }), d);
    expect(prompter.asked.find((q) => /How should/.test(q.message))).toMatchObject({ default: 'system', choices: [expect.stringMatching(/^pin/), 'use the system CAs (no pin)', 'trust a CA certificate file (tls.ca)'] });
    expect(prompter.asked.some((q) => /password of ops@delta/.test(q.message))).toBe(false);
    expect(prompter.rejected.map((r) => r.reason)).toEqual(['cannot read /etc/mrs/ca.pem', 'cannot read /etc/mrs/locked.password']);
    expect(outcome.added.map((c) => c.entry.manager)).toEqual([
      { url: 'https://192.0.2.30:28443', user: 'ops', password: { env: 'DELTA_PW' } },
      { url: 'https://192.0.2.30:28443', user: 'admin', password: { file: '.mrs-trust/secrets/epsilon.password' }, tls: { ca: '/root/.ssh/id_ed25519' } },
    ]);
    expect(outcome.secrets).toEqual([expect.objectContaining({ field: 'clusters.epsilon.manager.password', writeFile: '/etc/mrs/.mrs-trust/secrets/epsilon.password' })]);
    expect(outcome.saveConfig).toBe(false);
    expect(prompter.remaining()).toEqual([]);
  });

  it('rejects a bad cluster name from the command line before asking anything', async () => {
    const { d, prompter } = deps([]);
    const error = await runWizard(start({ a: 'no way' }), d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(prompter.asked).toEqual([]);
  });

  it('Ctrl-C at any question ends the wizard with InterruptedError', async () => {
    for (let stop = 0; stop < newClusterScript.length; stop += 4) {
      const script = newClusterScript.slice(0, stop);
      const last = newClusterScript[stop] as Scripted;
      const { d } = deps([{ match: /^First cluster/, answer: '\u0000new' }, ...script, { match: last.match, interrupt: true }]);
      await expect(runWizard(start(), d)).rejects.toBeInstanceOf(InterruptedError);
    }
  });
});

describe('wizard: the equivalent command', () => {
  it('names the config, the clusters and the variables to export, never a password', async () => {
    const { d } = deps([{ match: /^First cluster/, answer: '\u0000new' }, ...newClusterScript.slice(0, 14), { match: /^Add a client host/, answer: false }, { match: /^Add a node/, answer: false }, { match: /^Add a verify block/, answer: false }, { match: /^Add cloud API access/, answer: false }, { match: /^Second cluster/, answer: 'beta' }, { match: /^Add gamma/, answer: true }, { match: /^What now/, answer: false }]);
    const outcome = await runWizard(start(), d);
    expect(equivalentCommand(outcome, { cwd: '/etc/mrs', env: {} })).toEqual([
      'export MRS_GAMMA_PASSWORD=…   # the Manager password you typed for gamma',
      'mrs-trust link gamma beta --yes',
    ]);
    expect(equivalentCommand({ ...outcome, input: { ...outcome.input, dryRun: true, skipPrecheck: true } }, { cwd: '/home/ops', env: { MRS_GAMMA_PASSWORD: 'x' } })).toEqual([
      'mrs-trust --config /etc/mrs/clusters.yaml link gamma beta --dry-run --skip-precheck',
    ]);
    expect(equivalentCommand(outcome, { cwd: '/tmp', env: { MRS_GAMMA_PASSWORD: 'x' }, sandbox: true })).toEqual(['mrs-trust link gamma beta --sandbox --yes']);
    expect(equivalentCommand({ ...outcome, input: { ...outcome.input, b: "it's" } }, { cwd: '/etc/mrs', env: { MRS_GAMMA_PASSWORD: 'x' } })).toEqual([`mrs-trust link gamma 'it'\\''s' --yes`]);
  });
});
