import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { validConfig, writeConfigDir } from '../support/config-fixture.js';

type Cfg = Record<string, any>;
interface Case {
  name: string;
  mutate?: (c: Cfg) => void;
  text?: string;
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
  /** The one error line must match this (field path and reason). */
  error: RegExp;
}

const alpha = (c: Cfg) => c.clusters.alpha;
const client = (c: Cfg) => c.clusters.alpha.clients[0];
const okEnv = { MRS_ALPHA_PASSWORD: 'pw' };

const cases: Case[] = [
  { name: 'bad YAML', text: 'version: 1\nclusters:\n  alpha: [unclosed', error: /YAML error/ },
  { name: 'YAML tab indentation', text: 'version: 1\nclusters:\n\talpha: {}', error: /YAML error/ },
  { name: 'duplicate YAML key', text: 'version: 1\nversion: 1\nclusters: {}', error: /YAML error/ },
  { name: 'empty file', text: '', error: /is empty/ },
  { name: 'top level is a list', text: '- a\n- b', error: /expected an object, got a list/ },
  { name: 'version missing', mutate: (c) => delete c.version, error: /^error: version: must be 1/ },
  { name: 'version 2', mutate: (c) => (c.version = 2), error: /^error: version: must be 1/ },
  { name: 'clusters missing', mutate: (c) => delete c.clusters, error: /^error: clusters: is required/ },
  { name: 'no cluster at all', mutate: (c) => (c.clusters = {}), error: /^error: clusters: must define at least one cluster \[CONFIG_INVALID\]/ },
  { name: 'clusters is a list', mutate: (c) => (c.clusters = []), error: /^error: clusters: expected record, got a list/ },
  { name: 'unknown top-level key', mutate: (c) => (c.cluster = {}), error: /unknown key "cluster" \(did you mean "clusters"\?\)/ },
  { name: 'bad cluster name', mutate: (c) => (c.clusters['al pha'] = c.clusters.alpha), error: /^error: clusters\.al pha: cluster names use letters/ },
  { name: 'cluster name with +', mutate: (c) => (c.clusters['a+b'] = c.clusters.alpha), error: /clusters\.a\+b: cluster names/ },
  { name: 'cluster is text', mutate: (c) => (c.clusters.alpha = 'x'), error: /^error: clusters\.alpha: expected an object, got the text "x"/ },
  { name: 'unknown cluster key', mutate: (c) => (alpha(c).mrs_version = '2.1'), error: /^error: clusters\.alpha: unknown key "mrs_version" \(did you mean "mrsVersion"\?\)/ },
  { name: 'type missing', mutate: (c) => delete alpha(c).type, error: /clusters\.alpha\.type: must be "analysis" or "streaming" or "hybrid"|clusters\.alpha\.type: is required/ },
  { name: 'type unknown', mutate: (c) => (alpha(c).type = 'batch'), error: /clusters\.alpha\.type: must be "analysis" or "streaming" or "hybrid", got the text "batch"/ },
  { name: 'manager missing', mutate: (c) => delete alpha(c).manager, error: /clusters\.alpha\.manager: (is required|expected an object, got undefined)/ },
  { name: 'http URL', mutate: (c) => (alpha(c).manager.url = 'http://192.0.2.10:28443'), error: /clusters\.alpha\.manager\.url: must use https \(got http\)/ },
  { name: 'URL not a URL', mutate: (c) => (alpha(c).manager.url = 'not a url'), error: /clusters\.alpha\.manager\.url: "not a url" is not a URL/ },
  { name: 'URL with credentials', mutate: (c) => (alpha(c).manager.url = 'https://u:p@192.0.2.10:28443'), error: /clusters\.alpha\.manager\.url: must not contain a user or password/ },
  { name: 'URL is a number', mutate: (c) => (alpha(c).manager.url = 42), error: /clusters\.alpha\.manager\.url: expected string, got number 42/ },
  { name: 'cas http', mutate: (c) => (alpha(c).manager.cas = 'http://192.0.2.10:20009'), error: /clusters\.alpha\.manager\.cas: must use https/ },
  { name: 'user empty', mutate: (c) => (alpha(c).manager.user = ''), error: /clusters\.alpha\.manager\.user: must not be empty/ },
  { name: 'user missing', mutate: (c) => delete alpha(c).manager.user, error: /clusters\.alpha\.manager\.user: is required/ },
  { name: 'inline password', mutate: (c) => (alpha(c).manager.password = 'Admin@123'), error: /clusters\.alpha\.manager\.password: inline secrets are not allowed/ },
  { name: 'password missing', mutate: (c) => delete alpha(c).manager.password, error: /clusters\.alpha\.manager\.password: inline secrets are not allowed|clusters\.alpha\.manager\.password: is required/ },
  { name: 'password both env and file', mutate: (c) => (alpha(c).manager.password = { env: 'A', file: 'b' }), error: /clusters\.alpha\.manager\.password: give exactly one of env or file/ },
  { name: 'password empty object', mutate: (c) => (alpha(c).manager.password = {}), error: /clusters\.alpha\.manager\.password: give exactly one of env or file/ },
  { name: 'password unknown key', mutate: (c) => (alpha(c).manager.password = { value: 'x' }), error: /clusters\.alpha\.manager\.password: unknown key "value"/ },
  { name: 'password bad env name', mutate: (c) => (alpha(c).manager.password = { env: 'MY-PW' }), error: /clusters\.alpha\.manager\.password\.env: must be an environment variable name/ },
  { name: 'password env not set', env: { MRS_ALPHA_PASSWORD: undefined }, error: /clusters\.alpha\.manager\.password: environment variable MRS_ALPHA_PASSWORD is not set/ },
  { name: 'password file missing', files: { id_ed25519: 'k', 'beta-ca.pem': 'p' }, error: /clusters\.beta\.manager\.password: cannot read secret file .*beta\.pw \(not found\)/ },
  { name: 'password file empty', files: { id_ed25519: 'k', 'beta.pw': '\n', 'beta-ca.pem': 'p' }, error: /clusters\.beta\.manager\.password: secret file .*beta\.pw is empty/ },
  { name: 'tls bad fingerprint', mutate: (c) => (alpha(c).manager.tls = { fingerprint: 'AB:CD' }), error: /clusters\.alpha\.manager\.tls\.fingerprint: must be "sha256:" followed by 32 hex bytes/ },
  { name: 'tls fingerprint too short', mutate: (c) => (alpha(c).manager.tls = { fingerprint: 'sha256:AB:CD' }), error: /clusters\.alpha\.manager\.tls\.fingerprint: must be "sha256:"/ },
  { name: 'tls insecure false', mutate: (c) => (alpha(c).manager.tls = { insecure: false }), error: /clusters\.alpha\.manager\.tls\.insecure: insecure can only be true/ },
  { name: 'tls two choices', mutate: (c) => (alpha(c).manager.tls = { insecure: true, ca: './x.pem' }), error: /clusters\.alpha\.manager\.tls: give exactly one of ca, fingerprint or insecure/ },
  { name: 'tls unknown key', mutate: (c) => (alpha(c).manager.tls = { pin: 'x' }), error: /clusters\.alpha\.manager\.tls: unknown key "pin"/ },
  { name: 'tls ca file missing', files: { id_ed25519: 'k', 'beta.pw': 'p' }, error: /clusters\.beta\.manager\.tls\.ca: cannot read .*beta-ca\.pem \(not found\)/ },
  { name: 'discovery unknown', mutate: (c) => (alpha(c).manager.discovery = 'ssh'), error: /clusters\.alpha\.manager\.discovery: must be "api" or "krb5conf"/ },
  { name: 'krb5conf discovery without nodes', mutate: (c) => (alpha(c).manager.discovery = 'krb5conf'), error: /clusters\.alpha\.manager\.discovery: krb5conf discovery needs at least one entry under nodes/ },
  { name: 'mrsVersion garbage', mutate: (c) => (alpha(c).mrsVersion = 'latest'), error: /clusters\.alpha\.mrsVersion: must be a version such as "2\.1\.0"/ },
  { name: 'mrsVersion number', mutate: (c) => (alpha(c).mrsVersion = 2.1), error: /clusters\.alpha\.mrsVersion: expected string, got number 2\.1/ },
  { name: 'peerLimit 0', mutate: (c) => (alpha(c).peerLimit = 0), error: /clusters\.alpha\.peerLimit: must be at least 1/ },
  { name: 'peerLimit fraction', mutate: (c) => (alpha(c).peerLimit = 1.5), error: /clusters\.alpha\.peerLimit: must be a whole number/ },
  { name: 'peerLimit text', mutate: (c) => (alpha(c).peerLimit = 'sixteen'), error: /clusters\.alpha\.peerLimit: expected number, got the text "sixteen"/ },
  { name: 'clients not a list', mutate: (c) => (alpha(c).clients = { host: 'x' }), error: /clusters\.alpha\.clients: expected array, got an object/ },
  { name: 'client host missing', mutate: (c) => delete client(c).host, error: /clusters\.alpha\.clients\[0\]\.host: is required/ },
  { name: 'client host invalid', mutate: (c) => (client(c).host = 'bad host!'), error: /clusters\.alpha\.clients\[0\]\.host: must be an IP address or a host name/ },
  { name: 'client host out-of-range dotted quad', mutate: (c) => (client(c).host = '999.1.1.1'), error: /clusters\.alpha\.clients\[0\]\.host: must be an IP address or a host name \(999\.1\.1\.1 is no IPv4 address: each of the four numbers is 0 to 255\)/ },
  { name: 'node host numeric last label', mutate: (c) => (alpha(c).nodes = [{ host: 'master1.10' }]), error: /clusters\.alpha\.nodes\[0\]\.host: must be an IP address or a host name/ },
  { name: 'Manager URL with an out-of-range dotted quad', mutate: (c) => (alpha(c).manager.url = 'https://999.1.1.1:28443'), error: /clusters\.alpha\.manager\.url: .*is not a URL/ },
  { name: 'client port 0', mutate: (c) => (client(c).port = 0), error: /clusters\.alpha\.clients\[0\]\.port: must be from 1 to 65535/ },
  { name: 'client port 70000', mutate: (c) => (client(c).port = 70000), error: /clusters\.alpha\.clients\[0\]\.port: must be from 1 to 65535/ },
  { name: 'client port text', mutate: (c) => (client(c).port = '22'), error: /clusters\.alpha\.clients\[0\]\.port: must be a number/ },
  { name: 'client uploadDir relative', mutate: (c) => (client(c).uploadDir = 'tmp'), error: /clusters\.alpha\.clients\[0\]\.uploadDir: must be an absolute path/ },
  { name: 'client uploadDir too long', mutate: (c) => (client(c).uploadDir = `/${'a'.repeat(256)}`), error: /clusters\.alpha\.clients\[0\]\.uploadDir: must be at most 256 characters/ },
  { name: 'client clientDir relative', mutate: (c) => (client(c).clientDir = 'opt/client'), error: /clusters\.alpha\.clients\[0\]\.clientDir: must be an absolute path/ },
  { name: 'client bad hostKey', mutate: (c) => (client(c).hostKey = 'ssh-ed25519 AAAA'), error: /clusters\.alpha\.clients\[0\]\.hostKey: must be an ssh-keygen -lf fingerprint/ },
  { name: 'client hostKey and knownHosts', mutate: (c) => (client(c).knownHosts = './kh'), error: /clusters\.alpha\.clients\[0\]: give hostKey or knownHosts, not both/ },
  { name: 'client unknown key', mutate: (c) => (client(c).passwd = { env: 'X' }), error: /clusters\.alpha\.clients\[0\]: unknown key "passwd" \(did you mean "password"\?\)/ },
  { name: 'client inline passphrase', mutate: (c) => (client(c).keyPassphrase = 'secret'), error: /clusters\.alpha\.clients\[0\]\.keyPassphrase: inline secrets are not allowed/ },
  { name: 'duplicate client hosts', mutate: (c) => alpha(c).clients.push({ ...client(c) }), error: /clusters\.alpha\.clients\[1\]\.host: duplicate client host 192\.0\.2\.21:22 \(also clients\[0\]\)/ },
  { name: 'client key file missing', files: { 'beta.pw': 'p', 'beta-ca.pem': 'p' }, error: /clusters\.alpha\.clients\[0\]\.key: cannot read .*id_ed25519 \(not found\)/ },
  { name: 'client user empty', mutate: (c) => (client(c).user = ''), error: /clusters\.alpha\.clients\[0\]\.user: / },
  { name: 'node bad port', mutate: (c) => (alpha(c).nodes = [{ host: '192.0.2.11', port: -1 }]), error: /clusters\.alpha\.nodes\[0\]\.port: must be from 1 to 65535/ },
  { name: 'cloud missing region', mutate: (c) => (alpha(c).cloud = { projectId: '0'.repeat(32), clusterId: 'abcdefgh-1', auth: { token: { env: 'T' } } }), error: /clusters\.alpha\.cloud\.region: is required/ },
  { name: 'cloud bad projectId', mutate: (c) => (alpha(c).cloud = { region: 'eu-west-0', projectId: 'xyz', clusterId: 'abcdefgh-1', auth: { token: { env: 'T' } } }), error: /clusters\.alpha\.cloud\.projectId: must be the 32-character hex project id/ },
  { name: 'cloud ak without sk', mutate: (c) => (alpha(c).cloud = { region: 'eu-west-0', projectId: '0'.repeat(32), clusterId: 'abcdefgh-1', auth: { ak: { env: 'AK' } } }), error: /clusters\.alpha\.cloud\.auth: give \{ ak, sk \} or \{ token \}/ },
  { name: 'cloud inline sk', mutate: (c) => (alpha(c).cloud = { region: 'eu-west-0', projectId: '0'.repeat(32), clusterId: 'abcdefgh-1', auth: { ak: { env: 'AK' }, sk: 'plain' } }), error: /clusters\.alpha\.cloud\.auth\.sk: inline secrets are not allowed/ },
  { name: 'cloud http endpoint', mutate: (c) => (alpha(c).cloud = { region: 'eu-west-0', projectId: '0'.repeat(32), clusterId: 'abcdefgh-1', auth: { token: { env: 'T' } }, endpoints: { vpc: 'http://vpc' } }), error: /clusters\.alpha\.cloud\.endpoints\.vpc: must use https/ },
  { name: 'cloud token env not set', mutate: (c) => (alpha(c).cloud = { region: 'eu-west-0', projectId: '0'.repeat(32), clusterId: 'abcdefgh-1', auth: { token: { env: 'HW_TOKEN_NOT_SET' } } }), error: /clusters\.alpha\.cloud\.auth\.token: environment variable HW_TOKEN_NOT_SET is not set/ },
];

describe('mrs-trust config check', () => {
  beforeAll(() => expect(cases.length).toBeGreaterThanOrEqual(60));

  it('accepts the valid file and prints a summary without secret values', async () => {
    const { path } = writeConfigDir(validConfig());
    const run = await runCli(['config', 'check', '--config', path], { env: okEnv });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/valid, 2 clusters/);
    expect(run.stdout).not.toMatch(/secret|pw\b/);
    const json = await runCli(['config', 'check', '--config', path, '--json'], { env: okEnv });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, clusters: [{ name: 'alpha', tls: 'pinned' }, { name: 'beta', tls: 'ca' }] });
  });

  it('reads MRS_TRUST_CONFIG when --config is absent', async () => {
    const { path } = writeConfigDir(validConfig());
    const run = await runCli(['config', 'check'], { env: { ...okEnv, MRS_TRUST_CONFIG: path } });
    expect(run.code).toBe(0);
  });

  it('says where the file should be when it is missing', async () => {
    const run = await runCli(['config', 'check', '--config', '/nonexistent/clusters.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: \/nonexistent\/clusters\.yaml: file not found \[CONFIG_NOT_FOUND\]/);
  });

  it.concurrent.each(cases)('rejects: $name (exit 2, one line naming the field)', async (c) => {
    const config = validConfig();
    c.mutate?.(config);
    const { path } = writeConfigDir(c.text ?? config, c.files ? { files: c.files } : {});
    const run = await runCli(['config', 'check', '--config', path], { env: { ...okEnv, ...c.env } as NodeJS.ProcessEnv });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    const [first] = run.stderr.split('\n');
    expect(first).toMatch(c.error);
    expect(first).toMatch(/^error: .* \[CONFIG_(INVALID|NOT_FOUND)\]$/);
  });
});
