import type { Agent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { canonicalQuery } from '../../wire/cloud/signer.js';
import type { HttpTrace } from '../http-trace/index.js';
import type { CloudAuth } from './auth.js';
import { CLOUD_TIMEOUT_MS } from './tls.js';
import { httpError, malformed, transportError, type CallSite } from './errors.js';

export interface CloudCall<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Endpoint origin (plus an optional path prefix), e.g. `https://vpc.eu-west-0.myhuaweicloud.com`. */
  base: string;
  path: string;
  /** The path with ids as placeholders, for messages. */
  template: string;
  query?: Record<string, string>;
  body?: unknown;
  /** undefined: the reply body is not read (DELETE). */
  schema?: S;
  /** `none` for the IAM login itself. */
  auth: CloudAuth | 'none';
  /** The config fields to name when credentials are refused (default: the auth's own). */
  authField?: string;
}

export interface CloudReply<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

/** zod's first issue as `path: message`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'body';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/**
 * The one HTTP path of the cloud adapter: builds the URL with the RFC 3986 query the signature
 * covers, authenticates, sends with axios, validates the reply with zod and maps failures. A 401
 * with a cached IAM login token is retried once with a fresh token; nothing else is retried
 * (writes never are).
 */
export class CloudHttp {
  private readonly axios: AxiosInstance;

  constructor(
    private readonly cluster: string,
    agent: Agent,
    private readonly debug: (line: string) => void,
    trace?: HttpTrace,
  ) {
    // Raw text in, validated by zod: axios must neither parse nor throw on a status.
    this.axios = axios.create({ httpsAgent: agent, proxy: false, timeout: CLOUD_TIMEOUT_MS, responseType: 'text', transformResponse: [(d: unknown) => d], validateStatus: () => true, maxRedirects: 0 });
    trace?.install(this.axios, `cloud ${cluster}`);
  }

  async call<S extends z.ZodType>(call: CloudCall<S>, retried = false): Promise<CloudReply<z.output<S>>> {
    const site: CallSite = { cluster: this.cluster, endpoint: `${call.method} ${call.template}`, authField: call.authField ?? (call.auth === 'none' ? 'the IAM login' : call.auth.field) };
    const response = await this.send(call, site);
    const text = typeof response.data === 'string' ? response.data : '';
    if (response.status === 401 && !retried && call.auth !== 'none' && call.auth.invalidate()) return this.call(call, true);
    if (response.status < 200 || response.status >= 300) throw httpError(site, response.status, text, retried);
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    return { status: response.status, data: call.schema ? this.parse(call.schema, text, site) : (undefined as z.output<S>), headers };
  }

  private async send(call: CloudCall<z.ZodType>, site: CallSite): Promise<AxiosResponse<string>> {
    const url = new URL(call.base.replace(/\/+$/, '') + call.path);
    const query = canonicalQuery(call.query);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    // Signed: host, content-type (with a body) and, added by the signer, X-Sdk-Date.
    const signed: Record<string, string> = { host: url.host };
    if (body !== undefined) signed['Content-Type'] = 'application/json;charset=UTF-8';
    const auth = call.auth === 'none' ? {} : await call.auth.headers({ method: call.method, path: url.pathname, query: call.query, headers: signed, body });
    const target = `${url.origin}${url.pathname}${query ? `?${query}` : ''}`;
    this.debug(`cloud ${this.cluster}: ${call.method} ${url.origin}${call.template}`);
    try {
      return await this.axios.request<string>({ method: call.method, url: target, data: body, headers: { Accept: 'application/json', ...signed, ...auth } });
    } catch (error) {
      throw transportError(site, error, target);
    }
  }

  private parse<S extends z.ZodType>(schema: S, text: string, site: CallSite): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw malformed(site, `not JSON (${text.length} bytes${text ? `, starting "${text.slice(0, 40)}"` : ''})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw malformed(site, firstIssue(parsed.error));
    return parsed.data as z.output<S>;
  }
}
