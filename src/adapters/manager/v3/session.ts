import type { AxiosResponse } from 'axios';
import { RemoteError } from '../../../errors/index.js';
import { V3_MARKERS, V3_PATHS, v3ReplySchema } from '../../../wire/manager/v3.js';
import type { SessionInfo } from '../../../ports/manager-v3.js';

/**
 * Judges the reply to the documented first call `GET /web/api/v2/session/status` (Basic auth),
 * as the public `BasicAuthAccess.java` sample does, and a little stricter: a 200 must be a JSON
 * object (the v2 API answers JSON) or empty. Pure, so every documented and garbled shape is a
 * unit test (test/unit/manager-v3-session.test.ts).
 */
export function judgeSessionReply(cluster: string, user: string, reply: Pick<AxiosResponse<string>, 'status' | 'data' | 'headers'>): SessionInfo {
  const body = typeof reply.data === 'string' ? reply.data : String(reply.data ?? '');
  const refused = refusal(cluster, user, reply, body);
  if (refused) throw refused;
  return judgeBody(cluster, body, reply.status);
}

const ENDPOINT = `GET ${V3_PATHS.sessionStatus}`;

/** The status line and the documented markers: wrong credentials, password change, redirect, other status. */
function refusal(cluster: string, user: string, reply: Pick<AxiosResponse<string>, 'status' | 'headers'>, body: string): RemoteError | undefined {
  const field = `clusters.${cluster}.manager`;
  const endpoint = ENDPOINT;
  const details = { cluster, endpoint, status: reply.status };
  if (reply.status === 401 || reply.status === 403 || body.includes(V3_MARKERS.wrongCredentials)) {
    return new RemoteError('LOGIN_REFUSED', `${cluster}: the Manager refused user "${user}" (HTTP ${reply.status} on ${endpoint})`, {
      hint: `check ${field}.user and ${field}.password (MRS 3.x: HTTP Basic authentication; a repeated wrong password may lock the account)`,
      details,
    });
  }
  if (body.includes(V3_MARKERS.mustChangePassword)) {
    return new RemoteError('PASSWORD_MUST_CHANGE', `${cluster}: the Manager requires user "${user}" to change the password before using the API (${endpoint})`, {
      hint: `log in once in the Manager web UI, change the password, then update ${field}.password`,
      details,
    });
  }
  if (reply.status >= 300 && reply.status < 400) {
    return new RemoteError('MANAGER_BAD_REPLY', `${cluster}: ${endpoint} redirected (HTTP ${reply.status}) to ${String(reply.headers.location ?? 'nowhere')} instead of answering Basic authentication`, {
      hint: `is ${field}.url an MRS 3.x Manager (https://<floating ip>:28443)? for MRS 2.x remove clusters.${cluster}.mrsVersion or set it to the 2.x version`,
      details,
    });
  }
  if (reply.status !== 200) {
    return new RemoteError(reply.status >= 500 ? 'MANAGER_HTTP_5XX' : 'MANAGER_BAD_REPLY', `${cluster}: ${endpoint} answered HTTP ${reply.status}`, { hint: `check ${field}.url`, details });
  }
  return undefined;
}

/** A 200: empty, or a JSON object (resObj of any shape). */
function judgeBody(cluster: string, body: string, status: number): SessionInfo {
  const field = `clusters.${cluster}.manager`;
  const endpoint = ENDPOINT;
  const details = { cluster, endpoint, status };
  const text = body.trim();
  if (text === '') return { ok: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const what = text.startsWith('<') ? 'an HTML page' : /^[[{]/.test(text) ? `JSON that does not parse (${text.length} bytes, cut off or garbled)` : `text that is not JSON (${text.length} bytes)`;
    throw new RemoteError('MANAGER_BAD_REPLY', `${cluster}: ${endpoint} answered 200 with ${what}, not the v2 API's JSON reply`, {
      hint: `is ${field}.url the Manager itself (port 28443), not a proxy or portal? run with --trace-http FILE to see the reply`,
      details,
    });
  }
  const parsed = v3ReplySchema.safeParse(json);
  if (!parsed.success) {
    throw new RemoteError('MANAGER_BAD_REPLY', `${cluster}: ${endpoint} answered 200 with JSON that is not an object`, { hint: 'run with --trace-http FILE to see the reply', details });
  }
  return { ok: true };
}
