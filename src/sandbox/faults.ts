import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from '../zod.js';
import { SandboxError } from './names.js';

/**
 * Fault injection, read from `sandbox up --faults FILE` (YAML or JSON). The format is part of
 * the sandbox contract: docs/sandbox.md "Faults".
 */
export const ENDPOINT_NAMES = [
  'cas-login-page', 'cas-login', 'cas-logout', 'security-check', 'web-index', 'login-check', 'logout',
  'clusters', 'cluster-status', 'service', 'services', 'hosts', 'service-config', 'save',
  'service-start', 'service-stop', 'restart', 'progress', 'client-download',
  // MRS 3.x (FusionInsight Manager 8.x): the documented Basic-auth session check.
  'session-status',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/**
 * How faithful to the public documentation a simulated Manager is (docs/sandbox.md, "Manager
 * profiles"). `assumed`: the documented calls plus every guess the adapter makes. `documented`:
 * only documented calls; every guessed endpoint answers 404. `documented-reads`: documented, plus
 * answers to the guessed READS (service list, host list, KrbServer configuration); guessed writes
 * and downloads answer 404. Both documented profiles also serve the reply shapes at their
 * strictest: progress without `total_progress` and with a running state the pages do not name,
 * host instances without `health_status`, a CAS form with `execution` as well as `lt`.
 */
export const MANAGER_PROFILES = ['assumed', 'documented', 'documented-reads'] as const;
export type ManagerProfile = (typeof MANAGER_PROFILES)[number];

/** Guessed endpoints (src/wire/manager/assumed.ts, client-download.ts), and which of them only read. */
export const GUESSED_ENDPOINTS: ReadonlySet<EndpointName> = new Set(['services', 'hosts', 'service-config', 'restart', 'client-download']);
const GUESSED_READS: ReadonlySet<EndpointName> = new Set(['services', 'hosts', 'service-config']);

/** Does a Manager with this profile answer this endpoint? */
export function profileServes(profile: ManagerProfile, endpoint: EndpointName): boolean {
  if (profile === 'assumed' || !GUESSED_ENDPOINTS.has(endpoint)) return true;
  return profile === 'documented-reads' && GUESSED_READS.has(endpoint);
}

const faultSchema = z.strictObject({
  /** Cluster name; omitted = every cluster. */
  cluster: z.string().optional(),
  /** An endpoint name from ENDPOINT_NAMES, or `*`. */
  endpoint: z.enum([...ENDPOINT_NAMES, '*']),
  /** Skip this many matching requests before the fault applies. */
  after: z.number().int().min(0).default(0),
  /** Apply to this many matching requests, then stop; omitted = always. */
  times: z.number().int().min(1).optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** Answer with this HTTP status and an error envelope. */
  status: z.number().int().min(400).max(599).optional(),
  /** Destroy the connection without an answer. */
  reset: z.literal(true).optional(),
  /** Never answer (the client times out). */
  hang: z.literal(true).optional(),
  /** html: a login-page-like HTML body; garbled: cut-off JSON; missing-fields: the envelope without res_obj. */
  malformed: z.enum(['html', 'garbled', 'missing-fields']).optional(),
  /** The cluster's Manager sessions expire just before this request (it gets the CAS login redirect). */
  expireSession: z.literal(true).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

/** An MRS 3.x release (`3.1.0`, `3.1.5-LTS.1`, `3.6.0`): the 3.x profile (docs/sandbox.md "MRS 3.x"). */
export const MRS3_VERSION = /^3\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?$/;

const overridesSchema = z.strictObject({
  version: z.string().optional(),
  /**
   * The MRS release of this cluster; a 3.x value makes it an MRS 3.x cluster (Basic-auth
   * Manager, management nodes with omm, restart-RealmConfig.sh). Overrides `sandbox up --mrs-version`.
   */
  mrsVersion: z.string().regex(/^\d+\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?$/, 'must be a version such as 3.1.0').optional(),
  /** MRS 3.x: which management node is the active one (default master2, so a tool assuming master1 fails). */
  omActive: z.enum(['master1', 'master2']).optional(),
  kerberos: z.boolean().optional(),
  /** This cluster's Manager profile (overrides `sandbox up --manager`). */
  manager: z.enum(MANAGER_PROFILES).optional(),
  /** Content-Type of JSON replies (e.g. `text/html;charset=UTF-8`, as some Managers send). */
  jsonContentType: z.string().min(1).optional(),
  type: z.enum(['analysis', 'streaming', 'hybrid']).optional(),
  passwordMustChange: z.boolean().optional(),
  /** Services reported BAD (e.g. [HDFS]). */
  unhealthy: z.array(z.string()).optional(),
  /** The Manager's clock (its HTTP `Date` header) runs this many seconds ahead (negative: behind). */
  clockSkewSeconds: z.number().int().min(-86_400).max(86_400).optional(),
  /** The cluster's KDC ports: `closed` (nothing listens), `silent` (takes requests, never answers). */
  kdc: z.enum(['closed', 'silent']).optional(),
  /** Restarts on this cluster take this long (overrides --restart-ms). */
  restartMs: z.number().int().min(0).max(3_600_000).optional(),
  /** Restarts end in this state. */
  restartOutcome: z.enum(['COMPLETE', 'FAILED']).optional(),
  /** Where the KrbServer configuration read puts kdc_ports and peer_realms (and where a save must put peer_realms): service level (default) or the KerberosServer role group. */
  krbConfigLevel: z.enum(['service', 'role']).optional(),
  /** The configuration read has no kdc_ports at any level. */
  kdcPortsMissing: z.literal(true).optional(),
  /** "Someone else" saves peer_realms right after the KrbServer configuration was read `afterReads` times. */
  /** kdc plugin: this cluster's KDC refuses key changes of its own cross-realm principals (krbtgt/<peer>@<this realm>), as a password policy does. */
  refuseKeyChange: z.literal(true).optional(),
  concurrentEdit: z.strictObject({ afterReads: z.number().int().min(1).default(1), realm: z.string().default('INTRUDER.MRS'), ipPort: z.string().optional() }).optional(),
});
export type ClusterOverrides = z.infer<typeof overridesSchema>;

export const faultFileSchema = z.strictObject({
  faults: z.array(faultSchema).default([]),
  clusters: z.record(z.string(), overridesSchema).default({}),
  /** Read (and validated) by the cloud plugin: src/sandbox/cloud/faults.ts. */
  cloud: z.record(z.string(), z.unknown()).optional(),
});
export type FaultFile = z.infer<typeof faultFileSchema>;


export async function loadFaultFile(path: string): Promise<FaultFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SandboxError('SANDBOX_FAULTS', `--faults ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseFaultFile(text, path);
}

export function parseFaultFile(text: string, path = 'faults'): FaultFile {
  let data: unknown;
  try {
    data = parse(text) ?? {};
  } catch (error) {
    throw new SandboxError('SANDBOX_FAULTS', `--faults ${path}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = faultFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SandboxError('SANDBOX_FAULTS', `--faults ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Counts requests per fault, so `after` and `times` work. */
export class FaultPlan {
  readonly #seen = new Map<Fault, number>();
  constructor(readonly faults: readonly Fault[]) {}

  /** The faults that apply to this request (each counted once). */
  match(cluster: string, endpoint: EndpointName): Fault[] {
    const hits: Fault[] = [];
    for (const fault of this.faults) {
      if (fault.cluster !== undefined && fault.cluster !== cluster) continue;
      if (fault.endpoint !== '*' && fault.endpoint !== endpoint) continue;
      const n = this.#seen.get(fault) ?? 0;
      this.#seen.set(fault, n + 1);
      if (n < fault.after) continue;
      if (fault.times !== undefined && n >= fault.after + fault.times) continue;
      hits.push(fault);
    }
    return hits;
  }
}
