/**
 * What `--trace-http` never writes: every value that authenticates. Pure text functions, so the
 * rules are tested without a server (test/unit/http-trace-redact.test.ts).
 */
export const REDACTED = '<redacted>';

/** JSON keys and form fields whose value is a secret (case-insensitive, whole key). */
const SECRET_KEY = /^(password|passwd|user_password|new_password|old_password|lt|execution|ticket|token|access_token|refresh_token|secret|sk|secret_key|access_key|ak|signature|credential|castgc|jsessionid|fisessionid|cassessionid)$/i;
/** Headers whose whole value is a secret. */
const SECRET_HEADER = /^(x-auth-token|x-subject-token|x-security-token|proxy-authorization)$/i;
/** CAS tickets wherever they appear (URLs, Location headers, HTML bodies): ST-, TGT-, LT-, PGT-. */
const CAS_TICKET = /\b(?:ST|TGT|LT|PGT|PT)-[A-Za-z0-9._:-]+/g;

/** Query parameters with secret names → `<redacted>`; CAS tickets anywhere in the URL too. */
export function redactUrl(url: string): string {
  let out = url;
  try {
    const parsed = new URL(url);
    let changed = false;
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_KEY.test(key)) {
        parsed.searchParams.set(key, REDACTED);
        changed = true;
      }
    }
    // Keep the URL as sent when nothing was redacted (URL re-serialisation re-encodes).
    if (changed) out = parsed.toString().replace(/%3Credacted%3E/gi, REDACTED);
  } catch {
    out = url.replace(/([?&](?:ticket|token|lt|execution|password)=)[^&#\s]*/gi, `$1${REDACTED}`);
  }
  return out.replace(CAS_TICKET, REDACTED);
}

/** `a=1; b=2` (Cookie) → names kept, values gone. */
function redactCookieHeader(value: string): string {
  return value
    .split(';')
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? part : `${part.slice(0, at)}=${REDACTED}`;
    })
    .join(';');
}

/** `NAME=value; Path=/web; Secure` (Set-Cookie) → the value gone, attributes kept. */
function redactSetCookie(value: string): string {
  const [first = '', ...attributes] = value.split(';');
  const at = first.indexOf('=');
  return [at < 0 ? first : `${first.slice(0, at)}=${REDACTED}`, ...attributes].join(';');
}

/** `SDK-HMAC-SHA256 Access=AK, SignedHeaders=…, Signature=…` keeps the scheme and signed headers. */
function redactAuthorization(value: string): string {
  const scheme = /^\S+/.exec(value)?.[0] ?? '';
  if (/^SDK-HMAC-/i.test(scheme)) return value.replace(/(Access|Signature)=[^,\s]*/gi, `$1=${REDACTED}`);
  return `${scheme} ${REDACTED}`;
}

export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'cookie') return redactCookieHeader(value);
  if (lower === 'set-cookie') return redactSetCookie(value);
  if (lower === 'authorization') return redactAuthorization(value);
  if (SECRET_HEADER.test(lower)) return REDACTED;
  if (lower === 'location' || lower === 'content-location' || lower === 'referer') return redactUrl(value);
  return value.replace(CAS_TICKET, REDACTED);
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map((v) => redactHeader(name, String(v))) : redactHeader(name, String(value));
  }
  return out;
}

/** Deep copy with secret keys' scalar values replaced (objects under such keys are walked). */
function redactJson(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => redactJson(v, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, k)]));
  if (SECRET_KEY.test(key) && value !== null && value !== '') return REDACTED;
  return typeof value === 'string' ? value.replace(CAS_TICKET, REDACTED) : value;
}

/** Hidden inputs named lt/execution (and any password input value) in an HTML form. */
function redactHtml(text: string): string {
  const inputs = text.replace(/<input\b[^>]*>/gi, (tag) => {
    const name = /\bname\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1] ?? '';
    const type = /\btype\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1] ?? '';
    if (!SECRET_KEY.test(name) && type.toLowerCase() !== 'password') return tag;
    return tag.replace(/(\bvalue\s*=\s*)(["'])[^"']*\2/i, `$1$2${REDACTED}$2`);
  });
  // JSON-like text that did not parse (cut off, garbled): `"password": "…"` pairs still go.
  const pairs = inputs.replace(/"([A-Za-z_]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (whole, key: string, colon: string) => (SECRET_KEY.test(key) ? `"${key}"${colon}"${REDACTED}"` : whole));
  return pairs.replace(CAS_TICKET, REDACTED);
}

function redactForm(text: string): string {
  const params = new URLSearchParams(text);
  const parts: string[] = [];
  for (const [k, v] of params) parts.push(`${encodeURIComponent(k)}=${SECRET_KEY.test(k) ? REDACTED : encodeURIComponent(v)}`);
  return parts.join('&');
}

/** A request or reply body as text, redacted by its shape (JSON, form, HTML/other). */
export function redactBody(text: string, contentType = ''): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactJson(JSON.parse(trimmed)));
    } catch {
      // Not JSON after all (cut off, garbled): fall through to the text rules.
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType) || /^[\w.%-]+=[^<>\s]*(&[\w.%-]+=[^<>\s]*)*$/.test(trimmed)) return redactForm(trimmed);
  return redactHtml(text);
}
