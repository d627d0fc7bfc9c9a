import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { APIGW_AUTH } from '../../wire/cloud/api-error.js';
import { parseAuthorization, parseSdkDate, signature } from '../../wire/cloud/signer.js';
import type { CloudSim } from './state.js';

/** Clock skew the API gateway accepts on `X-Sdk-Date` (public signing guide: 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;

export type AuthOutcome = { ok: true } | { ok: false; status: 401 | 403; code: string; message: string };

const refuse = (message: string, status: 401 | 403 = 401): AuthOutcome => ({ ok: false, status, code: APIGW_AUTH, message: `Incorrect IAM authentication information: ${message}` });

/** The query as the signer sees it: decoded, repeated keys as lists. */
export function queryRecord(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

function checkToken(sim: CloudSim, token: string, projectId: string | undefined, now: Date): AuthOutcome {
  const known = sim.tokens.get(token);
  if (!known) return refuse('the token is invalid');
  if (sim.faults.expiredTokens || known.expiresAt.getTime() <= now.getTime()) return refuse('the token has expired');
  if (projectId !== undefined && known.projectId !== projectId) return refuse(`the token is not scoped to project ${projectId}`, 403);
  return { ok: true };
}

/**
 * Checks an AK/SK signature the way the API gateway does: the canonical request is rebuilt from
 * what arrived (raw path, decoded query, the headers named in SignedHeaders, the body bytes).
 */
function checkSignature(sim: CloudSim, req: IncomingMessage, path: string, search: URLSearchParams, body: Buffer, now: Date): AuthOutcome {
  const parsed = parseAuthorization(String(req.headers.authorization));
  if (!parsed) return refuse('the Authorization header is not SDK-HMAC-SHA256');
  if (parsed.access !== sim.ak) return refuse('the access key is unknown');
  const dateText = String(req.headers['x-sdk-date'] ?? '');
  const date = parseSdkDate(dateText);
  if (!date) return refuse('X-Sdk-Date is missing or malformed');
  if (Math.abs(date.getTime() - now.getTime()) > MAX_SKEW_MS) return refuse('the request time (X-Sdk-Date) is more than 15 minutes off');
  if (!parsed.signedHeaders.includes('host') || !parsed.signedHeaders.includes('x-sdk-date')) return refuse('host and x-sdk-date must be signed');
  const headers = Object.fromEntries(parsed.signedHeaders.map((h) => [h, String(req.headers[h] ?? '')]));
  const expected = Buffer.from(signature({ method: req.method ?? 'GET', path, query: queryRecord(search), headers, body }, sim.sk, dateText));
  const given = Buffer.from(parsed.signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : refuse('verify aksk signature fail');
}

export function authenticate(sim: CloudSim, req: IncomingMessage, url: URL, body: Buffer, projectId: string | undefined, now: Date): AuthOutcome {
  const token = req.headers['x-auth-token'];
  if (typeof token === 'string') return checkToken(sim, token, projectId, now);
  if (req.headers.authorization) return checkSignature(sim, req, url.pathname, url.searchParams, body, now);
  return refuse('no X-Auth-Token or Authorization header');
}
