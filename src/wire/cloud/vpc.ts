import { z } from '../../zod.js';

/**
 * VPC security-group rule payloads. v3: `GET|POST /v3/{project_id}/vpc/security-group-rules`
 * (ports as `multiport`, `action`/`priority`); v1: `/v1/{project_id}/security-group-rules`
 * (`port_range_min/max`). Null and missing mean the same ("any") in both.
 */
const maybe = z.string().nullish();
/** Documented as String, but the reference's own create example sends `"multiport": 333`. */
const portList = z.union([z.string(), z.number().int().transform(String)]).nullish();

export const ruleV3Schema = z.object({
  id: z.string().min(1),
  security_group_id: z.string().min(1),
  direction: z.enum(['ingress', 'egress']),
  ethertype: z.enum(['IPv4', 'IPv6']),
  protocol: maybe,
  /** `22`, `22-30`, `22,80-90` (or a bare number); empty or null = all ports. */
  multiport: portList,
  action: z.enum(['allow', 'deny']).nullish(),
  priority: z.number().int().nullish(),
  remote_group_id: maybe,
  remote_ip_prefix: maybe,
  remote_address_group_id: maybe,
  description: maybe,
});
export type RuleV3 = z.infer<typeof ruleV3Schema>;

export const listRulesV3ReplySchema = z.object({
  security_group_rules: z.array(ruleV3Schema),
  page_info: z.object({ next_marker: z.string().nullish(), current_count: z.number().int().nullish() }).nullish(),
  request_id: maybe,
});
export type ListRulesV3Reply = z.input<typeof listRulesV3ReplySchema>;

export const ruleV1Schema = z.object({
  id: z.string().min(1),
  security_group_id: z.string().min(1),
  direction: z.enum(['ingress', 'egress']),
  ethertype: z.enum(['IPv4', 'IPv6']),
  protocol: maybe,
  port_range_min: z.number().int().min(0).max(65535).nullish(),
  port_range_max: z.number().int().min(0).max(65535).nullish(),
  remote_group_id: maybe,
  remote_ip_prefix: maybe,
  remote_address_group_id: maybe,
  description: maybe,
});
export type RuleV1 = z.infer<typeof ruleV1Schema>;
export const listRulesV1ReplySchema = z.object({ security_group_rules: z.array(ruleV1Schema) });

/** The create body the tool sends: no protocol and no ports mean ANY. */
export const createRuleRequestSchema = z.object({
  security_group_rule: z.strictObject({
    security_group_id: z.string().min(1),
    direction: z.literal('ingress'),
    ethertype: z.literal('IPv4'),
    remote_group_id: z.string().min(1),
    description: z.string().max(255),
  }),
});
export type CreateRuleRequest = z.infer<typeof createRuleRequestSchema>;
export const createRuleV3ReplySchema = z.object({ security_group_rule: ruleV3Schema, request_id: maybe });
export const createRuleV1ReplySchema = z.object({ security_group_rule: ruleV1Schema });

/** Documented VPC error codes the tool acts on. */
export const VPC_DUPLICATE = 'VPC.9902';
/**
 * VPC.9902 is overloaded (VPC error-code appendix): 409 "Security group rule already exists. Rule
 * id is xxx." but also 400 for a bad ethertype or address-group mismatch, and 409 "security group
 * in use". Only a 409 whose message says "already exists" is a duplicate.
 */
export const VPC_DUPLICATE_STATUS = 409;
export const VPC_DUPLICATE_TEXT = /already exists/i;
/** `… Rule id is 3c4f….` → the id of the existing rule. */
export const VPC_DUPLICATE_RULE_ID = /rule id is\s*([0-9A-Za-z-]+)/i;
export const VPC_UNKNOWN_GROUP = 'VPC.9904';
export const VPC_QUOTA = 'VPC.9905';
