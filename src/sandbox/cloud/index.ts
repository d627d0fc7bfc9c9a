import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { managerCert } from '../cert.js';
import { FILES } from '../files.js';
import { CLOUD_PORT, type SandboxLayout } from '../layout.js';
import { SandboxError } from '../names.js';
import type { ClusterFragment, PluginOptions, SandboxHub, StartedPlugin } from '../plugins.js';
import { cloudFaultsSchema, type CloudFaults } from './faults.js';
import { CloudServer } from './server.js';
import { cloudCluster, CloudSim } from './state.js';

export { CloudServer } from './server.js';
export { CloudSim, cloudCluster } from './state.js';
export { cloudFaultsSchema, type CloudFaults } from './faults.js';

export interface CloudPluginOptions extends PluginOptions {
  /** In-process callers may pass the faults directly instead of `cloudFaults` from the faults file. */
  faults?: Partial<CloudFaults>;
}

function parseFaults(options: CloudPluginOptions): CloudFaults {
  const parsed = cloudFaultsSchema.safeParse(options.faults ?? options.cloudFaults ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = ['cloud', ...(issue?.path ?? []).map(String)].join('.');
  const why = issue?.code === 'unrecognized_keys' ? `unknown key "${issue.keys.join('", "')}" (known: ${Object.keys(cloudFaultsSchema.shape).join(', ')})` : (issue?.message ?? 'invalid');
  throw new SandboxError('SANDBOX_FAULTS', `--faults: ${at}: ${why}`);
}

/** The region id the sandbox reports (any `xx-yyy` id passes the config schema). */
export const SANDBOX_REGION = 'sb-local-1';

/**
 * Sandbox plugin: one cloud API server for all clusters at `layout.cloudIp`:CLOUD_PORT, and a
 * `cloud:` block per cluster in clusters.yaml (AK/SK as `{file}` references, endpoints pointing
 * here, the certificate pinned).
 */
export async function startCloud(layout: SandboxLayout, stateDir: string, _hub: SandboxHub, options: CloudPluginOptions = {}): Promise<StartedPlugin & { sim: CloudSim; url: string }> {
  const sim = new CloudSim(
    layout.clusters.map((c) => cloudCluster(c, layout.subnet)),
    { closedGroups: Boolean(options.closedGroups) },
  );
  sim.faults = parseFaults(options);
  const cert = await managerCert(layout.cloudIp);
  const server = new CloudServer(sim, cert);
  await server.listen(layout.cloudIp, CLOUD_PORT).catch((error: NodeJS.ErrnoException) => {
    throw new SandboxError(error.code === 'EADDRINUSE' ? 'SANDBOX_ADDRESS_IN_USE' : 'SANDBOX_LISTEN', `cannot listen on ${layout.cloudIp}:${CLOUD_PORT} (${error.code ?? error.message})`);
  });
  const secrets = join(stateDir, FILES.secrets);
  writeFileSync(join(secrets, 'cloud.ak'), `${sim.ak}\n`, { mode: 0o600 });
  writeFileSync(join(secrets, 'cloud.sk'), `${sim.sk}\n`, { mode: 0o600 });
  writeFileSync(join(secrets, 'cloud.password'), `${sim.password}\n`, { mode: 0o600 });
  const url = `https://${layout.cloudIp}:${CLOUD_PORT}`;
  const clusters: Record<string, ClusterFragment> = Object.fromEntries(
    sim.clusters.map((c) => [
      c.name,
      {
        cloud: {
          region: SANDBOX_REGION,
          projectId: c.projectId,
          clusterId: c.clusterId,
          auth: { ak: { file: `${FILES.secrets}/cloud.ak` }, sk: { file: `${FILES.secrets}/cloud.sk` } },
          endpoints: { mrs: url, vpc: url, iam: url },
          tls: { fingerprint: cert.fingerprint },
        },
      },
    ]),
  );
  return {
    clusters,
    sim,
    url,
    state: () => ({ url, closedGroups: Boolean(options.closedGroups), iam: { user: sim.user, domain: sim.domain, passwordFile: `${FILES.secrets}/cloud.password` }, faults: sim.faults, calls: Object.fromEntries(sim.calls), rules: sim.snapshot() }),
    stop: () => server.close(),
  };
}
