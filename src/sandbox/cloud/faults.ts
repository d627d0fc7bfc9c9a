import { z } from '../../zod.js';

/**
 * Cloud API faults, under `cloud:` in the sandbox faults file (docs/sandbox.md "Faults"), or set
 * at run time by in-process tests (`CloudSim.faults`).
 */
export const CLOUD_ENDPOINTS = ['iam-token', 'mrs-cluster', 'mrs-hosts', 'vpc-list-rules', 'vpc-create-rule', 'vpc-delete-rule'] as const;
export type CloudEndpoint = (typeof CLOUD_ENDPOINTS)[number];

export const cloudFaultsSchema = z.strictObject({
  /** Every X-Auth-Token is refused as expired (401 APIGW.0301), also freshly issued ones. */
  expiredTokens: z.boolean().default(false),
  /** How many more rules can be created before 409 VPC.9905 (quota); omitted = no limit. */
  ruleQuota: z.number().int().min(0).optional(),
  /** Replies of these endpoints are malformed: html (a gateway page), garbled (cut-off JSON), missing-fields. */
  malformed: z.array(z.strictObject({ endpoint: z.enum(CLOUD_ENDPOINTS), kind: z.enum(['html', 'garbled', 'missing-fields']) })).default([]),
  /** Only the v1 VPC rule family is offered (v3 answers 404 APIGW.0101), as in older regions. */
  v1Only: z.boolean().default(false),
});
export type CloudFaults = z.infer<typeof cloudFaultsSchema>;
export const noCloudFaults = (): CloudFaults => cloudFaultsSchema.parse({});
