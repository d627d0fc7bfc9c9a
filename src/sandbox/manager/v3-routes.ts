import { V3_MARKERS, V3_PATHS } from '../../wire/manager/v3.js';
import { html, type Route, type SimReply, type SimRequest } from './http.js';
import type { SimCluster } from './state.js';

/**
 * An MRS 3.x Manager (FusionInsight Manager 8.x) answers only what public pages document: the
 * Basic-auth session check. Every other path is 404 (server.ts), so a tool that guesses a 3.x
 * call gets nothing here. No page documents the reply body beyond `resObj`, so the sandbox sends
 * `{"resObj": {}}` and the adapter reads nothing from it.
 */
function credentials(req: SimRequest): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.authorization ?? '');
  if (!match) return undefined;
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** 401 with a Basic challenge and no body: as strict as the real one (no hint what was wrong). */
function unauthorized(sim: SimCluster): SimReply {
  sim.counters.refusedLogins += 1;
  return { status: 401, headers: { 'www-authenticate': 'Basic realm="FusionInsight Manager"', 'content-type': 'text/html;charset=UTF-8' }, body: '' };
}

export const v3Routes: Route[] = [
  {
    name: 'session-status', method: 'GET', port: 'manager', pattern: new RegExp(`^${V3_PATHS.sessionStatus.replace(/\//g, '\\/')}$`), auth: false, v3: true,
    handle(sim, req) {
      const given = credentials(req);
      if (!given || given.user !== sim.user || given.password !== sim.password) return unauthorized(sim);
      if (sim.passwordMustChange) return html(`<script>window.location.href="/web/${V3_MARKERS.mustChangePassword}";</script>`);
      sim.counters.logins += 1;
      return { status: 200, body: { resObj: {} } };
    },
  },
];
