import { createHash, createHmac } from 'node:crypto';

/**
 * Huawei Cloud AK/SK request signing, "SDK-HMAC-SHA256" (public API signing guide): a pure
 * function shared by the cloud adapter (which signs) and the sandbox (which checks). Parity with
 * the official `@huaweicloud/huaweicloud-sdk-core` signer is proven in
 * test/contract/cloud-signer-parity.test.ts.
 *
 * Canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n hex(sha256(body)), with
 * - URI: each path segment percent-encoded (RFC 3986 unreserved kept), always ending in "/";
 * - QUERY: keys sorted, `key=value` percent-encoded, repeated keys sorted by value, joined by "&";
 * - HEADERS: `lower-name:value\n` sorted by lower-case name; SIGNED-HEADERS their names joined by ";".
 * String to sign = "SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256 of the canonical request>".
 */
export const ALGORITHM = 'SDK-HMAC-SHA256';
export const DATE_HEADER = 'X-Sdk-Date';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SignableRequest {
  method: string;
  /** The path as sent, without the query, e.g. `/v3/p1/vpc/security-group-rules`. */
  path: string;
  /** Decoded query parameters; a list means the key repeats. */
  query?: Record<string, string | string[]>;
  /** Headers to sign (name → value), including `host` and `X-Sdk-Date`. */
  headers: Record<string, string>;
  /** The exact body bytes sent; undefined or '' for none. */
  body?: string | Buffer;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex. */
export function uriEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    if (UNRESERVED.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const byCodePoint = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export function canonicalUri(path: string): string {
  const encoded = path.split('/').map(uriEncode).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

export function canonicalQuery(query: Record<string, string | string[]> = {}): string {
  return Object.keys(query)
    .sort(byCodePoint)
    .flatMap((key) => {
      const value = query[key] as string | string[];
      const values = Array.isArray(value) ? [...value].sort(byCodePoint) : [value];
      return values.map((v) => `${uriEncode(key)}=${uriEncode(v)}`);
    })
    .join('&');
}

export function signedHeaderNames(headers: Record<string, string>): string[] {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort(byCodePoint);
}

export function canonicalRequest(request: SignableRequest): string {
  const lower = new Map(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const names = signedHeaderNames(request.headers);
  const headerLines = names.map((n) => `${n}:${lower.get(n) ?? ''}\n`).join('');
  const body = request.body;
  const bodyHash = body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(body);
  return [request.method.toUpperCase(), canonicalUri(request.path), canonicalQuery(request.query), headerLines, names.join(';'), bodyHash].join('\n');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function stringToSign(request: SignableRequest, date: string): string {
  return [ALGORITHM, date, sha256Hex(canonicalRequest(request))].join('\n');
}

/** Hex HMAC-SHA256 signature of a request; `date` is the `X-Sdk-Date` value (`YYYYMMDDTHHmmssZ`). */
export function signature(request: SignableRequest, sk: string, date: string): string {
  return createHmac('sha256', sk).update(stringToSign(request, date)).digest('hex');
}

export function authorizationHeader(request: SignableRequest, ak: string, sk: string, date: string): string {
  return `${ALGORITHM} Access=${ak}, SignedHeaders=${signedHeaderNames(request.headers).join(';')}, Signature=${signature(request, sk, date)}`;
}

/** `YYYYMMDDTHHmmssZ` in UTC, the `X-Sdk-Date` format. */
export function sdkDate(date: Date): string {
  return `${date.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** Parses `X-Sdk-Date`; undefined when malformed. */
export function parseSdkDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface ParsedAuthorization {
  access: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses an `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` header (server side). */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(header.trim());
  if (!m) return undefined;
  return { access: m[1] as string, signedHeaders: (m[2] as string).split(';'), signature: m[3] as string };
}
