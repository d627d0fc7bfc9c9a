import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointName } from '../faults.js';
import type { SimCluster } from './state.js';

/** A parsed request, as route handlers see it. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  cookies: Map<string, string>;
  body: string;
  /** Which listener: the Manager (28443) or CAS (20009). */
  port: 'manager' | 'cas';
  params: string[];
  /** The Authorization header (MRS 3.x Basic authentication). */
  authorization?: string;
}

export interface SimReply {
  status: number;
  headers?: Record<string, string | string[]>;
  /** A Buffer is sent as is (the client configuration tarball). */
  body: string | object | Buffer;
}

export interface Route {
  name: EndpointName;
  method: 'GET' | 'POST';
  port: 'manager' | 'cas';
  pattern: RegExp;
  /** Needs a Manager session (JSESSIONID / FISessionId). */
  auth: boolean;
  /** Served only by MRS 3.x Managers (and then nothing else is). */
  v3?: true;
  handle(sim: SimCluster, req: SimRequest): SimReply | Promise<SimReply>;
}

/** The documented envelope, success side. */
export function ok(resObj?: unknown, extra: { id?: string | number | null; state?: string; total_progress?: number } = {}): SimReply {
  return {
    status: 200,
    body: { id: extra.id ?? null, state: extra.state ?? 'COMPLETE', error_code: null, error_description: null, total_progress: extra.total_progress ?? 100, ...(resObj === undefined ? {} : { res_obj: resObj }) },
  };
}

/** The documented envelope, failure side. */
export function refuse(status: number, code: string, description: string): SimReply {
  return { status, body: { id: null, state: 'FAILED', error_code: code, error_description: description, total_progress: 0 } };
}

export function html(body: string, status = 200, headers: Record<string, string | string[]> = {}): SimReply {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8', ...headers }, body };
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}): SimReply {
  return { status: 302, headers: { location, ...headers }, body: '' };
}

export function cookie(name: string, value: string, path: string, expire = false): string {
  return `${name}=${value}; Path=${path}; Secure; HttpOnly${expire ? '; Max-Age=0' : ''}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return map;
}

export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, reply: SimReply): void {
  const raw = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
  const text = raw ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
  const headers: Record<string, string | string[]> = { ...(raw ? {} : { 'content-type': 'application/json;charset=UTF-8' }), ...reply.headers };
  res.writeHead(reply.status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
