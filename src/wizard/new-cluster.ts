import { fieldChecks, checkClusterEntry } from '../config/fields.js';
import type { ClusterEntry, SecretRef } from '../config/schema.js';
import { Secret } from '../domain/secret.js';
import { UsageError } from '../errors/index.js';
import type { ServerCertificate } from '../ports/tls-probe.js';
import { clientQuestions, type ClientAnswers } from './client-questions.js';
import { ask, type Answers, type Question } from './questions.js';
import type { WizardDeps } from './deps.js';

/** A secret the user typed: where the config will point, and (if they agreed) the file to write. */
export interface TypedSecret {
  /** Config field, e.g. `clusters.gamma.manager.password`. */
  field: string;
  ref: SecretRef;
  value: Secret;
  /** Absolute path to write the value to (mode 0600): file references whose file does not exist yet. */
  writeFile?: string;
}

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
    {
      id: 'password-source',
      kind: 'select',
      message: 'Where should mrs-trust read the Manager password from? (it is never written into clusters.yaml)',
      choices: [
        { value: 'env', name: 'an environment variable', description: 'clusters.yaml gets password: { env: NAME }' },
        { value: 'file', name: 'a file only you can read (mode 0600)', description: 'clusters.yaml gets password: { file: PATH }' },
      ],
    },
    { id: 'password-env', kind: 'input', message: 'Environment variable name', when: (a) => a['password-source'] === 'env', default: (a) => envNameFor(name(a)), validate: (v) => fieldChecks.secretRef({ env: v }) },
    {
      id: 'password-file',
      kind: 'input',
      message: 'Password file, absolute or relative to clusters.yaml (created if missing)',
      when: (a) => a['password-source'] === 'file',
      default: (a) => passwordFileFor(name(a)),
      validate: async (v) => {
        const ok = fieldChecks.secretRef({ file: v });
        if (ok !== true) return ok;
        const path = deps.resolvePath(v as string);
        // Never replace a file that is there but that we may not read.
        return (await deps.exists(path)) && !(await deps.readable(path)) ? `cannot read ${path}` : true;
      },
    },
  ];
}

/**
 * Asked only when the variable is unset or the file does not exist yet; the password then lives
 * in memory for this run and, for a file reference, is written to that file (0600) after the
 * last question.
 */
export function passwordQuestions(deps: WizardDeps): Question[] {
  const where = (a: Answers) =>
    a['password-source'] === 'file' ? `it will be written to ${deps.resolvePath(a['password-file'] as string)}, mode 0600` : `used for this run; export ${a['password-env'] as string} next time`;
  return [{ id: 'password', kind: 'password', message: (a) => `Manager password of ${a.user as string}@${a.name as string} (hidden; ${where(a)})`, when: (a) => a['password-ready'] !== true }];
}

function withPort(url: string): string {
  const u = new URL(url);
  return `https://${u.host}${u.port ? '' : ':28443'}`;
}

function buildEntry(a: Answers, clients: ClientAnswers[]): ClusterEntry {
  const password: SecretRef = a['password-source'] === 'env' ? { env: a['password-env'] as string } : { file: a['password-file'] as string };
  // The URL with its port spelled out (28443 when omitted), as the certificate was fetched from it.
  const entry: Record<string, unknown> = { type: a.type, manager: { url: withPort(a.url as string), user: a.user, password } };
  const manager = entry.manager as Record<string, unknown>;
  if (a.tls === 'pin') manager.tls = { fingerprint: a.fingerprint };
  if (a.tls === 'ca') manager.tls = { ca: a['tls-ca'] };
  if (clients.length > 0) entry.clients = clients.map((c) => ({ host: c.host, ...(c.port !== 22 ? { port: c.port } : {}), ...(c.user !== 'root' ? { user: c.user } : {}), key: c.key, ...(c.hostKey ? { hostKey: c.hostKey } : {}) }));
  return entry as ClusterEntry;
}

/** Asks for one new cluster; `preset` holds answers already known (e.g. the name from a flag). */
export async function askNewCluster(deps: WizardDeps, preset: Answers = {}): Promise<NewCluster> {
  const certificates = new Map<string, ServerCertificate>();
  const answers = await ask(clusterQuestions(deps, certificates), deps.prompter, { ...preset });
  answers['password-ready'] =
    answers['password-source'] === 'env' ? Boolean(deps.env[answers['password-env'] as string]) : await deps.readable(deps.resolvePath(answers['password-file'] as string));
  await ask(passwordQuestions(deps), deps.prompter, answers);
  const certificate = certificates.get(answers.url as string);
  if (answers.tls === 'pin') answers.fingerprint = certificate?.fingerprint;
  const clients = await clientQuestions(deps);
  const entry = buildEntry(answers, clients);
  const checked = checkClusterEntry(entry);
  if (!checked.ok) throw new UsageError('WIZARD_INVALID', `clusters.${String(answers.name)}.${checked.path}: ${checked.reason}`);
  const name = answers.name as string;
  const field = `clusters.${name}.manager.password`;
  const ref = entry.manager.password;
  const secrets: TypedSecret[] =
    typeof answers.password === 'string'
      ? [{ field, ref, value: new Secret(answers.password, ref.env ? `env:${ref.env}` : `file:${ref.file}`), ...(ref.file !== undefined ? { writeFile: deps.resolvePath(ref.file) } : {}) }]
      : [];
  return { name, entry, secrets, ...(certificate ? { certificate } : {}) };
}
