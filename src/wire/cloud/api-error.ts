import { z } from '../../zod.js';

/**
 * Error bodies of Huawei Cloud APIs. Services answer `{error_code, error_msg, request_id}`
 * (VPC v3, MRS, API gateway), older ones `{code, message}`, IAM `{error: {code, message, title}}`.
 */
export const apiErrorSchema = z.union([
  z.object({ error_code: z.string(), error_msg: z.string().nullish(), request_id: z.string().nullish() }).transform((e) => ({ code: e.error_code, message: e.error_msg ?? '' })),
  z.object({ code: z.string(), message: z.string().nullish() }).transform((e) => ({ code: e.code, message: e.message ?? '' })),
  z.object({ error: z.object({ code: z.union([z.string(), z.number()]), message: z.string().nullish(), title: z.string().nullish() }) }).transform((e) => ({ code: String(e.error.code), message: e.error.message ?? e.error.title ?? '' })),
]);
export type ApiError = z.output<typeof apiErrorSchema>;

/** The body an API answers with on an error (the sandbox sends this shape). */
export function apiErrorBody(code: string, message: string, requestId = '0'): { error_code: string; error_msg: string; request_id: string } {
  return { error_code: code, error_msg: message, request_id: requestId };
}

/**
 * API gateway codes for authentication failures (public "Error Codes" page of the API Gateway):
 * APIGW.0301 = incorrect IAM authentication information (bad token, bad AK/SK signature),
 * APIGW.0101 = the API does not exist (used to detect a missing v3 family).
 */
export const APIGW_AUTH = 'APIGW.0301';
export const APIGW_NO_API = 'APIGW.0101';
