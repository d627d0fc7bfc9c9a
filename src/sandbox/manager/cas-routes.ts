import { CAS, PATHS } from '../../wire/manager/documented.js';
import { CAS_PORT, MANAGER_PORT } from '../layout.js';
import { cookie, html, ok, redirect, refuse, type Route, type SimReply, type SimRequest } from './http.js';
import type { SimCluster } from './state.js';

/**
 * CAS on port 20009 and the Manager's session endpoints, as MRS 2.x documents the login:
 * login page (casSessionId + hidden lt) → form POST (CASTGC, redirect to the service with a
 * ticket) → cas_security_check (JSESSIONID) → login_check.
 */
const managerOrigin = (sim: SimCluster) => `https://${sim.layout.managerIp}:${MANAGER_PORT}`;
const casOrigin = (sim: SimCluster) => `https://${sim.layout.managerIp}:${CAS_PORT}`;

/** Stock CAS 3.5+ (Spring Webflow) also keys the form with `execution`; derived from lt here. */
const executionOf = (lt: string) => `e1s1-${lt.slice(3)}`;

function loginPage(lt: string, error = '', execution?: string): string {
  return [
    '<!DOCTYPE html><html><head><title>FusionInsight Manager - Login</title></head><body>',
    error ? `<div id="msg" class="errors">${error}</div>` : '',
    '<form id="fm1" action="/cas/login" method="post">',
    '<input id="username" name="username" type="text" value=""/>',
    '<input id="password" name="password" type="password" value=""/>',
    `<input type="hidden" name="lt" value="${lt}" />`,
    execution ? `<input type="hidden" name="execution" value="${execution}" />` : '',
    '<input type="hidden" name="_eventId" value="submit" />',
    '<input name="submit" type="submit" value="Login" />',
    '</form></body></html>',
  ].join('\n');
}

function freshLoginPage(sim: SimCluster, error = '', status = 200): SimReply {
  const session = sim.newToken('CAS');
  const lt = sim.newToken('LT');
  sim.casSessions.set(session, lt);
  return html(loginPage(lt, error, sim.strict ? executionOf(lt) : undefined), status, { 'set-cookie': cookie(CAS.sessionCookie, session, '/cas') });
}

function serviceRedirect(sim: SimCluster, service: string, extra: Record<string, string | string[]> = {}): SimReply {
  const ticket = sim.newToken('ST');
  sim.tickets.set(ticket, service);
  return redirect(`${service}${service.includes('?') ? '&' : '?'}ticket=${ticket}`, extra);
}

function validService(sim: SimCluster, service: string | null): service is string {
  return service !== null && service.startsWith(`${managerOrigin(sim)}${PATHS.securityCheck}`);
}

function postLogin(sim: SimCluster, req: SimRequest): SimReply {
  const form = new URLSearchParams(req.body);
  const session = req.cookies.get(CAS.sessionCookie);
  const expected = session === undefined ? undefined : sim.casSessions.get(session);
  if (session !== undefined) sim.casSessions.delete(session);
  const stale = expected === undefined || form.get('lt') !== expected || (sim.strict && form.get('execution') !== executionOf(expected));
  if (stale) return freshLoginPage(sim, 'Your login ticket has expired. Please log in again.');
  if (form.get('username') !== sim.user || form.get('password') !== sim.password) {
    sim.counters.refusedLogins += 1;
    sim.onChange();
    return freshLoginPage(sim, CAS.wrongCredentials + '.');
  }
  if (sim.passwordMustChange) {
    return html(`<html><body><script>window.location.href="/cas/${CAS.mustChangePassword}";</script>The password has expired.</body></html>`);
  }
  const tgt = sim.newToken('TGT');
  sim.tgts.add(tgt);
  const service = req.query.get('service');
  const setTgt = { 'set-cookie': cookie(CAS.ticketCookie, tgt, '/cas') };
  if (!validService(sim, service)) return html('<html><body>Log In Successful</body></html>', 200, setTgt);
  return serviceRedirect(sim, service, setTgt);
}

function securityCheck(sim: SimCluster, req: SimRequest): SimReply {
  const ticket = req.query.get('ticket') ?? '';
  const service = sim.tickets.get(ticket);
  sim.tickets.delete(ticket);
  if (!service) return html('<html><body>Ticket validation failed</body></html>', 401);
  const session = sim.newToken('JS');
  sim.sessions.add(session);
  sim.counters.logins += 1;
  sim.onChange();
  const target = new URL(service).searchParams.get('target');
  return redirect(target?.startsWith('/web/') ? target : '/web/index.html', { 'set-cookie': cookie(CAS.securitySession, session, '/web') });
}

function loginCheck(sim: SimCluster, req: SimRequest): SimReply {
  const name = sim.kerberos ? CAS.securitySession : CAS.plainSession;
  const session = req.cookies.get(name);
  if (session && sim.sessions.has(session)) return ok({ user_name: sim.user });
  if (!sim.kerberos) {
    const fresh = sim.newToken('JS');
    sim.sessions.add(fresh);
    sim.counters.logins += 1;
    sim.onChange();
    return { ...ok({ user_name: sim.user }), headers: { 'set-cookie': cookie(CAS.plainSession, fresh, '/web') } };
  }
  const service = `${managerOrigin(sim)}${PATHS.securityCheck}?target=${encodeURIComponent(PATHS.loginCheck)}`;
  return redirect(`${casOrigin(sim)}${PATHS.casLogin}?service=${encodeURIComponent(service)}`);
}

function logout(sim: SimCluster, req: SimRequest): SimReply {
  for (const name of [CAS.securitySession, CAS.plainSession]) {
    const session = req.cookies.get(name);
    if (session && sim.sessions.delete(session)) {
      sim.counters.logouts += 1;
      sim.onChange();
    }
  }
  return ok();
}

export const casRoutes: Route[] = [
  {
    name: 'cas-login-page', method: 'GET', port: 'cas', pattern: /^\/cas\/login$/, auth: false,
    handle(sim, req) {
      const tgt = req.cookies.get(CAS.ticketCookie);
      const service = req.query.get('service');
      if (tgt && sim.tgts.has(tgt) && validService(sim, service)) return serviceRedirect(sim, service);
      return freshLoginPage(sim);
    },
  },
  { name: 'cas-login', method: 'POST', port: 'cas', pattern: /^\/cas\/login$/, auth: false, handle: postLogin },
  {
    name: 'cas-logout', method: 'POST', port: 'cas', pattern: /^\/cas\/logout$/, auth: false,
    handle(sim, req) {
      const tgt = req.cookies.get(CAS.ticketCookie);
      if (tgt) sim.tgts.delete(tgt);
      return html('<html><body>Logout successful</body></html>', 200, { 'set-cookie': cookie(CAS.ticketCookie, '', '/cas', true) });
    },
  },
  { name: 'security-check', method: 'GET', port: 'manager', pattern: /^\/web\/cas_security_check\.htm$/, auth: false, handle: securityCheck },
  { name: 'login-check', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/access\/login_check$/, auth: false, handle: loginCheck },
  { name: 'logout', method: 'GET', port: 'manager', pattern: /^\/web\/v1\/logout_action$/, auth: false, handle: logout },
];

/** What an API call without a session gets: the CAS login redirect (security) or 401 (plain). */
export function notLoggedIn(sim: SimCluster): SimReply {
  if (!sim.kerberos) return refuse(401, '12-4000401', 'not logged in');
  const service = `${managerOrigin(sim)}${PATHS.securityCheck}`;
  return redirect(`${casOrigin(sim)}${PATHS.casLogin}?service=${encodeURIComponent(service)}`);
}
