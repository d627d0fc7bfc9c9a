import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { UsageError } from '../../errors/index.js';
import { redactBody, redactHeaders, redactUrl } from './redact.js';

/** Bodies are cut here (after redaction), so a trace of a big reply stays readable. */
export const BODY_LIMIT = 64 * 1024;

/**
 * `--trace-http FILE`: every Manager and cloud request and reply, one JSON object per line, with
 * every secret replaced by `<redacted>` (./redact.ts). One real run against a customer's cluster
 * confirms or corrects each assumed shape (docs/assumptions.md). An adapter installs it on its
 * axios instance with one line: `trace?.install(client, 'manager alpha')`.
 */
export interface HttpTrace {
  readonly path: string;
  install(client: AxiosInstance, source: string): void;
  close(): void;
}

/** One redirect inside a request: the leg that was answered 3xx, the answer, and the next leg. */
interface Hop {
  sent: string;
  status: number;
  headers: Record<string, string | string[]>;
  next: string;
}

interface Pending {
  started: number;
  hops: Hop[];
}

type Headers = Record<string, unknown>;

function bodyText(data: unknown): string | undefined {
  if (data === undefined || data === null || data === '') return undefined;
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return '<stream: not recorded>';
  return JSON.stringify(data);
}

function cut(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length <= BODY_LIMIT ? text : `${text.slice(0, BODY_LIMIT)}… <${text.length - BODY_LIMIT} more characters cut>`;
}

function plain(headers: unknown): Headers {
  const h = headers as { toJSON?: () => Headers } | undefined;
  return (typeof h?.toJSON === 'function' ? h.toJSON() : (h ?? {})) as Headers;
}

/** The headers of a native request as they went on the wire (the cookie agent adds `Cookie` below axios). */
function nativeHeaders(request: unknown): Headers {
  const getHeaders = (request as { getHeaders?: () => Headers } | undefined)?.getHeaders;
  return typeof getHeaders === 'function' ? getHeaders.call(request) : {};
}

function sentHeaders(config: InternalAxiosRequestConfig, request: unknown): Headers {
  return { ...plain(config.headers), ...nativeHeaders(request) };
}

/** Opens FILE (created or truncated, mode 0600 even when it existed) for this run's trace. */
export function createHttpTrace(path: string, clock: () => number = Date.now): HttpTrace {
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o600);
    fchmodSync(fd, 0o600);
  } catch (error) {
    throw new UsageError('TRACE_FILE', `--trace-http ${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { hint: 'pass a writable file path to --trace-http', cause: error });
  }
  let seq = 0;
  const pending = new WeakMap<object, Pending>();
  const write = (entry: Record<string, unknown>) => {
    if (fd >= 0) writeSync(fd, `${JSON.stringify(entry)}\n`);
  };

  const record = (source: string, config: InternalAxiosRequestConfig, response: AxiosResponse | undefined, error?: AxiosError) => {
    const p = pending.get(config) ?? { started: clock(), hops: [] };
    const last = response?.request ?? error?.request;
    // After redirects the native request is the last leg's: its headers go with the last leg.
    const request = requestPart(config, p.hops.length === 0 ? last : undefined);
    write({
      seq: ++seq,
      at: new Date(p.started).toISOString(),
      source,
      call: `${request.method} ${safePath(axiosUrl(config))}`,
      request,
      ...(p.hops.length > 0 ? { redirects: p.hops, lastLeg: { url: p.hops[p.hops.length - 1]?.next, headers: redactHeaders(nativeHeaders(last)) } } : {}),
      ...(response ? { reply: replyPart(config, response) } : {}),
      ...(error && !response ? { error: { code: error.code ?? 'ERROR', message: redactUrl(error.message) } } : {}),
      ms: clock() - p.started,
    });
  };

  return {
    path,
    install(client, source) {
      client.interceptors.request.use((config) => {
        const p: Pending = { started: clock(), hops: [] };
        pending.set(config, p);
        // Redirect hops (CAS form POST → ticket → session) happen inside one axios request.
        const previous = config.beforeRedirect;
        config.beforeRedirect = (options, responseDetails, requestDetails) => {
          const next = String((options as { href?: string }).href ?? '');
          p.hops.push({
            sent: `${String(requestDetails.method ?? '').toUpperCase()} ${redactUrl(String(requestDetails.url ?? ''))}`,
            status: responseDetails.statusCode ?? 0,
            headers: redactHeaders(responseDetails.headers as Headers),
            next: `${String((options as { method?: string }).method ?? 'GET').toUpperCase()} ${redactUrl(next)}`,
          });
          previous?.(options, responseDetails, requestDetails);
        };
        return config;
      });
      client.interceptors.response.use(
        (response) => {
          record(source, response.config, response);
          return response;
        },
        (error: AxiosError) => {
          if (error.config) record(source, error.config, error.response, error);
          return Promise.reject(error);
        },
      );
    },
    close() {
      if (fd < 0) return;
      closeSync(fd);
      fd = -1;
    },
  };
}

function requestPart(config: InternalAxiosRequestConfig, sent: unknown) {
  const headers = plain(config.headers);
  const body = bodyText(config.data);
  return {
    method: String(config.method ?? 'get').toUpperCase(),
    url: redactUrl(axiosUrl(config)),
    headers: redactHeaders(sentHeaders(config, sent)),
    ...(body === undefined ? {} : { body: cut(redactBody(body, String(headers['Content-Type'] ?? headers['content-type'] ?? ''))) }),
  };
}

function replyPart(config: InternalAxiosRequestConfig, response: AxiosResponse) {
  const headers = plain(response.headers);
  const body = config.responseType === 'stream' ? '<stream: not recorded>' : bodyText(response.data);
  return {
    status: response.status,
    headers: redactHeaders(headers),
    ...(body === undefined ? {} : { body: cut(redactBody(body, String(headers['content-type'] ?? ''))) }),
  };
}

function axiosUrl(config: InternalAxiosRequestConfig): string {
  const url = config.url ?? '';
  const base = config.baseURL ?? '';
  const full = /^https?:/i.test(url) || !base ? url : `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  if (!config.params) return full;
  const u = new URL(full);
  for (const [k, v] of Object.entries(config.params as Record<string, unknown>)) u.searchParams.set(k, String(v));
  return u.toString();
}

/** `GET /web/v1/clusters` — the call's name: path only, no query (queries may carry tickets). */
function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
