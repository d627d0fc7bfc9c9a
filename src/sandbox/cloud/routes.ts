import { randomUUID } from 'node:crypto';
import { apiErrorBody, APIGW_NO_API } from '../../wire/cloud/api-error.js';
import { VPC_DUPLICATE, VPC_QUOTA, VPC_UNKNOWN_GROUP, type RuleV3 } from '../../wire/cloud/vpc.js';
import type { CloudEndpoint } from './faults.js';
import type { CloudSim } from './state.js';

export interface CloudRequest {
  method: string;
  url: URL;
  params: string[];
  json: unknown;
  now: Date;
}

export interface CloudReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CloudRoute {
  name: CloudEndpoint;
  method: 'GET' | 'POST' | 'DELETE';
  family: 'iam' | 'mrs' | 'v3' | 'v1';
  pattern: RegExp;
  handle(sim: CloudSim, req: CloudRequest): CloudReply;
}

export const error = (status: number, code: string, message: string): CloudReply => ({ status, body: apiErrorBody(code, message, randomUUID()) });
export const noApi = (): CloudReply => error(404, APIGW_NO_API, 'The API does not exist or has not been published in the environment');

function listRules(sim: CloudSim, req: CloudRequest, v1: boolean): CloudReply {
  const group = req.url.searchParams.get('security_group_id');
  const all = group ? sim.rules.get(group) : [...sim.rules.values()].flat();
  if (!all) return error(404, 'VPC.0602', `Security group ${group} does not exist.`);
  const limit = Math.min(Number(req.url.searchParams.get('limit') ?? '2000') || 2000, 2000);
  const marker = req.url.searchParams.get('marker');
  const start = marker ? all.findIndex((r) => r.id === marker) + 1 : 0;
  const page = all.slice(start, start + limit);
  const more = start + limit < all.length;
  if (v1) return { status: 200, body: { security_group_rules: page.map(toV1) } };
  return { status: 200, body: { security_group_rules: page, page_info: { previous_marker: marker ?? null, current_count: page.length, next_marker: more ? (page[page.length - 1]?.id ?? null) : null }, request_id: randomUUID() } };
}

function toV1(rule: RuleV3): Record<string, unknown> {
  const [min, max] = (rule.multiport ?? '').split('-').map(Number);
  const { multiport: _m, action: _a, priority: _p, ...rest } = rule;
  return { ...rest, port_range_min: rule.multiport ? min : null, port_range_max: rule.multiport ? (max ?? min) : null };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function ruleFrom(body: Record<string, unknown>): RuleV3 {
  return {
    id: randomUUID(),
    security_group_id: String(body.security_group_id),
    direction: body.direction === 'egress' ? 'egress' : 'ingress',
    ethertype: body.ethertype === 'IPv6' ? 'IPv6' : 'IPv4',
    protocol: str(body.protocol),
    multiport: str(body.multiport),
    action: 'allow',
    priority: 1,
    remote_group_id: str(body.remote_group_id),
    remote_ip_prefix: str(body.remote_ip_prefix),
    remote_address_group_id: null,
    description: str(body.description) ?? '',
  };
}

const sameRule = (a: RuleV3, b: RuleV3) =>
  a.direction === b.direction && a.ethertype === b.ethertype && a.protocol === b.protocol && a.multiport === b.multiport && a.remote_group_id === b.remote_group_id && a.remote_ip_prefix === b.remote_ip_prefix;

/** Takes one unit of the injected quota; false when it is used up. */
function takeQuota(sim: CloudSim): boolean {
  if (sim.faults.ruleQuota === undefined) return true;
  if (sim.faults.ruleQuota <= 0) return false;
  sim.faults.ruleQuota -= 1;
  return true;
}

function createRule(sim: CloudSim, req: CloudRequest, v1: boolean): CloudReply {
  const body = (req.json as { security_group_rule?: Record<string, unknown> } | undefined)?.security_group_rule;
  if (!body || typeof body.security_group_id !== 'string' || !['ingress', 'egress'].includes(String(body.direction))) return error(400, 'VPC.0005', 'Invalid security_group_rule.');
  const project = sim.projectOf(req.params[0] ?? '');
  const own = sim.rules.get(body.security_group_id);
  if (!own || !project || ![project.masterGroup, project.coreGroup].includes(body.security_group_id)) return error(404, 'VPC.0602', `Security group ${body.security_group_id} does not exist in this project.`);
  const rule = ruleFrom(body);
  if (rule.remote_group_id && !sim.rules.has(rule.remote_group_id)) return error(404, VPC_UNKNOWN_GROUP, `Remote security group ${rule.remote_group_id} does not exist.`);
  if (own.some((r) => sameRule(r, rule))) return error(409, VPC_DUPLICATE, 'Security group rule already exists.');
  if (!takeQuota(sim)) return error(409, VPC_QUOTA, 'Quota exceeded for resources: security_group_rule.');
  own.push(rule);
  return { status: 201, body: v1 ? { security_group_rule: toV1(rule) } : { security_group_rule: rule, request_id: randomUUID() } };
}

function deleteRule(sim: CloudSim, req: CloudRequest): CloudReply {
  const id = req.params[1];
  for (const rules of sim.rules.values()) {
    const index = rules.findIndex((r) => r.id === id);
    if (index >= 0) {
      rules.splice(index, 1);
      return { status: 204 };
    }
  }
  return error(404, 'VPC.0604', `Security group rule ${id} does not exist.`);
}

function clusterOf(sim: CloudSim, req: CloudRequest) {
  const c = sim.projectOf(req.params[0] ?? '');
  return c && c.clusterId === req.params[1] ? c : undefined;
}

function token(sim: CloudSim, req: CloudRequest): CloudReply {
  const auth = (req.json as { auth?: { identity?: { password?: { user?: { name?: string; password?: string; domain?: { name?: string } } } }; scope?: { project?: { id?: string } } } } | undefined)?.auth;
  const user = auth?.identity?.password?.user;
  const projectId = auth?.scope?.project?.id ?? '';
  if (!user || user.name !== sim.user || user.password !== sim.password || user.domain?.name !== sim.domain) {
    return { status: 401, body: { error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } } };
  }
  if (!sim.projectOf(projectId)) return { status: 400, body: { error: { code: 400, message: `project ${projectId} not found`, title: 'Bad Request' } } };
  const issued = sim.issueToken(projectId, req.now);
  return { status: 201, headers: { 'X-Subject-Token': issued.token }, body: { token: { expires_at: issued.expiresAt.toISOString(), issued_at: req.now.toISOString(), methods: ['password'], project: { id: projectId } } } };
}

const P = '([0-9a-f]{32})';
export const ROUTES: CloudRoute[] = [
  { name: 'iam-token', method: 'POST', family: 'iam', pattern: /^\/v3\/auth\/tokens$/, handle: token },
  {
    name: 'mrs-cluster', method: 'GET', family: 'mrs', pattern: new RegExp(`^/v1\\.1/${P}/cluster_infos/([^/]+)$`),
    handle(sim, req) {
      const c = clusterOf(sim, req);
      if (!c) return error(404, 'MRS.0011', `Cluster ${req.params[1]} does not exist.`);
      return { status: 200, body: { cluster: { clusterId: c.clusterId, clusterName: c.name, clusterState: 'running', clusterVersion: c.version, safeMode: 1, clusterType: 0, vpcId: `vpc-sandbox`, subnetId: `subnet-${c.name}`, securityGroupsId: c.masterGroup, slaveSecurityGroupsId: c.coreGroup, masterNodeIp: c.masterNodeIp, masterNodeNum: '2', coreNodeNum: '1' } } };
    },
  },
  {
    name: 'mrs-hosts', method: 'GET', family: 'mrs', pattern: new RegExp(`^/v1\\.1/${P}/clusters/([^/]+)/hosts$`),
    handle(sim, req) {
      const c = clusterOf(sim, req);
      if (!c) return error(404, 'MRS.0011', `Cluster ${req.params[1]} does not exist.`);
      const size = Number(req.url.searchParams.get('pageSize') ?? '10') || 10;
      const page = Number(req.url.searchParams.get('currentPage') ?? '1') || 1;
      const hosts = c.nodes.slice((page - 1) * size, page * size).map((n) => ({ id: randomUUID(), name: n.name, ip: n.ip, type: n.type, status: 'ACTIVE', flavor: 'sandbox', mem: '4096', cpu: '2' }));
      return { status: 200, body: { total: c.nodes.length, hosts } };
    },
  },
  { name: 'vpc-list-rules', method: 'GET', family: 'v3', pattern: new RegExp(`^/v3/${P}/vpc/security-group-rules$`), handle: (sim, req) => listRules(sim, req, false) },
  { name: 'vpc-create-rule', method: 'POST', family: 'v3', pattern: new RegExp(`^/v3/${P}/vpc/security-group-rules$`), handle: (sim, req) => createRule(sim, req, false) },
  { name: 'vpc-delete-rule', method: 'DELETE', family: 'v3', pattern: new RegExp(`^/v3/${P}/vpc/security-group-rules/([^/]+)$`), handle: deleteRule },
  { name: 'vpc-list-rules', method: 'GET', family: 'v1', pattern: new RegExp(`^/v1/${P}/security-group-rules$`), handle: (sim, req) => listRules(sim, req, true) },
  { name: 'vpc-create-rule', method: 'POST', family: 'v1', pattern: new RegExp(`^/v1/${P}/security-group-rules$`), handle: (sim, req) => createRule(sim, req, true) },
  { name: 'vpc-delete-rule', method: 'DELETE', family: 'v1', pattern: new RegExp(`^/v1/${P}/security-group-rules/([^/]+)$`), handle: deleteRule },
];
