import type { AxiosResponse } from 'axios';
import type { CookieJar } from 'tough-cookie';
import { resolveSecret } from '../../config/secrets.js';
import { RemoteError } from '../../errors/index.js';
import { CAS, envelopeSchema, PATHS } from '../../wire/manager/documented.js';
import type { ManagerHttp } from './http.js';

/**
 * Every hidden input of the CAS login form (`lt`, `execution`, `_eventId`, …), whichever
 * attribute order the page uses. The documented demo posts `lt` only; stock CAS 3.5+ (Spring
 * Webflow) also needs `execution`, so the form is posted back whole — a superset of the demo.
 */
export function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
    const attrs = attributes(tag);
    if (attrs.type?.toLowerCase() !== 'hidden' || attrs.name === undefined || attrs.name in fields) continue;
    fields[attrs.name] = attrs.value ?? '';
  }
  return fields;
}

/** `name`, `type` and `value` of one tag, quoted with " or ' or not at all. */
function attributes(tag: string): { name?: string; type?: string; value?: string } {
  const found: Record<string, string> = {};
  for (const m of tag.matchAll(/\b(name|type|value)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
    const key = (m[1] as string).toLowerCase();
    found[key] ??= m[2] ?? m[3] ?? m[4] ?? '';
  }
  return found;
}

/** The hidden `lt` login ticket of the CAS form. */
export function hiddenLt(html: string): string | undefined {
  return hiddenInputs(html).lt || undefined;
}

/** Redirects after the password POST, as follow-redirects allowed (axios maxRedirects: 8). */
const MAX_HOPS = 8;

/**
 * The password POST never follows a redirect to another scheme or host: only https on the CAS
 * or Manager host (the ticket hop to cas_security_check, then the Manager's own pages). Anything
 * else stops the login. Followed by hand, one GET per hop: the keep-alive connection serves the
 * next hop (follow-redirects closes it at every redirect, a new TLS handshake each time).
 */
async function followTicketHop(http: ManagerHttp, reply: AxiosResponse<string>, loginUrl: string): Promise<AxiosResponse<string>> {
  const allowed = new Set([new URL(loginUrl).hostname, new URL(http.cluster.manager.url).hostname]);
  let current = reply;
  let from = loginUrl;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const location = current.headers.location as string | undefined;
    if (current.status < 300 || current.status >= 400 || !location) return current;
    const target = new URL(location, from);
    if (target.protocol !== 'https:' || !allowed.has(target.hostname)) {
      throw new RemoteError('CAS_UNEXPECTED', `${http.cluster.name}: after the password, CAS redirected to ${target.protocol}//${target.host}, not the Manager or CAS host over https; not followed`, {
        hint: `clusters.${http.cluster.name}.manager.url must be the Manager floating IP URL that CAS knows (not an EIP, DNS alias or proxy path)`,
      });
    }
    from = target.toString();
    current = await http.send('GET', from, `GET ${hop === 0 ? PATHS.securityCheck : target.pathname}`, false, undefined, false, undefined, 0);
  }
  throw new RemoteError('CAS_UNEXPECTED', `${http.cluster.name}: the login redirected more than ${MAX_HOPS} times after the password; not followed further`, {
    hint: `check clusters.${http.cluster.name}.manager.url and .cas; run with --trace-http FILE to see the redirects`,
  });
}

async function hasCookie(jar: CookieJar, url: string, name: string): Promise<boolean> {
  return (await jar.getCookies(url)).some((c) => c.key === name);
}

/**
 * The CAS login of MRS 2.x security clusters (documented): login page → form POST → CASTGC →
 * login_check → JSESSIONID, all through one cookie jar spanning ports 20009 and 28443.
 * Non-security clusters have no CAS: when its port refuses connections, a plain session is tried.
 */
export async function casLogin(http: ManagerHttp, jar: CookieJar, env: NodeJS.ProcessEnv): Promise<void> {
  const c = http.cluster;
  const field = `clusters.${c.name}.manager`;
  const manager = c.manager.url;
  const cas = c.manager.cas as string;
  const loginUrl = `${cas}${PATHS.casLogin}`;
  const page = await casPage(http, jar, loginUrl);
  if (page === undefined) return;
  const hidden = hiddenInputs(page);
  if (!hidden.lt && !hidden.execution) {
    throw new RemoteError('CAS_UNEXPECTED', `${c.name}: ${cas}${PATHS.casLogin} is not the MRS 2.x CAS login page (no hidden "lt" or "execution" field)`, {
      hint: `check ${field}.cas (default: the Manager host, port 20009); for an MRS 3.x Manager set clusters.${c.name}.mrsVersion (e.g. "3.1.0"): 3.x uses HTTP Basic, not CAS`,
    });
  }
  const password = await resolveSecret(c.manager.password, `${field}.password`, env);
  const service = `${manager}${PATHS.securityCheck}`;
  const form = { _eventId: 'submit', ...hidden, username: c.manager.user, password: password.reveal(), submit: 'Login' };
  // Never retried: a repeated wrong password may lock the account. Redirects are followed by hand.
  const posted = await http.send('POST', `${loginUrl}?service=${encodeURIComponent(service)}`, `POST ${PATHS.casLogin}`, false, form, true, undefined, 0);
  const reply = await followTicketHop(http, posted, loginUrl);
  const body = String(reply.data ?? '');
  if (body.includes(CAS.wrongCredentials)) {
    throw new RemoteError('LOGIN_REFUSED', `${c.name}: the Manager refused the login of user "${c.manager.user}" (wrong user name or password)`, {
      hint: `check ${field}.password (${c.manager.password.env ? `env ${c.manager.password.env}` : `file ${c.manager.password.file}`}) and ${field}.user`,
    });
  }
  if (body.includes(CAS.mustChangePassword)) {
    throw new RemoteError('PASSWORD_MUST_CHANGE', `${c.name}: the Manager requires user "${c.manager.user}" to change the password before logging in`, {
      hint: `log in once in the Manager web UI, change the password, then update ${field}.password`,
    });
  }
  if (!(await hasCookie(jar, loginUrl, CAS.ticketCookie))) {
    throw new RemoteError('LOGIN_FAILED', `${c.name}: CAS login gave no ${CAS.ticketCookie} cookie (HTTP ${reply.status})`, { hint: `check ${field}.cas and ${field}.user` });
  }
  await http.call({ method: 'GET', url: `${manager}${PATHS.loginCheck}`, endpoint: `GET ${PATHS.loginCheck}`, schema: envelopeSchema, read: true, redirects: true });
  if (!(await hasCookie(jar, manager + '/web/', CAS.securitySession))) {
    throw new RemoteError('LOGIN_FAILED', `${c.name}: login_check gave no ${CAS.securitySession} session cookie`, { hint: `check ${field}.url` });
  }
}

/** The CAS login page; undefined when CAS is down but a plain (non-security) session worked. */
async function casPage(http: ManagerHttp, jar: CookieJar, loginUrl: string): Promise<string | undefined> {
  try {
    return (await http.send('GET', loginUrl, `GET ${PATHS.casLogin}`, true)).data;
  } catch (error) {
    if (error instanceof RemoteError && error.code === 'MANAGER_UNREACHABLE' && (await plainSession(http, jar))) return undefined;
    throw error;
  }
}

/** Non-security clusters: `login_check` alone gives an `FISessionId`. */
async function plainSession(http: ManagerHttp, jar: CookieJar): Promise<boolean> {
  const manager = http.cluster.manager.url;
  try {
    await http.call({ method: 'GET', url: `${manager}${PATHS.loginCheck}`, endpoint: `GET ${PATHS.loginCheck}`, schema: envelopeSchema, read: false, redirects: true });
  } catch {
    return false;
  }
  return hasCookie(jar, manager + '/web/', CAS.plainSession);
}

/**
 * Best effort, never throws: the Manager session and the CAS ticket, both at once (two different
 * servers, neither logout needs the other; the run's end waits for the slower one only).
 */
export async function casLogout(http: ManagerHttp, debug: (line: string) => void): Promise<void> {
  const { url, cas } = http.cluster.manager;
  const calls = [
    ['GET', `${url}${PATHS.logout}?is_timeout_logout=false`, `GET ${PATHS.logout}`],
    ['POST', `${cas}${PATHS.casLogout}`, `POST ${PATHS.casLogout}`],
  ] as const;
  await Promise.all(
    calls.map(async ([method, target, endpoint]) => {
      try {
        // Short: a logout after a failure must not add a full timeout to the error.
        await http.send(method, target, endpoint, false, undefined, false, Math.min(http.settings.timeoutMs, 5000));
      } catch (error) {
        debug(`${http.cluster.name}: logout ${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
}
