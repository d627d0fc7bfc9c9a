import type { ClusterConfig } from '../../config/load.js';
import { isMrsTrustError } from '../../errors/index.js';
import { isAnyRule, type SecurityGroupRule } from '../../domain/security-groups.js';
import type { Cloud, CloudClusterInfo, CreatedRule } from '../../ports/cloud.js';
import { clusterInfoReplySchema, hostsReplySchema } from '../../wire/cloud/mrs.js';
import { createRuleV1ReplySchema, createRuleV3ReplySchema, listRulesV1ReplySchema, listRulesV3ReplySchema, type CreateRuleRequest } from '../../wire/cloud/vpc.js';
import type { CloudAuth } from './auth.js';
import { clusterInfoOf, fromV1, fromV3 } from './convert.js';
import { duplicateRuleId, malformed } from './errors.js';
import type { CloudHttp } from './http.js';

export interface Endpoints {
  mrs: string;
  vpc: string;
  iam: string;
}

const PAGE = 100;
const RULE_PAGE = 2000;

/**
 * The live cloud API of one cluster. VPC rules use the v3 family and fall back to v1 for the rest
 * of the run when v3 is not offered (a 404 without a VPC error code, as API gateways answer).
 */
export class ApiCloud implements Cloud {
  readonly source = 'api' as const;
  private family: 'v3' | 'v1' = 'v3';
  private readonly project: string;
  private readonly clusterId: string;

  constructor(
    private readonly config: ClusterConfig,
    private readonly http: CloudHttp,
    private readonly auth: CloudAuth,
    private readonly endpoints: Endpoints,
  ) {
    const cloud = config.cloud as NonNullable<ClusterConfig['cloud']>;
    this.project = cloud.projectId;
    this.clusterId = cloud.clusterId;
  }

  get cluster(): string {
    return this.config.name;
  }

  async readClusterInfo(): Promise<CloudClusterInfo> {
    const info = await this.http.call({ method: 'GET', base: this.endpoints.mrs, path: `/v1.1/${this.project}/cluster_infos/${this.clusterId}`, template: '/v1.1/{project_id}/cluster_infos/{cluster_id}', schema: clusterInfoReplySchema, auth: this.auth });
    const hosts = await this.hosts();
    return { ...clusterInfoOf(info.data.cluster, hosts.map((h) => h.ip), this.clusterId), hosts };
  }

  /** Documented: `GET /v1.1/{project_id}/clusters/{cluster_id}/hosts`, every page. */
  private async hosts(): Promise<{ name: string; ip: string }[]> {
    const ips: { name: string; ip: string }[] = [];
    for (let page = 1; ; page += 1) {
      const reply = await this.http.call({ method: 'GET', base: this.endpoints.mrs, path: `/v1.1/${this.project}/clusters/${this.clusterId}/hosts`, template: '/v1.1/{project_id}/clusters/{cluster_id}/hosts', query: { pageSize: String(PAGE), currentPage: String(page) }, schema: hostsReplySchema, auth: this.auth });
      ips.push(...reply.data.hosts.map((h) => ({ name: h.name, ip: h.ip })));
      if (reply.data.hosts.length === 0 || ips.length >= reply.data.total || page > 1000) return ips;
    }
  }

  async listRules(securityGroupId: string): Promise<SecurityGroupRule[]> {
    if (this.family === 'v3') {
      try {
        return await this.listV3(securityGroupId);
      } catch (error) {
        if (!(isMrsTrustError(error) && error.code === 'CLOUD_NO_API')) throw error;
        this.family = 'v1';
      }
    }
    return this.listV1(securityGroupId);
  }

  private async listV3(securityGroupId: string): Promise<SecurityGroupRule[]> {
    const rules: SecurityGroupRule[] = [];
    let marker: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const query: Record<string, string> = { security_group_id: securityGroupId, limit: String(RULE_PAGE), ...(marker ? { marker } : {}) };
      const site = { method: 'GET' as const, base: this.endpoints.vpc, path: `/v3/${this.project}/vpc/security-group-rules`, template: '/v3/{project_id}/vpc/security-group-rules', query, schema: listRulesV3ReplySchema, auth: this.auth };
      const reply = await this.http.call(site);
      rules.push(...this.convert(reply.data.security_group_rules.map((r) => () => fromV3(r)), `${site.method} ${site.template}`));
      marker = reply.data.page_info?.next_marker ?? undefined;
      if (!marker || seen.has(marker)) return rules;
      seen.add(marker);
    }
  }

  private async listV1(securityGroupId: string): Promise<SecurityGroupRule[]> {
    const rules: SecurityGroupRule[] = [];
    let marker: string | undefined;
    for (;;) {
      const query: Record<string, string> = { security_group_id: securityGroupId, limit: String(RULE_PAGE), ...(marker ? { marker } : {}) };
      const reply = await this.http.call({ method: 'GET', base: this.endpoints.vpc, path: `/v1/${this.project}/security-group-rules`, template: '/v1/{project_id}/security-group-rules', query, schema: listRulesV1ReplySchema, auth: this.auth });
      const page = reply.data.security_group_rules;
      rules.push(...this.convert(page.map((r) => () => fromV1(r)), 'GET /v1/{project_id}/security-group-rules'));
      const last = page[page.length - 1]?.id;
      if (page.length < RULE_PAGE || !last || last === marker) return rules;
      marker = last;
    }
  }

  /** Conversion can fail on a garbled `multiport`: that is a malformed reply, named by endpoint. */
  private convert(thunks: (() => SecurityGroupRule)[], endpoint: string): SecurityGroupRule[] {
    return thunks.map((t) => {
      try {
        return t();
      } catch (error) {
        throw malformed({ cluster: this.cluster, endpoint, authField: this.auth.field }, (error as Error).message);
      }
    });
  }

  async addIngressFromGroup(securityGroupId: string, remoteGroupId: string, description: string): Promise<CreatedRule> {
    const body: CreateRuleRequest = { security_group_rule: { security_group_id: securityGroupId, direction: 'ingress', ethertype: 'IPv4', remote_group_id: remoteGroupId, description } };
    try {
      if (this.family === 'v3') {
        const reply = await this.http.call({ method: 'POST', base: this.endpoints.vpc, path: `/v3/${this.project}/vpc/security-group-rules`, template: '/v3/{project_id}/vpc/security-group-rules', body, schema: createRuleV3ReplySchema, auth: this.auth });
        return { created: true, ruleId: reply.data.security_group_rule.id };
      }
      const reply = await this.http.call({ method: 'POST', base: this.endpoints.vpc, path: `/v1/${this.project}/security-group-rules`, template: '/v1/{project_id}/security-group-rules', body, schema: createRuleV1ReplySchema, auth: this.auth });
      return { created: true, ruleId: reply.data.security_group_rule.id };
    } catch (error) {
      if (!(isMrsTrustError(error) && error.code === 'CLOUD_DUPLICATE')) throw error;
      // NOTE: VPC.9902 (409, "already exists") means an identical rule exists: already there is
      // success. The message names the rule id; re-list only when it does not.
      const named = duplicateRuleId(String((error.details as { apiMessage?: unknown } | undefined)?.apiMessage ?? ''));
      if (named) return { created: false, ruleId: named };
      const existing = (await this.listRules(securityGroupId)).find((r) => r.direction === 'ingress' && r.remoteGroupId === remoteGroupId && r.ethertype === 'IPv4' && isAnyRule(r));
      return { created: false, ruleId: existing?.id };
    }
  }

  async deleteRule(ruleId: string): Promise<void> {
    const v3 = this.family === 'v3';
    try {
      await this.http.call({
        method: 'DELETE',
        base: this.endpoints.vpc,
        path: v3 ? `/v3/${this.project}/vpc/security-group-rules/${encodeURIComponent(ruleId)}` : `/v1/${this.project}/security-group-rules/${encodeURIComponent(ruleId)}`,
        template: v3 ? '/v3/{project_id}/vpc/security-group-rules/{rule_id}' : '/v1/{project_id}/security-group-rules/{rule_id}',
        auth: this.auth,
      });
    } catch (error) {
      if (isMrsTrustError(error) && error.code === 'CLOUD_NOT_FOUND') return;
      throw error;
    }
  }
}
