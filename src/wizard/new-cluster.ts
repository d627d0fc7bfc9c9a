import { fieldChecks, checkClusterEntry } from '../config/fields.js';
import type { ClusterEntry } from '../config/schema.js';
import { UsageError } from '../errors/index.js';
import type { ServerCertificate } from '../ports/tls-probe.js';
import { clientQuestions, type ClientAnswers } from './client-questions.js';
import { askAdmin, askCloud, askVerify } from './proof-blocks.js';
import { ask, type Answers, type Question } from './questions.js';
import { askSecretValue, refOf, secretRefQuestions, typedSecret, type SecretSpec, type TypedSecret } from './secret-questions.js';
import type { WizardDeps } from './deps.js';

export type { TypedSecret } from './secret-questions.js';

export interface NewCluster {
  name: string;
  /** Exactly what goes under `clusters.<name>` (no defaults filled in, no secret values). */
  entry: ClusterEntry;
  secrets: TypedSecret[];
  certificate?: ServerCertificate;
}

const TYPES = [
  { value: 'analysis', name: 'analysis', description: 'Hadoop, Hive, Spark, HBase …' },
  { value: 'streaming', name: 'streaming', description: 'Kafka, Flink, Storm …' },
  { value: 'hybrid', name: 'hybrid', description: 'analysis and streaming components in one cluster' },
];

export const envNameFor = (cluster: string) => `MRS_${cluster.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
export const passwordFileFor = (cluster: string) => `.mrs-trust/secrets/${cluster}.password`;

function certificateText(c: ServerCertificate): string {
  return [
    'The Manager presents this certificate:',
    `  subject      ${c.subject}`,
    `  issuer       ${c.issuer}${c.selfSigned ? ' (self-signed)' : ''}`,
    `  valid        ${c.validFrom} → ${c.validTo}`,
    `  SHA-256      ${c.fingerprint}`,
    c.trusted ? '  The system CAs trust it.' : `  The system CAs do not trust it (${c.untrustedReason ?? 'unknown issuer'}).`,
    'Compare the fingerprint with the one your Manager administrator sees before pinning it.',
    'How should mrs-trust trust this Manager?',
  ].join('\n');
}

/** The questions for one new cluster, in order. */
export function clusterQuestions(deps: WizardDeps, certificates: Map<string, ServerCertificate>): Question[] {
  const name = (a: Answers) => a.name as string;
  const cert = (a: Answers) => certificates.get(a.url as string) as ServerCertificate;
  return [
    {
      id: 'name',
      kind: 'input',
      message: 'Name for this cluster (used in clusters.yaml and on the command line)',
      validate: (v) => (deps.existingClusters().includes(v as string) ? `a cluster named "${String(v)}" already exists` : fieldChecks.clusterName(v)),
    },
    { id: 'type', kind: 'select', message: (a) => `Type of ${name(a)}`, choices: TYPES },
    {
      id: 'url',
      kind: 'input',
      message: (a) => `Manager URL of ${name(a)} (floating IP; port 28443 if omitted), e.g. https://192.0.2.10:28443`,
      // Reachability is checked here, so a typo is re-asked now, not found at discovery.
      validate: async (v) => {
        const ok = fieldChecks.managerUrl(v);
        if (ok !== true) return ok;
        const url = withPort(v as string);
        try {
          certificates.set(v as string, await deps.probe.fetchCertificate(url));
          return true;
        } catch (error) {
          return (error as Error).message;
        }
      },
    },
    {
      id: 'tls',
      kind: 'select',
      message: (a) => certificateText(cert(a)),
      choices: (a) => [
        { value: 'pin', name: `pin this certificate (tls.fingerprint ${cert(a).fingerprint.slice(0, 20)}…)` },
        ...(cert(a).trusted ? [{ value: 'system', name: 'use the system CAs (no pin)' }] : []),
        { value: 'ca', name: 'trust a CA certificate file (tls.ca)' },
      ],
      default: (a) => (cert(a).trusted ? 'system' : 'pin'),
    },
    {
      id: 'tls-ca',
      kind: 'input',
      message: 'CA certificate file (PEM), absolute or relative to clusters.yaml',
      when: (a) => a.tls === 'ca',
      validate: async (v) => {
        const ok = fieldChecks.tlsCa(v);
        if (ok !== true) return ok;
        return (await deps.readable(deps.resolvePath(v as string))) ? true : `cannot read ${deps.resolvePath(v as string)}`;
      },
    },
    { id: 'user', kind: 'input', message: 'Manager user (needs rights to change the KrbServer configuration)', default: 'admin', validate: (v) => fieldChecks.managerUser(v) },
    ...secretRefQuestions(deps, MANAGER_PASSWORD),
  ];
}

/** The Manager password: asked only when its variable is unset or its file does not exist yet. */
const MANAGER_PASSWORD: SecretSpec = {
  key: 'password',
  what: 'the Manager password',
  envDefault: (a) => envNameFor(a.name as string),
  fileDefault: (a) => passwordFileFor(a.name as string),
  valuePrompt: (a, where) => `Manager password of ${a.user as string}@${a.name as string} (hidden; ${where})`,
};

function withPort(url: string): string {
  const u = new URL(url);
  return `https://${u.host}${u.port ? '' : ':28443'}`;
}

const sshEntry = (c: ClientAnswers) => ({ host: c.host, ...(c.port !== 22 ? { port: c.port } : {}), ...(c.user !== 'root' ? { user: c.user } : {}), key: c.key, ...(c.hostKey ? { hostKey: c.hostKey } : {}) });

/** The optional blocks, as answered (absent = skipped). */
interface Extras {
  clients: ClientAnswers[];
  nodes: ClientAnswers[];
  verify?: ClusterEntry['verify'];
  admin?: { principal: string; password: ClusterEntry['manager']['password']; host: string };
  cloud?: ClusterEntry['cloud'];
}

function buildEntry(a: Answers, x: Extras): ClusterEntry {
  const password = refOf(a, 'password');
  // The URL with its port spelled out (28443 when omitted), as the certificate was fetched from it.
  const entry: Record<string, unknown> = { type: a.type, manager: { url: withPort(a.url as string), user: a.user, password } };
  const manager = entry.manager as Record<string, unknown>;
  if (a.tls === 'pin') manager.tls = { fingerprint: a.fingerprint };
  if (a.tls === 'ca') manager.tls = { ca: a['tls-ca'] };
  if (x.cloud) entry.cloud = x.cloud;
  if (x.nodes.length > 0) entry.nodes = x.nodes.map(sshEntry);
  if (x.clients.length > 0) entry.clients = x.clients.map(sshEntry);
  if (x.verify) entry.verify = x.verify;
  if (x.admin) entry.kerberos = { admin: x.admin };
  return entry as ClusterEntry;
}

/** Asks for one new cluster; `preset` holds answers already known (e.g. the name from a flag). */
export async function askNewCluster(deps: WizardDeps, preset: Answers = {}): Promise<NewCluster> {
  const certificates = new Map<string, ServerCertificate>();
  const answers = await ask(clusterQuestions(deps, certificates), deps.prompter, { ...preset });
  await askSecretValue(deps, MANAGER_PASSWORD, answers);
  const certificate = certificates.get(answers.url as string);
  if (answers.tls === 'pin') answers.fingerprint = certificate?.fingerprint;
  const name = answers.name as string;
  const clients = await clientQuestions(deps);
  const nodes = await clientQuestions(deps, 'node');
  const verify = await askVerify(deps, name);
  const realm = verify.value?.principal.split('@')[1];
  const admin = await askAdmin(deps, name, [...new Set([...nodes, ...clients].map((h) => h.host))], realm);
  const cloud = await askCloud(deps, name);
  const entry = buildEntry(answers, { clients, nodes, ...(verify.value ? { verify: verify.value as ClusterEntry['verify'] } : {}), ...(admin.value ? { admin: admin.value } : {}), ...(cloud.value ? { cloud: cloud.value } : {}) });
  const checked = checkClusterEntry(entry);
  if (!checked.ok) throw new UsageError('WIZARD_INVALID', `clusters.${name}.${checked.path}: ${checked.reason}`);
  const secrets: TypedSecret[] = [...typedSecret(deps, answers, 'password', `clusters.${name}.manager.password`), ...verify.secrets, ...admin.secrets, ...cloud.secrets];
  return { name, entry, secrets, ...(certificate ? { certificate } : {}) };
}
