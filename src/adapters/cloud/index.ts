import type { ClusterConfig } from '../../config/load.js';
import { UsageError } from '../../errors/index.js';
import type { Cloud } from '../../ports/cloud.js';
import { SUBJECT_TOKEN_HEADER, tokenReplySchema, type TokenRequest } from '../../wire/cloud/iam.js';
import type { HttpTrace } from '../http-trace/index.js';
import { ApiCloud, type Endpoints } from './api.js';
import { createAuth } from './auth.js';
import { malformed } from './errors.js';
import { CloudHttp } from './http.js';
import { loadRulesFile } from './rules-file.js';
import { cloudAgent } from './tls.js';

export interface CloudLog {
  warn(line: string): void;
  debug(line: string): void;
}

export interface CloudOptions {
  /** Offline mode: read clusters and rules from an exported JSON file instead of the API. */
  rulesFile?: string;
  /** `--trace-http FILE` (src/adapters/http-trace/). */
  trace?: HttpTrace;
}

/** Public Huawei Cloud endpoint names per region; `cloud.endpoints` overrides each (OTC, sandbox). */
export function endpointsOf(cluster: ClusterConfig): Endpoints {
  const cloud = cluster.cloud as NonNullable<ClusterConfig['cloud']>;
  const region = cloud.region;
  return {
    mrs: cloud.endpoints?.mrs ?? `https://mrs.${region}.myhuaweicloud.com`,
    vpc: cloud.endpoints?.vpc ?? `https://vpc.${region}.myhuaweicloud.com`,
    iam: cloud.endpoints?.iam ?? `https://iam.${region}.myhuaweicloud.com`,
  };
}

export async function createCloud(cluster: ClusterConfig, log: CloudLog, options: CloudOptions = {}): Promise<Cloud> {
  if (options.rulesFile) return loadRulesFile(options.rulesFile, cluster.name);
  if (!cluster.cloud) {
    throw new UsageError('CLOUD_NOT_CONFIGURED', `clusters.${cluster.name}.cloud is not configured`, { hint: `add a cloud: block (region, projectId, clusterId, auth) to clusters.${cluster.name}, or pass --rules-file FILE` });
  }
  const endpoints = endpointsOf(cluster);
  const http = new CloudHttp(cluster.name, cloudAgent(cluster, log.warn), log.debug, options.trace);
  const projectId = cluster.cloud.projectId;
  const auth = createAuth(cluster, endpoints.iam, async ({ user, password, domain }) => {
    const body: TokenRequest = { auth: { identity: { methods: ['password'], password: { user: { name: user, password: password.reveal(), domain: { name: domain } } } }, scope: { project: { id: projectId } } } };
    const reply = await http.call({ method: 'POST', base: endpoints.iam, path: '/v3/auth/tokens', template: '/v3/auth/tokens', body, schema: tokenReplySchema, auth: 'none', authField: auth.field });
    const token = reply.headers[SUBJECT_TOKEN_HEADER];
    const site = { cluster: cluster.name, endpoint: 'POST /v3/auth/tokens', authField: `clusters.${cluster.name}.cloud.auth.password` };
    if (!token) throw malformed(site, 'no X-Subject-Token header');
    const expiresAt = new Date(reply.data.token.expires_at);
    if (Number.isNaN(expiresAt.getTime())) throw malformed(site, `token.expires_at "${reply.data.token.expires_at}" is not a date`);
    return { token, expiresAt };
  });
  return new ApiCloud(cluster, http, auth, endpoints);
}
