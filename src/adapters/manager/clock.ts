import type { ClockSample } from '../../domain/precheck/outcomes.js';
import type { ManagerHttp } from './http.js';

/**
 * The Manager's clock from the `Date` header of one plain GET of its web root (any status: a
 * 302 to the login page carries the header too; RFC 9110 §6.6.1 makes it mandatory for origin
 * servers with a clock). Same TLS settings (pin, CA) as every Manager call; no session needed.
 */
export async function readServerTime(http: ManagerHttp, url: string): Promise<Omit<ClockSample, 'cluster'>> {
  const sentAtMs = Date.now();
  try {
    const reply = await http.client.request({ method: 'GET', url, maxRedirects: 0, validateStatus: () => true });
    const receivedAtMs = Date.now();
    const date = reply.headers.date;
    return typeof date === 'string' ? { date, sentAtMs, receivedAtMs } : { sentAtMs, receivedAtMs, error: 'the reply has no Date header' };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { sentAtMs, receivedAtMs: Date.now(), error: e.code ?? e.message ?? String(error) };
  }
}
