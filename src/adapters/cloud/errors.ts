import { RemoteError } from '../../errors/index.js';
import { apiErrorSchema, APIGW_NO_API } from '../../wire/cloud/api-error.js';
import { VPC_DUPLICATE, VPC_DUPLICATE_RULE_ID, VPC_DUPLICATE_STATUS, VPC_DUPLICATE_TEXT, VPC_QUOTA, VPC_UNKNOWN_GROUP } from '../../wire/cloud/vpc.js';

/** Where a call went, for messages: `GET /v3/{project_id}/vpc/security-group-rules` on cluster alpha. */
export interface CallSite {
  cluster: string;
  /** Method and path template (ids as placeholders), e.g. `POST /v3/{project_id}/vpc/security-group-rules`. */
  endpoint: string;
  /** The config fields to check when the credentials are refused, e.g. `clusters.alpha.cloud.auth.sk`. */
  authField: string;
}

/** The API's own error code and message from a reply body, when it has one. */
export function apiError(body: string): { code: string; message: string } | undefined {
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** VPC.9902 with 409 and "already exists" (the same code is a 400 for bad input). */
function isDuplicate(status: number, api: { code: string; message: string } | undefined): boolean {
  return status === VPC_DUPLICATE_STATUS && api?.code === VPC_DUPLICATE && VPC_DUPLICATE_TEXT.test(api.message);
}

/** The id of the existing rule a duplicate reply names (`Rule id is xxx.`), when it names one. */
export function duplicateRuleId(message: string): string | undefined {
  return VPC_DUPLICATE_RULE_ID.exec(message)?.[1];
}

interface Failure {
  site: CallSite;
  status: number;
  api: { code: string; message: string } | undefined;
  retriedAuth: boolean;
}

type Rule = (f: Failure) => { code: string; what: string; hint?: string } | undefined;

/** Documented API codes first, then the status: the first rule that answers wins. */
const RULES: Rule[] = [
  (f) => (isDuplicate(f.status, f.api) ? { code: 'CLOUD_DUPLICATE', what: 'the rule already exists' } : undefined),
  (f) => (f.api?.code === VPC_QUOTA ? { code: 'CLOUD_QUOTA', what: 'security-group rule quota exceeded', hint: 'remove unused rules or ask for a higher quota (VPC console > Quotas), then run again' } : undefined),
  (f) =>
    f.api?.code === VPC_UNKNOWN_GROUP || (f.status === 404 && f.api !== undefined && f.api.code !== APIGW_NO_API)
      ? { code: 'CLOUD_NOT_FOUND', what: 'not found', hint: `check clusters.${f.site.cluster}.cloud.clusterId and that the security groups still exist` }
      : undefined,
  (f) => (f.status === 404 ? { code: 'CLOUD_NO_API', what: 'this API is not offered here', hint: `check clusters.${f.site.cluster}.cloud.endpoints and region` } : undefined),
  (f) =>
    f.status === 401
      ? { code: 'CLOUD_AUTH', what: f.retriedAuth ? 'refused the credentials again after a fresh token' : 'refused the credentials', hint: `check ${f.site.authField} (expired token, wrong key, or a clock more than 15 minutes off)` }
      : undefined,
  (f) =>
    f.status === 403
      ? { code: 'CLOUD_AUTH', what: 'denied the request (credentials valid but not allowed)', hint: `grant the IAM user of ${f.site.authField} the MRS and VPC permissions (read for precheck, security-group rules for --fix)` }
      : undefined,
];

/** An HTTP error reply → the tool's error. */
export function httpError(site: CallSite, status: number, body: string, retriedAuth: boolean): RemoteError {
  const api = apiError(body);
  const failure: Failure = { site, status, api, retriedAuth };
  const tag = `HTTP ${status}${api ? ` ${api.code}${api.message ? `: ${api.message}` : ''}` : ''}`;
  const details = { endpoint: site.endpoint, status, apiCode: api?.code, ...(api ? { apiMessage: api.message } : {}) };
  const match = RULES.map((rule) => rule(failure)).find((m) => m !== undefined) ?? {
    code: 'CLOUD_HTTP',
    what: 'failed',
    hint: status >= 500 ? 'the cloud API failed; try again later' : undefined,
  };
  return new RemoteError(match.code, `${site.cluster}: ${site.endpoint}: ${match.what} (${tag})`, { details, hint: match.hint });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO|PIN_MISMATCH|ALTNAME/;

/** A transport failure (no HTTP reply) → the tool's error. */
export function transportError(site: CallSite, error: unknown, url: string): RemoteError {
  const e = error as { code?: string; message?: string };
  const code = e.code ?? '';
  const at = `${site.cluster}: ${site.endpoint}`;
  if (TLS_CODES.test(code) || TLS_CODES.test(e.message ?? '')) {
    return new RemoteError('CLOUD_TLS', `${at}: TLS check failed for ${new URL(url).origin} (${e.message ?? code})`, { cause: error, hint: `set clusters.${site.cluster}.cloud.tls (ca or fingerprint) or fix the endpoint` });
  }
  return new RemoteError('CLOUD_UNREACHABLE', `${at}: cannot reach ${new URL(url).origin} (${code || e.message || 'network error'})`, {
    cause: error,
    hint: `check clusters.${site.cluster}.cloud.endpoints / region and the network`,
  });
}

export function malformed(site: CallSite, reason: string): RemoteError {
  return new RemoteError('CLOUD_MALFORMED', `${site.cluster}: ${site.endpoint}: unexpected reply: ${reason}`, {
    details: { endpoint: site.endpoint },
    hint: 'the cloud API answered in a shape mrs-trust does not know; see docs/assumptions.md (cloud) and report it',
  });
}
