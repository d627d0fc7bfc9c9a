import { fieldChecks } from '../config/fields.js';
import type { CloudEntry, KerberosAdminEntry } from '../config/schema.js';
import { ask, type Answers } from './questions.js';
import { askSecret, type SecretSpec, type TypedSecret } from './secret-questions.js';
import type { WizardDeps } from './deps.js';

/**
 * The optional blocks of a new cluster that let mrs-trust prove and keep the trust: `verify`
 * (the cross-realm ticket test), `kerberos.admin` (krbtgt parity, the default-password check,
 * rotate) and `cloud` (security groups). Each starts with a yes/no question and is skipped on no;
 * every answer is checked with the clusters.yaml schema's own rule (config/fields.ts).
 */

const upper = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
const secretFile = (name: string, what: string) => `.mrs-trust/secrets/${name}.${what}`;

export interface Block<T> {
  value?: T;
  secrets: TypedSecret[];
}

/** Where a Kerberos principal's password lives (`verify.password`, `kerberos.admin.password`), and the value when missing. */
function principalPassword(deps: WizardDeps, name: string, principal: string, role: 'verify' | 'kadmin') {
  const spec: SecretSpec = {
    key: 'password',
    what: `the password of ${principal}`,
    envDefault: `MRS_${upper(name)}_${role.toUpperCase()}_PASSWORD`,
    fileDefault: secretFile(name, `${role}.password`),
    valuePrompt: (_, where) => `Password of ${principal} (hidden; ${where})`,
  };
  return askSecret(deps, spec, `clusters.${name}.${role === 'verify' ? 'verify' : 'kerberos.admin'}.password`, `the password of ${principal}`);
}

/** `verify`: a user of this cluster who kinits on its client hosts, and a service of it the peer's user asks a ticket for. */
export async function askVerify(deps: WizardDeps, name: string): Promise<Block<{ principal: string; password: { env?: string; file?: string }; service: string }>> {
  const a: Answers = await ask(
    [
      { id: 'add', kind: 'confirm', message: `Add a verify block for ${name}? (link and verify then prove the trust with a real cross-realm ticket: a test user of ${name} and one of its services)`, default: false },
      { id: 'principal', kind: 'input', message: `Test user of ${name} for kinit, with its realm (e.g. tester@${upper(name)}.MRS)`, when: (x) => x.add === true, validate: (v) => fieldChecks.verifyPrincipal(v) },
      { id: 'service', kind: 'input', message: `A service of ${name} the peer cluster's user gets a ticket for (service/host, no realm, e.g. hdfs/master1.${name})`, when: (x) => x.add === true, validate: (v) => fieldChecks.verifyService(v) },
    ],
    deps.prompter,
  );
  if (a.add !== true) return { secrets: [] };
  const principal = a.principal as string;
  const { ref, secrets } = await principalPassword(deps, name, principal, 'verify');
  return { value: { principal, password: ref, service: a.service as string }, secrets };
}

/** `kerberos.admin`: the Kerberos administrator and which configured node or client host runs kadmin. */
export async function askAdmin(deps: WizardDeps, name: string, hosts: string[], realmHint: string | undefined): Promise<Block<Pick<KerberosAdminEntry, 'principal' | 'password' | 'host'>>> {
  if (hosts.length === 0) return { secrets: [] }; // kadmin runs on a configured host: nothing to offer (the proof gaps say so)
  const a: Answers = await ask(
    [
      { id: 'add', kind: 'confirm', message: `Add Kerberos admin access for ${name}? (kerberos.admin: krbtgt parity, the default-password check and rotate run kadmin on one of its hosts)`, default: false },
      { id: 'principal', kind: 'input', message: `Kerberos administrator of ${name} (MRS: kadmin/admin@<REALM>)`, default: realmHint ? `kadmin/admin@${realmHint}` : undefined, when: (x) => x.add === true, validate: (v) => fieldChecks.adminPrincipal(v) },
      { id: 'host', kind: 'select', message: 'Which host runs kadmin? (it needs the MRS client: bigdata_env, kadmin, krb5.conf)', when: (x) => x.add === true, choices: hosts.map((h) => ({ value: h, name: h })) },
    ],
    deps.prompter,
  );
  if (a.add !== true) return { secrets: [] };
  const principal = a.principal as string;
  const { ref, secrets } = await principalPassword(deps, name, principal, 'kadmin');
  return { value: { principal, password: ref, host: a.host as string }, secrets };
}

/** `cloud`: region, project and cluster id, and an AK/SK pair or an IAM login, for the security-group checks. */
export async function askCloud(deps: WizardDeps, name: string): Promise<Block<CloudEntry>> {
  const a: Answers = await ask(
    [
      { id: 'add', kind: 'confirm', message: `Add cloud API access for ${name}? (cloud: precheck and link check its security groups; precheck --fix adds missing rules)`, default: false },
      { id: 'region', kind: 'input', message: 'Region id (e.g. eu-west-0)', when: (x) => x.add === true, validate: (v) => fieldChecks.cloudRegion(v) },
      { id: 'project', kind: 'input', message: 'Project id (32 hex characters, console: My Credentials > Projects)', when: (x) => x.add === true, validate: (v) => fieldChecks.cloudProjectId(v) },
      { id: 'cluster', kind: 'input', message: `MRS cluster id of ${name} (console: cluster Dashboard)`, when: (x) => x.add === true, validate: (v) => fieldChecks.cloudClusterId(v) },
      {
        id: 'auth',
        kind: 'select',
        message: 'How should mrs-trust sign in to the cloud API?',
        when: (x) => x.add === true,
        choices: [
          { value: 'aksk', name: 'an access key (AK/SK)', description: 'cloud.auth: { ak, sk }' },
          { value: 'iam', name: 'an IAM user (user, password, account name)', description: 'cloud.auth: { user, password, domain }' },
        ],
      },
      { id: 'user', kind: 'input', message: 'IAM user name', when: (x) => x.auth === 'iam', validate: (v) => (String(v).length > 0 ? true : 'must not be empty') },
      { id: 'domain', kind: 'input', message: 'Account (domain) name of that user', when: (x) => x.auth === 'iam', validate: (v) => (String(v).length > 0 ? true : 'must not be empty') },
    ],
    deps.prompter,
  );
  if (a.add !== true) return { secrets: [] };
  const base = { region: a.region as string, projectId: a.project as string, clusterId: a.cluster as string };
  const field = `clusters.${name}.cloud.auth`;
  if (a.auth === 'iam') {
    const pw = await askSecret(deps, { key: 'password', what: `the password of IAM user ${String(a.user)}`, envDefault: 'HUAWEICLOUD_PASSWORD', fileDefault: '.mrs-trust/secrets/cloud.password', valuePrompt: (_, where) => `Password of IAM user ${String(a.user)} (hidden; ${where})` }, `${field}.password`, 'the IAM password');
    return { value: { ...base, auth: { user: a.user as string, domain: a.domain as string, password: pw.ref } }, secrets: pw.secrets };
  }
  // The SDKs' usual variable names, so an environment already set up for them works as is.
  const ak = await askSecret(deps, { key: 'ak', what: 'the access key id (AK)', fileNoun: 'AK file', envDefault: 'HUAWEICLOUD_SDK_AK', fileDefault: '.mrs-trust/secrets/cloud.ak', valuePrompt: (_, where) => `Access key id (AK) (hidden; ${where})` }, `${field}.ak`, 'the access key id (AK)');
  const sk = await askSecret(deps, { key: 'sk', what: 'the secret access key (SK)', fileNoun: 'SK file', envDefault: 'HUAWEICLOUD_SDK_SK', fileDefault: '.mrs-trust/secrets/cloud.sk', valuePrompt: (_, where) => `Secret access key (SK) (hidden; ${where})` }, `${field}.sk`, 'the secret access key (SK)');
  return { value: { ...base, auth: { ak: ak.ref, sk: sk.ref } }, secrets: [...ak.secrets, ...sk.secrets] };
}
