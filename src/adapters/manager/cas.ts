import type { CookieJar } from 'tough-cookie';
import { resolveSecret } from '../../config/secrets.js';
import { CheckError, RemoteError } from '../../errors/index.js';
import { majorOf } from '../../domain/version.js';
import { CAS, envelopeSchema, PATHS } from '../../wire/manager/documented.js';
import type { ManagerHttp } from './http.js';

/** The hidden `lt` login ticket of the CAS form, whichever attribute order the page uses. */
export function hiddenLt(html: string): string | undefined {
  for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
    if (!/\bname\s*=\s*["']lt["']/i.test(tag)) continue;
    const value = /\bvalue\s*=\s*["']([^"']*)["']/i.exec(tag);
    if (value?.[1]) return value[1];
  }
  return undefined;
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
  const configured = c.mrsVersion ? majorOf(c.mrsVersion) : undefined;
  if (configured !== undefined && configured >= 3) {
    throw new CheckError('MRS_VERSION_UNSUPPORTED', `${c.name}: MRS ${c.mrsVersion} (3.x) is not supported yet; trust on 3.x is set under System > Permission > Domain and Mutual Trust`, {
      hint: `${field.replace('.manager', '')}.mrsVersion says ${c.mrsVersion}; 3.x support is a later release`,
    });
  }
  const manager = c.manager.url;
  const cas = c.manager.cas as string;
  const loginUrl = `${cas}${PATHS.casLogin}`;
  let page: string;
  try {
    page = (await http.send('GET', loginUrl, `GET ${PATHS.casLogin}`, true)).data;
  } catch (error) {
    if (error instanceof RemoteError && error.code === 'MANAGER_UNREACHABLE' && (await plainSession(http, jar))) return;
    throw error;
  }
  const lt = hiddenLt(page);
  if (!lt) {
    throw new RemoteError('CAS_UNEXPECTED', `${c.name}: ${cas}${PATHS.casLogin} is not the MRS 2.x CAS login page (no hidden "lt" field)`, {
      hint: `check ${field}.cas (default: the Manager host, port 20009); MRS 3.x Managers are not supported yet`,
    });
  }
  const password = await resolveSecret(c.manager.password, `${field}.password`, env);
  const service = `${manager}${PATHS.securityCheck}`;
  const form = { username: c.manager.user, password: password.reveal(), lt, _eventId: 'submit', submit: 'Login' };
  // Never retried: a repeated wrong password may lock the account.
  const reply = await http.send('POST', `${loginUrl}?service=${encodeURIComponent(service)}`, `POST ${PATHS.casLogin}`, false, form, true);
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
  await http.call({ method: 'GET', url: `${manager}${PATHS.loginCheck}`, endpoint: `GET ${PATHS.loginCheck}`, schema: envelopeSchema, read: true });
  if (!(await hasCookie(jar, manager + '/web/', CAS.securitySession))) {
    throw new RemoteError('LOGIN_FAILED', `${c.name}: login_check gave no ${CAS.securitySession} session cookie`, { hint: `check ${field}.url` });
  }
}

/** Non-security clusters: `login_check` alone gives an `FISessionId`. */
async function plainSession(http: ManagerHttp, jar: CookieJar): Promise<boolean> {
  const manager = http.cluster.manager.url;
  try {
    await http.call({ method: 'GET', url: `${manager}${PATHS.loginCheck}`, endpoint: `GET ${PATHS.loginCheck}`, schema: envelopeSchema, read: false });
  } catch {
    return false;
  }
  return hasCookie(jar, manager + '/web/', CAS.plainSession);
}

/** Best effort, never throws: the Manager session, then the CAS ticket. */
export async function casLogout(http: ManagerHttp, debug: (line: string) => void): Promise<void> {
  const { url, cas } = http.cluster.manager;
  for (const [method, target, endpoint] of [
    ['GET', `${url}${PATHS.logout}?is_timeout_logout=false`, `GET ${PATHS.logout}`],
    ['POST', `${cas}${PATHS.casLogout}`, `POST ${PATHS.casLogout}`],
  ] as const) {
    try {
      // Short: a logout after a failure must not add two full timeouts to the error.
      await http.send(method, target, endpoint, false, undefined, false, Math.min(http.settings.timeoutMs, 5000));
    } catch (error) {
      debug(`${http.cluster.name}: logout ${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
