import { z } from '../zod.js';
import { isIp } from '../domain/ip-port.js';
import { didYouMean } from './suggest.js';

/**
 * The `clusters.yaml` format: a public contract. Extend it; never rename a key.
 * Every object is strict (unknown keys are errors, with "did you mean" when close).
 */

export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `unknown key "${k}"${didYouMean(k, known)}`).join('; ');
      }
      if (issue.code === 'invalid_type') return `expected an object, got ${describe(issue.input)}`;
      return undefined;
    },
  });
}

export function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return `the text "${input.length > 40 ? input.slice(0, 40) + '…' : input}"`;
  return typeof input === 'object' ? 'an object' : `${typeof input} ${String(input)}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A secret is referenced, never written inline: `{ env: NAME }` or `{ file: PATH }`. */
export const secretRefSchema = z
  .strictObject(
    {
      env: z.string().regex(ENV_NAME, 'must be an environment variable name (letters, digits, _)').optional(),
      file: z.string().min(1, 'must be a file path').optional(),
    },
    {
      error: (issue) => {
        if (issue.code === 'invalid_type') return 'inline secrets are not allowed; use { env: NAME } or { file: PATH }';
        if (issue.code === 'unrecognized_keys') return `unknown key "${issue.keys.join('", "')}"; a secret is { env: NAME } or { file: PATH }`;
        return undefined;
      },
    },
  )
  .refine((ref) => (ref.env === undefined) !== (ref.file === undefined), 'give exactly one of env or file')
  .describe('A secret reference: { env: NAME } or { file: PATH }; never inline text.');
export type SecretRef = z.infer<typeof secretRefSchema>;

const httpsUrl = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a URL` });
    return;
  }
  if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must use https (got ${url.protocol.replace(':', '')})` });
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user or password' });
});

const FINGERPRINT = /^sha256:([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/;

export const tlsSchema = strict({
  ca: z.string().min(1).optional(),
  fingerprint: z.string().regex(FINGERPRINT, 'must be "sha256:" followed by 32 hex bytes separated by ":"').optional(),
  insecure: z.literal(true, { error: 'insecure can only be true (omit it to verify TLS)' }).optional(),
})
  .refine((t) => [t.ca, t.fingerprint, t.insecure].filter((v) => v !== undefined).length === 1, 'give exactly one of ca, fingerprint or insecure')
  .describe('How to trust the Manager certificate: a CA file, a pinned SHA-256 fingerprint, or (warned) no check.');

const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
// NOTE: a name whose last label is all digits is no DNS name (RFC 3696 §2: a top-level label is
// never all-numeric); `999.1.1.1` is an out-of-range dotted quad, not a host name.
const NUMERIC_TLD = /(^|\.)\d+\.?$/;
const host = z.string().superRefine((h, ctx) => {
  if (isIp(h) || (HOST.test(h) && !NUMERIC_TLD.test(h))) return;
  const quad = /^\d+(\.\d+){3}$/.test(h) ? ` (${h} is no IPv4 address: each of the four numbers is 0 to 255)` : '';
  ctx.addIssue({ code: 'custom', message: `must be an IP address or a host name${quad}` });
});
const port = z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535');
const absolutePath = z.string().startsWith('/', 'must be an absolute path');
const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const sshTarget = {
  host,
  port: port.default(22),
  user: z.string().min(1).default('root'),
  key: z.string().min(1).optional(),
  keyPassphrase: secretRefSchema.optional(),
  password: secretRefSchema.optional(),
  hostKey: z.string().regex(SSH_FINGERPRINT, 'must be an ssh-keygen -lf fingerprint, "SHA256:" and 43 base64 characters').optional(),
  knownHosts: z.string().min(1).optional(),
};

const oneHostKeySource = (t: { hostKey?: string | undefined; knownHosts?: string | undefined }) => !(t.hostKey && t.knownHosts);

export const nodeSchema = strict(sshTarget).refine(oneHostKeySource, 'give hostKey or knownHosts, not both');

export const clientSchema = strict({
  ...sshTarget,
  clientDir: absolutePath.default('/opt/client'),
  uploadDir: absolutePath.max(256, 'must be at most 256 characters (MRS limit)').default('/tmp'),
}).refine(oneHostKeySource, 'give hostKey or knownHosts, not both');

export const cloudSchema = strict({
  region: z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'must be a region id such as eu-west-0'),
  projectId: z.string().regex(/^[0-9a-f]{32}$/, 'must be the 32-character hex project id'),
  clusterId: z.string().regex(/^[0-9a-zA-Z-]{8,64}$/, 'must be the MRS cluster id'),
  auth: strict({
    ak: secretRefSchema.optional(),
    sk: secretRefSchema.optional(),
    token: secretRefSchema.optional(),
    // IAM password login (POST /v3/auth/tokens, project-scoped token cached for the run).
    user: z.string().min(1, 'must not be empty').optional(),
    password: secretRefSchema.optional(),
    domain: z.string().min(1, 'must not be empty').optional(),
  }).refine((a) => {
    const aksk = a.ak !== undefined || a.sk !== undefined;
    const login = a.user !== undefined || a.password !== undefined || a.domain !== undefined;
    const kinds = [aksk, a.token !== undefined, login].filter(Boolean).length;
    if (kinds !== 1) return false;
    return aksk ? a.ak !== undefined && a.sk !== undefined : login ? a.user !== undefined && a.password !== undefined && a.domain !== undefined : true;
  }, 'give { ak, sk } or { token } (or an IAM login: { user, password, domain })'),
  endpoints: strict({ mrs: httpsUrl.optional(), vpc: httpsUrl.optional(), iam: httpsUrl.optional() }).optional(),
  tls: tlsSchema.optional().describe('How to trust the cloud endpoints; default: system CAs'),
});

export const managerSchema = strict({
  url: httpsUrl.describe('Manager floating IP URL, e.g. https://192.0.2.10:28443; a missing port means 28443'),
  cas: httpsUrl.optional().describe('CAS login URL; default: same host, port 20009'),
  user: z.string().min(1, 'must not be empty'),
  password: secretRefSchema,
  tls: tlsSchema.optional(),
  discovery: z.enum(['api', 'krb5conf']).default('api').describe('api: Manager API; krb5conf: read a node client krb5.conf over SSH (needs nodes)'),
  peerRealmsEncoding: z
    .literal('confirmed')
    .optional()
    .describe('confirmed: you checked that this Manager reads back peer_realms as mrs-trust writes it (e.g. one peer added in the Manager UI shows in `mrs-trust status`); needed before the first peer is written onto an empty peer_realms'),
  trustDomains: z
    .enum(['checklist', 'captured'])
    .default('checklist')
    .describe('MRS 3.x only. checklist: the Peer Mutual Trust Domain and the stop/start of all clusters are console steps printed as a checklist (no public API); captured: the adapter sends the calls of src/adapters/manager/v3/captured.ts instead, after you captured them from a live Manager with --trace-http and made that file match (docs/assumptions.md "MRS 3.x")'),
  clientDownload: z
    .enum(['off', 'assumed-api'])
    .default('off')
    .describe('off: client configuration from --tarball or SFTP from nodes (the documented "Download Client → Server" file); assumed-api: also the guessed Manager download endpoint (docs/assumptions.md)'),
});

const PRINCIPAL = /^[^\s@/]+(\/[^\s@/]+)*@[A-Z0-9][A-Z0-9._-]*$/;

/** The cross-realm ticket test of `link` (verify-ticket): who kinits here, which service the peer's users ask for. */
export const verifySchema = strict({
  principal: z.string().regex(PRINCIPAL, 'must be a principal with its realm, e.g. tester@ALPHA.MRS').describe('User principal for kinit on this cluster\'s client hosts'),
  password: secretRefSchema.describe('Password of principal (sent to kinit on stdin, never in argv)'),
  service: z.string().regex(/^[^\s@]+\/[^\s@]+$/, 'must be service/host without a realm, e.g. hdfs/master1.alpha').describe('Service of this cluster that the peer cluster\'s user gets a ticket for with kvno'),
  timeoutMs: z.number().int('must be a whole number').min(1000, 'must be at least 1000').max(600000, 'must be at most 600000').default(30000).describe('Bound on kinit + kvno on one host'),
});

/** Admin access to this cluster's KDC (krbtgt parity, default-password check, rotate): kadmin run over SSH. */
export const kerberosAdminSchema = strict({
  principal: z.string().regex(PRINCIPAL, 'must be a principal with its realm, e.g. kadmin/admin@ALPHA.MRS').describe('Kerberos administrator (MRS: kadmin/admin@<REALM>)'),
  password: secretRefSchema.describe('Password of principal (sent to kadmin on stdin, never in argv)'),
  host: host.describe('The host that runs kadmin: a host of this cluster\'s nodes or clients, written as there'),
  clientDir: absolutePath.optional().describe('MRS client directory on that host (bigdata_env, kadmin, krb5.conf); default: that client\'s clientDir, else /opt/client'),
  timeoutMs: z.number().int('must be a whole number').min(1000, 'must be at least 1000').max(600000, 'must be at most 600000').default(30000).describe('Bound on one kadmin or kinit run'),
});

export const kerberosSchema = strict({
  admin: kerberosAdminSchema.optional(),
});

export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export const clusterSchema = strict({
  type: z.enum(['analysis', 'streaming', 'hybrid']),
  manager: managerSchema,
  mrsVersion: z.string().regex(/^\d+\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?$/, 'must be a version such as "2.1.0"').optional(),
  peerLimit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000').optional(),
  cloud: cloudSchema.optional(),
  nodes: z.array(nodeSchema).optional(),
  clients: z.array(clientSchema).optional(),
  verify: verifySchema.optional(),
  kerberos: kerberosSchema.optional(),
}).superRefine((c, ctx) => {
  const admin = c.kerberos?.admin;
  if (!admin) return;
  const hosts = [...(c.nodes ?? []), ...(c.clients ?? [])].map((h) => h.host);
  if (!hosts.includes(admin.host)) {
    ctx.addIssue({ code: 'custom', path: ['kerberos', 'admin', 'host'], message: `must be one of this cluster's nodes or clients hosts (${hosts.length ? hosts.join(', ') : 'none configured'})` });
  }
});

export const clustersFileSchema = strict({
  version: z.literal(1, { error: 'must be 1 (the only format version)' }),
  clusters: z
    .record(z.string().regex(CLUSTER_NAME, 'cluster names use letters, digits, "-" and "_" (at most 63)'), clusterSchema)
    .refine((c) => Object.keys(c).length > 0, 'must define at least one cluster'),
}).describe('mrs-trust clusters.yaml');

export type ClustersFile = z.infer<typeof clustersFileSchema>;
export type ClusterEntry = z.infer<typeof clusterSchema>;
export type ClientEntry = z.infer<typeof clientSchema>;
export type NodeEntry = z.infer<typeof nodeSchema>;
export type CloudEntry = z.infer<typeof cloudSchema>;
export type KerberosAdminEntry = z.infer<typeof kerberosAdminSchema>;
