import { readFile } from 'node:fs/promises';
import { z } from '../../zod.js';
import { formatPath } from '../../config/issues.js';
import { UsageError } from '../../errors/index.js';
import type { SecurityGroupRule } from '../../domain/security-groups.js';
import type { Cloud, CloudClusterInfo } from '../../ports/cloud.js';
import { clusterInfoSchema, hostSchema } from '../../wire/cloud/mrs.js';
import { ruleV1Schema, ruleV3Schema } from '../../wire/cloud/vpc.js';
import { clusterInfoOf, fromV1, fromV3 } from './convert.js';

/**
 * Offline mode (`--rules-file FILE`): the replies of the cloud API, exported by someone who has
 * credentials, in one JSON file (docs/security-groups.md, "Offline"):
 * `{ clusters: { <name>: { cluster: <cluster_infos .cluster>, hosts: [<hosts .hosts[]>] } },
 *    security_group_rules: [<VPC v3 or v1 rules of every group involved>] }`.
 * Read-only: `--fix` needs the API.
 */
const ruleSchema = z.unknown().transform((value, ctx): SecurityGroupRule => {
  const isV1 = typeof value === 'object' && value !== null && ('port_range_min' in value || 'port_range_max' in value);
  const parsed = (isV1 ? ruleV1Schema : ruleV3Schema).safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
    return z.NEVER;
  }
  try {
    return isV1 ? fromV1(parsed.data as z.infer<typeof ruleV1Schema>) : fromV3(parsed.data as z.infer<typeof ruleV3Schema>);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const rulesFileSchema = z.object({
  clusters: z.record(z.string(), z.object({ cluster: clusterInfoSchema, hosts: z.array(hostSchema).default([]) })),
  security_group_rules: z.array(ruleSchema),
});

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('RULES_FILE_UNREADABLE', `--rules-file ${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError('RULES_FILE_INVALID', `--rules-file ${path}: not JSON (${(error as Error).message})`, { cause: error });
  }
}

type Entry = z.output<typeof rulesFileSchema>['clusters'][string];

function infoOf(entry: Entry, clusterName: string): CloudClusterInfo {
  return clusterInfoOf(entry.cluster, entry.hosts.map((h) => h.ip), clusterName);
}

export async function loadRulesFile(path: string, clusterName: string): Promise<Cloud> {
  const parsed = rulesFileSchema.safeParse(await readJson(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError('RULES_FILE_INVALID', `--rules-file ${path}: ${formatPath(issue?.path ?? []) || 'document'}: ${issue?.message ?? 'invalid'}`, { hint: 'see docs/security-groups.md "Offline"' });
  }
  const entry = parsed.data.clusters[clusterName];
  if (!entry) {
    throw new UsageError('RULES_FILE_NO_CLUSTER', `--rules-file ${path} has no cluster "${clusterName}" (it has: ${Object.keys(parsed.data.clusters).join(', ') || 'none'})`, { hint: 'export the cluster under clusters.<name> as in clusters.yaml' });
  }
  const rules = parsed.data.security_group_rules;
  const info = infoOf(entry, clusterName);
  const readOnly = () => {
    throw new UsageError('RULES_FILE_READ_ONLY', '--rules-file is read-only: adding or removing rules needs the cloud API', { hint: `configure clusters.${clusterName}.cloud and drop --rules-file` });
  };
  return {
    cluster: clusterName,
    source: 'rules-file',
    readClusterInfo: async () => info,
    async listRules(securityGroupId) {
      const own = rules.filter((r) => r.securityGroupId === securityGroupId);
      // A real group always has rules (at least the default egress ones): none means not exported.
      if (own.length === 0) throw new UsageError('RULES_FILE_NO_GROUP', `--rules-file ${path} holds no rule of security group ${securityGroupId}`, { hint: 'export the rules of every group of both clusters' });
      return own;
    },
    addIngressFromGroup: async () => readOnly(),
    deleteRule: async () => readOnly(),
  };
}
