import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Agent } from 'node:https';
import type { z } from 'zod';
import type { ClusterConfig } from '../../config/load.js';
import { CheckError, RemoteError } from '../../errors/index.js';
import { envelopeSchema } from '../../wire/manager/documented.js';
import type { HttpTrace } from '../http-trace/index.js';
import { normalizeFingerprint, PinMismatch, probeFingerprint } from './tls.js';

export interface HttpSettings {
  /** Per request (connect + idle). */
  timeoutMs: number;
  /** Extra attempts for reads (never for writes). */
  retries: number;
  /** First backoff; doubles per attempt. */
  backoffMs: number;
  sleep(ms: number): Promise<void>;
  /** `--trace-http`: every request and reply of this client, redacted. */
  trace?: HttpTrace;
}

export interface Call<T extends z.ZodType> {
  method: 'GET' | 'POST';
  /** Absolute URL (Manager or CAS origin + path). */
  url: string;
  /** `GET /web/v1/clusters` — names the endpoint in errors. */
  endpoint: string;
  schema: T;
  /** Reads are retried with backoff; writes never. */
  read: boolean;
  json?: unknown;
  /** For command progress: a `FAILED` state is an answer, not an error. */
  allowFailed?: boolean;
  /** Follow redirects (only login_check, which may bounce through CAS); other calls treat one as a lost session. */
  redirects?: boolean;
}

const TLS_UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED_SOCKET']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** Walks `cause` to the first error with a `code` we know. */
function rootCode(error: unknown): { code?: string; error: unknown } {
  let current: unknown = error;
  let firstCode: string | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (current instanceof PinMismatch) return { code: current.code, error: current };
    if (typeof code === 'string' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_BAD_REQUEST') firstCode ??= code;
    current = (current as { cause?: unknown }).cause;
  }
  return { code: firstCode, error };
}

/** A body that parses as JSON is JSON, whatever the Content-Type says (some Managers send text/html). */
function asJson(body: string): { json: unknown } | undefined {
  if (!/^\s*[[{]/.test(body)) return undefined;
  try {
    return { json: JSON.parse(body) as unknown };
  } catch {
    return undefined;
  }
}

function looksLikeHtml(body: string, contentType: unknown): boolean {
  return /^\s*</.test(body) || String(contentType ?? '').includes('text/html');
}

/** The CAS login page, however it is served: its URL, or a form with the hidden `lt` / `execution`. */
function looksLikeLogin(body: string, status: number): boolean {
  return status === 401 || status === 403 || /cas\/login/i.test(body) || /<input\b[^>]*\bname\s*=\s*["'](lt|execution)["']/i.test(body);
}

/** `field res_obj.clusters[0].version: expected string` */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return `${path ? `field ${path}: ` : ''}${issue.message}`;
}

/** One Manager's HTTP client: TLS per config, one cookie jar, errors named by cluster and endpoint. */
export class ManagerHttp {
  readonly client: AxiosInstance;
  readonly field: string;
  /** Logs in again; set by the adapter so that a read whose session expired is repeated once. */
  relogin?: () => Promise<void>;
  #relogging: Promise<void> | undefined;
  /** The login itself calls login_check: its failure must not trigger another login. */
  #inLogin = false;

  constructor(
    readonly cluster: ClusterConfig,
    readonly agent: Agent,
    readonly settings: HttpSettings,
  ) {
    this.field = `clusters.${cluster.name}.manager`;
    this.client = axios.create({
      httpsAgent: agent,
      proxy: false,
      timeout: settings.timeoutMs,
      maxRedirects: 8,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      headers: { Accept: 'application/json, text/html;q=0.5' },
    });
    settings.trace?.install(this.client, `manager ${cluster.name}`);
  }

  /** Sends with retries for reads; returns the raw response (status not yet judged). */
  async send(method: 'GET' | 'POST' | 'PUT', url: string, endpoint: string, read: boolean, data?: unknown, form?: boolean, timeoutMs?: number, maxRedirects?: number): Promise<AxiosResponse<string>> {
    const attempts = read ? this.settings.retries + 1 : 1;
    let failure: RemoteError | CheckError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.settings.sleep(this.settings.backoffMs * 2 ** (attempt - 2));
      try {
        const response = await this.client.request<string>({
          method,
          url,
          data: form ? new URLSearchParams(data as Record<string, string>).toString() : data,
          headers: form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : undefined,
          ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
          ...(maxRedirects === undefined ? {} : { maxRedirects }),
        });
        if (response.status >= 500) {
          failure = new RemoteError('MANAGER_HTTP_5XX', `${this.cluster.name}: ${endpoint} answered HTTP ${response.status}${attempts > 1 ? ` (after ${attempt} attempt${attempt === 1 ? '' : 's'})` : ''}`, {
            hint: 'the Manager is failing; check its state in the web UI and try again later',
            details: { cluster: this.cluster.name, endpoint, status: response.status },
          });
          continue;
        }
        return response;
      } catch (error) {
        const mapped = await this.mapError(error, endpoint, url);
        if (!mapped.retry) throw mapped.error;
        failure = mapped.error;
      }
    }
    throw failure as RemoteError | CheckError;
  }

  /**
   * Sends, then parses the JSON envelope with `schema`. A READ that finds the session expired
   * (the Manager answers its login page) logs in again once and is repeated; a write never is:
   * its caller re-reads to learn whether it took effect.
   */
  async call<T extends z.ZodType>(call: Call<T>): Promise<z.infer<T>> {
    try {
      return await this.callOnce(call);
    } catch (error) {
      if (!call.read || !this.relogin || this.#inLogin || !(error instanceof RemoteError) || error.code !== 'MANAGER_SESSION') throw error;
      try {
        // Reads running in parallel share one new login.
        this.#relogging ??= this.loginAgain(this.relogin);
        await this.#relogging;
      } catch (loginError) {
        // The expired session is the news; why logging in again failed is its cause.
        throw new RemoteError(error.code, `${error.message}; logging in again failed: ${loginError instanceof Error ? loginError.message : String(loginError)}`, { hint: error.hint, details: error.details, cause: loginError });
      }
      return this.callOnce(call);
    }
  }

  private async loginAgain(relogin: () => Promise<void>): Promise<void> {
    this.#inLogin = true;
    try {
      await relogin();
    } finally {
      this.#inLogin = false;
      this.#relogging = undefined;
    }
  }

  private async callOnce<T extends z.ZodType>(call: Call<T>): Promise<z.infer<T>> {
    // An API call is not followed through a redirect: that goes to CAS and (with a ticket-granting
    // cookie) back to some page, losing the request; the redirect itself says the session is gone.
    const response = await this.send(call.method, call.url, call.endpoint, call.read, call.json, false, undefined, call.redirects ? undefined : 0);
    return this.parse(response, call.endpoint, call.schema, call.allowFailed);
  }

  parse<T extends z.ZodType>(response: AxiosResponse<string>, endpoint: string, schema: T, allowFailed = false): z.infer<T> {
    const body = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    const bad = (what: string, code = 'MANAGER_BAD_REPLY') => this.badReply(endpoint, response.status, what, code);
    if (response.status >= 300 && response.status < 400) {
      const location = String(response.headers.location ?? '');
      throw /cas\/login/i.test(location) ? bad('the Manager redirected to its login page (session refused or expired)', 'MANAGER_SESSION') : bad(`redirected (HTTP ${response.status}) to ${location || 'nowhere'}`);
    }
    const parsedJson = asJson(body);
    if (!parsedJson && looksLikeHtml(body, response.headers['content-type'])) {
      throw looksLikeLogin(body, response.status) ? bad('the Manager sent its login page (session refused or expired)', 'MANAGER_SESSION') : bad(`replied with an HTML page (HTTP ${response.status}), not JSON`);
    }
    if (!parsedJson) throw bad(`reply is not valid JSON (HTTP ${response.status}, ${body.length} bytes)`);
    const json = parsedJson.json;
    this.refusal(json, response.status, endpoint, allowFailed);
    if (response.status >= 400) throw bad(`answered HTTP ${response.status}`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw bad(`unexpected reply: ${describeIssue(parsed.error)}`);
    }
    return parsed.data;
  }

  private badReply(endpoint: string, status: number, what: string, code: string): RemoteError {
    const name = this.cluster.name;
    return new RemoteError(code, `${name}: ${endpoint}: ${what}`, {
      hint: `is clusters.${name}.manager.url an MRS 2.x Manager? run with --verbose for details`,
      details: { cluster: name, endpoint, status },
    });
  }

  /** An error envelope (HTTP >= 400, or state FAILED) → RemoteError with the Manager's words. */
  private refusal(json: unknown, status: number, endpoint: string, allowFailed: boolean): void {
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success || !(status >= 400 || (envelope.data.state === 'FAILED' && !allowFailed))) return;
    const name = this.cluster.name;
    const reason = envelope.data.error_description ?? envelope.data.error_code ?? `HTTP ${status}`;
    const code = status === 401 || status === 403 ? 'MANAGER_SESSION' : 'MANAGER_REFUSED';
    throw new RemoteError(code, `${name}: ${endpoint} refused: ${String(reason)}`, { details: { cluster: name, endpoint, status, errorCode: envelope.data.error_code } });
  }

  private async mapError(raw: unknown, endpoint: string, url: string): Promise<{ error: RemoteError | CheckError; retry: boolean }> {
    const name = this.cluster.name;
    const { code, error: root } = rootCode(raw);
    // An AxiosError carries the request (the login form with the password): keep only code and message.
    const error = Object.assign(new Error(raw instanceof Error ? raw.message : String(raw)), { code });
    const target = new URL(url);
    const where = `${target.hostname}:${target.port || 443}`;
    const details = { cluster: name, endpoint, code };
    if (root instanceof PinMismatch) {
      return {
        retry: false,
        error: new RemoteError('TLS_PIN_MISMATCH', `${name}: the Manager at ${where} presented certificate sha256:${root.actual}, not the pinned one`, {
          hint: `if the Manager's certificate was replaced on purpose, update ${this.field}.tls.fingerprint; otherwise something is intercepting the connection`,
          details,
          cause: error,
        }),
      };
    }
    if (code && TLS_UNTRUSTED.has(code)) return { retry: false, error: await this.untrusted(code, where, endpoint, error) };
    const network = code ? this.networkError(code, where, endpoint) : undefined;
    if (network) return { retry: true, error: new RemoteError(network.code, network.message, { hint: network.hint, details, cause: error }) };
    return { retry: false, error: new RemoteError('MANAGER_HTTP_ERROR', `${name}: ${endpoint} failed: ${error.message}`, { details, cause: error }) };
  }

  /** Connection-level failures: all worth another attempt for a read. */
  private networkError(code: string, where: string, endpoint: string): { code: string; message: string; hint: string } | undefined {
    const name = this.cluster.name;
    if (UNREACHABLE.has(code)) {
      return { code: 'MANAGER_UNREACHABLE', message: `${name}: cannot connect to ${where} for ${endpoint} (${code})`, hint: `check ${this.field}.url and that this machine can reach the Manager (it is only reachable inside the cluster's VPC)` };
    }
    if (TIMEOUT.has(code)) return { code: 'MANAGER_TIMEOUT', message: `${name}: ${endpoint} timed out after ${this.settings.timeoutMs} ms`, hint: 'the Manager is slow or unreachable; set MRS_TRUST_HTTP_TIMEOUT_MS to wait longer' };
    if (RESET.has(code)) return { code: 'MANAGER_CONNECTION_RESET', message: `${name}: the connection to ${where} was reset during ${endpoint}`, hint: 'the Manager or a firewall closed the connection; try again' };
    return undefined;
  }

  private async untrusted(code: string, where: string, endpoint: string, cause: unknown): Promise<RemoteError> {
    const name = this.cluster.name;
    const t = this.cluster.manager.tls;
    const [host, port] = [where.slice(0, where.lastIndexOf(':')), Number(where.slice(where.lastIndexOf(':') + 1))];
    if (t?.ca) {
      return new RemoteError('TLS_UNTRUSTED', `${name}: the Manager certificate at ${where} is not trusted by ${this.field}.tls.ca (${code})`, { hint: `check ${this.field}.tls.ca, or pin the certificate with tls.fingerprint`, details: { cluster: name, endpoint, code }, cause });
    }
    const seen = await probeFingerprint(host, port, this.settings.timeoutMs);
    const pin = seen ? `sha256:${normalizeFingerprint(seen)}` : undefined;
    return new RemoteError('TLS_UNTRUSTED', `${name}: the Manager certificate at ${where} is not trusted (${code})${pin ? `; it presents ${pin}` : ''}`, {
      hint: pin
        ? `after checking that fingerprint on the Manager itself, set ${this.field}.tls: { fingerprint: "${pin}" } (or tls.ca: the CA file)`
        : `set ${this.field}.tls.ca to the Manager's CA file or tls.fingerprint to its certificate's SHA-256 fingerprint`,
      details: { cluster: name, endpoint, code, fingerprint: pin },
      cause,
    });
  }
}
