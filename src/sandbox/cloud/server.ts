import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerCert } from '../cert.js';
import { HttpsListener } from '../https-listener.js';
import { authenticate } from './auth.js';
import type { CloudFaults } from './faults.js';
import { error, noApi, ROUTES, type CloudReply, type CloudRoute } from './routes.js';
import type { CloudSim } from './state.js';

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const MAIN_KEY: Record<string, string> = { 'iam-token': 'token', 'mrs-cluster': 'cluster', 'mrs-hosts': 'hosts', 'vpc-list-rules': 'security_group_rules', 'vpc-create-rule': 'security_group_rule' };

/** Applies a `malformed` fault to a successful reply. */
function malform(reply: CloudReply, kind: CloudFaults['malformed'][number]['kind'], endpoint: string): { status: number; text: string; type: string } {
  if (kind === 'html') return { status: reply.status, text: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', type: 'text/html' };
  const text = JSON.stringify(reply.body ?? {});
  if (kind === 'garbled') return { status: reply.status, text: text.slice(0, Math.max(1, Math.floor(text.length / 2))), type: 'application/json' };
  const { [MAIN_KEY[endpoint] ?? '']: _dropped, ...rest } = (reply.body ?? {}) as Record<string, unknown>;
  return { status: reply.status, text: JSON.stringify(rest), type: 'application/json' };
}

function find(method: string, path: string, v1Only: boolean): { route: CloudRoute; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method || (v1Only && route.family === 'v3')) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}

/**
 * The sandbox cloud API: IAM tokens, MRS cluster info and hosts, VPC security-group rules (v3
 * and v1), over HTTPS on `layout.cloudIp`. Every call but the IAM login needs a valid AK/SK
 * signature or token. docs/sandbox.md "Cloud API".
 */
export class CloudServer {
  readonly #listener: HttpsListener;

  constructor(
    readonly sim: CloudSim,
    cert: ServerCert,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#listener = new HttpsListener(cert, (req, res) => {
      this.handle(req, res).catch((e: unknown) => this.send(res, 'internal', error(500, 'SBX.0500', `sandbox error: ${(e as Error).message}`)));
    });
  }

  listen(ip: string, port: number): Promise<void> {
    return this.#listener.listen(ip, port);
  }

  close(): Promise<void> {
    return this.#listener.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const found = find(req.method ?? 'GET', url.pathname, this.sim.faults.v1Only);
    if (!found) return this.send(res, 'unknown', noApi());
    const { route, params } = found;
    this.sim.calls.set(route.name, (this.sim.calls.get(route.name) ?? 0) + 1);
    const now = this.now();
    if (route.family !== 'iam') {
      const outcome = authenticate(this.sim, req, url, body, params[0], now);
      if (!outcome.ok) return this.send(res, route.name, error(outcome.status, outcome.code, outcome.message));
    }
    let json: unknown;
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return this.send(res, route.name, error(400, 'APIGW.0201', 'Request body is not JSON.'));
      }
    }
    this.send(res, route.name, route.handle(this.sim, { method: route.method, url, params, json, now }));
  }

  private send(res: ServerResponse, endpoint: string, reply: CloudReply): void {
    const fault = reply.status < 300 ? this.sim.faults.malformed.find((m) => m.endpoint === endpoint) : undefined;
    const out = fault ? malform(reply, fault.kind, endpoint) : { status: reply.status, text: reply.body === undefined ? '' : JSON.stringify(reply.body), type: 'application/json;charset=UTF-8' };
    res.writeHead(out.status, { ...(out.text ? { 'content-type': out.type } : {}), ...(reply.headers ?? {}) });
    res.end(out.text);
  }
}
