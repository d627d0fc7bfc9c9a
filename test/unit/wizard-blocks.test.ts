import { describe, expect, it } from 'vitest';
import { createPrompter } from '../../src/adapters/prompter/index.js';
import { checkClusterEntry } from '../../src/config/fields.js';
import type { ServerCertificate, TlsProbe } from '../../src/ports/tls-probe.js';
import { equivalentCommand } from '../../src/wizard/command-line.js';
import { runWizard, type WizardDeps, type WizardStart } from '../../src/wizard/index.js';
import { proofGaps } from '../../src/wizard/proof.js';
import { screenDriver, type Step } from '../support/inquirer-driver.js';

// The wizard offers the blocks that let mrs-trust prove and keep a trust (nodes, verify,
// kerberos.admin, cloud), each skippable, through the real inquirer prompts (@inquirer/testing):
// what a person types is checked with the clusters.yaml rules, secrets stay out of the entry.

const PIN = `sha256:${Array.from({ length: 32 }, () => 'AB').join(':')}`;
const cert: ServerCertificate = { fingerprint: PIN, subject: 'CN=m', issuer: 'CN=m', validFrom: 'a', validTo: 'b', selfSigned: true, trusted: false };
const probe: TlsProbe = { fetchCertificate: async () => cert };
const PROJECT = '0123456789abcdef0123456789abcdef';

function deps(driver: ReturnType<typeof screenDriver>, env: NodeJS.ProcessEnv = {}): WizardDeps {
  const files = new Set(['/root/.ssh/id_ed25519']);
  return {
    prompter: createPrompter({ runner: driver.runner }),
    probe,
    env,
    readable: async (p) => files.has(p),
    exists: async (p) => files.has(p),
    resolvePath: (p) => (p.startsWith('~/') ? `/root/${p.slice(2)}` : p.startsWith('/') ? p : `/etc/mrs/${p}`),
    existingClusters: () => [],
  };
}

const start: WizardStart = { configPath: '/etc/mrs/clusters.yaml', configExists: true, known: [{ name: 'alpha', type: 'analysis', url: 'https://192.0.2.10:28443' }], a: 'alpha', confirmed: false };

/** Up to the first optional block: gamma, its Manager (password from a variable that is set), one client host. */
const gammaBasics: Step[] = [
  // alpha is the only cluster in the file and already picked: the second one is entered at once.
  { expect: /Name for this cluster/, type: 'gamma' },
  { expect: /Type of gamma/, choose: /analysis/ },
  { expect: /Manager URL of gamma/, type: 'https://192.0.2.30' },
  { expect: /How should mrs-trust trust this Manager/, choose: /pin this certificate/ },
  { expect: /Manager user/ },
  { expect: /Where should mrs-trust read the Manager password/, choose: /environment variable/ },
  { expect: /Environment variable name/ },
  { expect: /Add a client host/, type: 'y' },
  { expect: /Client host/, type: '192.0.2.31' },
  { expect: /SSH port/ },
  { expect: /SSH user/ },
  { expect: /SSH private key file/ },
  { expect: /Host key fingerprint/ },
  { expect: /Add another client host/ },
];

const tail: Step[] = [
  { expect: /Add gamma to \/etc\/mrs\/clusters\.yaml\?/ },
  { expect: /What now\?/, choose: /dry run/ },
];

describe('wizard: the blocks that prove and keep the trust (@inquirer/testing)', () => {
  it('fills nodes, verify, kerberos.admin and cloud; bad answers are re-asked with the schema reason; typed secrets stay out of the entry', async () => {
    const driver = screenDriver();
    const outcome = await driver.play(runWizard(start, deps(driver, { MRS_GAMMA_PASSWORD: 'set', HUAWEICLOUD_SDK_AK: 'set' })), [
      ...gammaBasics,
      { expect: /Add a node of this cluster reachable over SSH/, type: 'y' },
      { expect: /Node \(IP address or host name\)/, type: '192.0.2.32' },
      { expect: /SSH port/ },
      { expect: /SSH user/, type: '' },
      { expect: /SSH private key file/ },
      { expect: /Host key fingerprint/ },
      { expect: /Add another node/ },
      { expect: /Add a verify block for gamma/, type: 'y' },
      { expect: /Test user of gamma for kinit/, type: 'tester' },
      { rejected: /must be a principal with its realm, e\.g\. tester@ALPHA\.MRS/, type: 'tester@GAMMA.MRS' },
      { expect: /A service of gamma/, type: 'hdfs/master1.gamma@GAMMA.MRS' },
      { rejected: /must be service\/host without a realm/, type: 'hdfs/master1.gamma' },
      { expect: /Where should mrs-trust read the password of tester@GAMMA\.MRS/, choose: /a file only you can read/ },
      { expect: /Password file/ },
      { expect: /Password of tester@GAMMA\.MRS \(hidden; it will be written to\s+\/etc\/mrs\/\.mrs-trust\/secrets\/gamma\.verify\.password,\s+mode 0600\)/, type: 'Tester-Secret-1' },
      { expect: /Add Kerberos admin access for gamma/, type: 'y' },
      // The default comes from the verify principal's realm.
      { expect: /Kerberos administrator of gamma \(MRS: kadmin\/admin@<REALM>\)[\s\S]*kadmin\/admin@GAMMA\.MRS/ },
      { expect: /Which host runs kadmin/, choose: /192\.0\.2\.31/ },
      { expect: /Where should mrs-trust read the password of kadmin\/admin@GAMMA\.MRS/, choose: /environment variable/ },
      { expect: /Environment variable name/ },
      { expect: /Password of kadmin\/admin@GAMMA\.MRS \(hidden; used for this run;\s+export\s+MRS_GAMMA_KADMIN_PASSWORD\s+next time\)/, type: 'Kadmin-Secret-2' },
      { expect: /Add cloud API access for gamma/, type: 'y' },
      { expect: /Region id/, type: 'Europe' },
      { rejected: /must be a region id such as eu-west-0/, type: 'eu-west-0' },
      { expect: /Project id/, type: PROJECT },
      { expect: /MRS cluster id of gamma/, type: 'c0ffee00-1234-5678-9abc-def012345678' },
      { expect: /How should mrs-trust sign in to the cloud API/, choose: /access key/ },
      // HUAWEICLOUD_SDK_AK is set: no AK value is asked; the SK variable is not, so its value is.
      { expect: /Where should mrs-trust read the access key id \(AK\)/, choose: /environment variable/ },
      { expect: /Environment variable name/ },
      { expect: /Where should mrs-trust read the secret access key \(SK\)/, choose: /environment variable/ },
      { expect: /Environment variable name/ },
      { expect: /Secret access key \(SK\) \(hidden; used for this run;\s+export\s+HUAWEICLOUD_SDK_SK\s+next time\)/, type: 'Sk-Secret-3' },
      ...tail,
    ]);
    const [gamma] = outcome.added;
    expect(gamma?.entry).toEqual({
      type: 'analysis',
      manager: { url: 'https://192.0.2.30:28443', user: 'admin', password: { env: 'MRS_GAMMA_PASSWORD' }, tls: { fingerprint: PIN } },
      cloud: { region: 'eu-west-0', projectId: PROJECT, clusterId: 'c0ffee00-1234-5678-9abc-def012345678', auth: { ak: { env: 'HUAWEICLOUD_SDK_AK' }, sk: { env: 'HUAWEICLOUD_SDK_SK' } } },
      nodes: [{ host: '192.0.2.32', key: '~/.ssh/id_ed25519' }],
      clients: [{ host: '192.0.2.31', key: '~/.ssh/id_ed25519' }],
      verify: { principal: 'tester@GAMMA.MRS', password: { file: '.mrs-trust/secrets/gamma.verify.password' }, service: 'hdfs/master1.gamma' },
      kerberos: { admin: { principal: 'kadmin/admin@GAMMA.MRS', password: { env: 'MRS_GAMMA_KADMIN_PASSWORD' }, host: '192.0.2.31' } },
    });
    expect(checkClusterEntry(gamma?.entry).ok).toBe(true);
    // Everything gamma needs to prove the trust is there.
    expect(proofGaps(['gamma', 'alpha'], { gamma: gamma?.entry })).toEqual([]);
    expect(outcome.secrets.map((s) => [s.field, s.ref, s.writeFile])).toEqual([
      ['clusters.gamma.verify.password', { file: '.mrs-trust/secrets/gamma.verify.password' }, '/etc/mrs/.mrs-trust/secrets/gamma.verify.password'],
      ['clusters.gamma.kerberos.admin.password', { env: 'MRS_GAMMA_KADMIN_PASSWORD' }, undefined],
      ['clusters.gamma.cloud.auth.sk', { env: 'HUAWEICLOUD_SDK_SK' }, undefined],
    ]);
    expect(outcome.secrets.map((s) => s.value.reveal())).toEqual(['Tester-Secret-1', 'Kadmin-Secret-2', 'Sk-Secret-3']);
    for (const secret of ['Tester-Secret-1', 'Kadmin-Secret-2', 'Sk-Secret-3']) {
      expect(JSON.stringify(gamma?.entry)).not.toContain(secret);
      // Hidden prompts: the typed value never reaches the screen.
      expect(driver.fullOutput()).not.toContain(secret);
    }
    expect(equivalentCommand(outcome, { cwd: '/etc/mrs', env: {} })).toEqual([
      'export MRS_GAMMA_KADMIN_PASSWORD=…   # the password of kadmin/admin@GAMMA.MRS you typed for gamma',
      'export HUAWEICLOUD_SDK_SK=…   # the secret access key (SK) you typed for gamma',
      'mrs-trust link alpha gamma --dry-run',
    ]);
  });

  it('an IAM login for the cloud block; every other block skipped (Enter) leaves only the Manager, and the gaps are named', async () => {
    const driver = screenDriver();
    const outcome = await driver.play(runWizard(start, deps(driver, { MRS_GAMMA_PASSWORD: 'set', HUAWEICLOUD_PASSWORD: 'set' })), [
      ...gammaBasics,
      { expect: /Add a node of this cluster/ },
      { expect: /Add a verify block for gamma/ },
      { expect: /Add Kerberos admin access for gamma/ },
      { expect: /Add cloud API access for gamma/, type: 'y' },
      { expect: /Region id/, type: 'ap-southeast-1' },
      { expect: /Project id/, type: PROJECT },
      { expect: /MRS cluster id of gamma/, type: 'abcdef12' },
      { expect: /How should mrs-trust sign in to the cloud API/, choose: /IAM user/ },
      { expect: /IAM user name/, type: 'ops' },
      { expect: /Account \(domain\) name/, type: 'acme' },
      { expect: /Where should mrs-trust read the password of IAM user ops/, choose: /environment variable/ },
      { expect: /Environment variable name/ },
      ...tail,
    ]);
    const entry = outcome.added[0]?.entry;
    expect(entry?.cloud).toEqual({ region: 'ap-southeast-1', projectId: PROJECT, clusterId: 'abcdef12', auth: { user: 'ops', domain: 'acme', password: { env: 'HUAWEICLOUD_PASSWORD' } } });
    expect(entry?.verify).toBeUndefined();
    expect(entry?.kerberos).toBeUndefined();
    expect(entry?.nodes).toBeUndefined();
    expect(checkClusterEntry(entry).ok).toBe(true);
    expect(outcome.secrets).toEqual([]);
    expect(proofGaps(['gamma', 'alpha'], { gamma: entry })).toEqual([
      'clusters.gamma.verify is not set: link and verify cannot prove the trust with a real cross-realm ticket (add verify: principal, password, service)',
      'clusters.gamma.kerberos.admin is not set: krbtgt parity and the default-password check are skipped, and rotate cannot run',
    ]);
  });

  it('without any node or client host, kerberos.admin is not offered (kadmin needs a configured host)', async () => {
    const driver = screenDriver();
    const outcome = await driver.play(runWizard(start, deps(driver, { MRS_GAMMA_PASSWORD: 'set' })), [
      ...gammaBasics.slice(0, 7),
      { expect: /Add a client host/ },
      { expect: /Add a node of this cluster/ },
      { expect: /Add a verify block for gamma/ },
      { expect: /Add cloud API access for gamma/ },
      ...tail,
    ]);
    expect(driver.screens.join('\n')).not.toMatch(/Kerberos admin access/);
    expect(Object.keys(outcome.added[0]?.entry ?? {})).toEqual(['type', 'manager']);
  });
});
