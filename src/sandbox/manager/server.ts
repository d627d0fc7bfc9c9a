import { setTimeout as sleep } from 'node:timers/promises';
import { CAS } from '../../wire/manager/documented.js';
import type { ServerCert } from '../cert.js';
import { HttpsListener } from '../https-listener.js';
import { profileServes, type Fault, type FaultPlan } from '../faults.js';
import { CAS_PORT, MANAGER_PORT } from '../layout.js';
import { assumedRoutes } from './assumed-routes.js';
import { clientDownloadRoutes } from './client-download-route.js';
import { casRoutes, notLoggedIn } from './cas-routes.js';
import { html, parseCookies, readBody, refuse, send, type Route, type SimReply, type SimRequest } from './http.js';
import { documentedRoutes } from './routes.js';
import { v3Routes } from './v3-routes.js';
import type { SimCluster } from './state.js';

const ROUTES: Route[] = [...casRoutes, ...documentedRoutes, ...assumedRoutes, ...clientDownloadRoutes, ...v3Routes];

function findRoute(method: string, path: string, port: SimRequest['port']): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.port !== port || route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}

function hasSession(sim: SimCluster, req: SimRequest): boolean {
  const id = req.cookies.get(sim.kerberos ? CAS.securitySession : CAS.plainSession);
  return id !== undefined && sim.sessions.has(id);
}

function requestOf(req: import('node:http').IncomingMessage, parts: { method: string; url: URL; body: string; port: SimRequest['port']; params: string[] }): SimRequest {
  const { method, url, body, port, params } = parts;
  return { method, path: url.pathname, query: url.searchParams, cookies: parseCookies(req.headers.cookie), body, port, params, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
}

/** Applies `malformed` to a finished reply. */
function malform(reply: SimReply, kind: NonNullable<Fault['malformed']>): SimReply {
  if (kind === 'html') return html('<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Gateway error</h1></body></html>');
  if (kind === 'garbled') {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return { status: reply.status, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
  }
  if (typeof reply.body === 'string') return reply;
  const { res_obj: _dropped, ...rest } = reply.body as Record<string, unknown>;
  return { ...reply, body: rest };
}

/** A Manager (or CAS) listener of one simulated cluster. */
export class SimServer {
  readonly #listener: HttpsListener;

  constructor(
    readonly sim: SimCluster,
    readonly port: SimRequest['port'],
    cert: ServerCert,
    readonly faults: FaultPlan,
  ) {
    this.#listener = new HttpsListener(cert, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, refuse(500, '12-4000500', `sandbox error: ${(error as Error).message}`));
        else res.destroy();
      });
    });
  }

  listen(): Promise<void> {
    return this.#listener.listen(this.sim.layout.managerIp, this.port === 'manager' ? MANAGER_PORT : CAS_PORT);
  }

  /** Closes the listener and every open (including hung) connection. */
  close(): Promise<void> {
    return this.#listener.close();
  }

  /** Latency, then reset / hang / status faults; true when the request got no normal answer. */
  private async preempt(faults: Fault[], req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<boolean> {
    for (const f of faults) if (f.latencyMs) await sleep(f.latencyMs);
    if (faults.some((f) => f.reset)) {
      // resetAndDestroy() is TCP-only; destroying the TLS socket drops the connection unanswered.
      req.socket.destroy();
      return true;
    }
    if (faults.some((f) => f.hang)) return true; // never answered; close() destroys the socket
    const status = faults.find((f) => f.status)?.status;
    if (status) send(res, refuse(status, `12-4000${status}`, `injected HTTP ${status}`));
    return status !== undefined;
  }

  /** A 3.x Manager serves only the 3.x routes, a 2.x one never serves them; then the profile decides. */
  private serves(route: Route): boolean {
    return Boolean(route.v3) === this.sim.mrs3 && profileServes(this.sim.profile, route.name);
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    // A skewed Manager clock (faults: clockSkewSeconds) shows in every reply's Date header.
    const skew = this.sim.overrides.clockSkewSeconds;
    if (skew) res.setHeader('date', new Date(Date.now() + skew * 1000).toUTCString());
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    const found = findRoute(method, url.pathname, this.port);
    const body = await readBody(req);
    if (!found) {
      send(res, refuse(404, '12-4000404', `no such endpoint: ${method} ${url.pathname}`));
      return;
    }
    const { route, params } = found;
    if (!this.serves(route)) {
      // A guessed endpoint on a documented-only Manager: as if it did not exist.
      send(res, refuse(404, '12-4000404', `no such endpoint: ${method} ${url.pathname}`));
      return;
    }
    const faults = this.faults.match(this.sim.name, route.name);
    if (await this.preempt(faults, req, res)) return;
    if (faults.some((f) => f.expireSession)) this.sim.sessions.clear();
    const request = requestOf(req, { method, url, body, port: this.port, params });
    let reply = route.auth && !hasSession(this.sim, request) ? notLoggedIn(this.sim) : await route.handle(this.sim, request);
    const malformed = faults.find((f) => f.malformed)?.malformed;
    if (malformed) reply = malform(reply, malformed);
    const contentType = this.sim.overrides.jsonContentType;
    if (contentType && typeof reply.body === 'object' && !Buffer.isBuffer(reply.body)) reply = { ...reply, headers: { 'content-type': contentType, ...reply.headers } };
    send(res, reply);
  }
}
