import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CookieJar } from 'tough-cookie';
import type { ClusterConfig } from '../../config/load.js';
import { InterruptedError, RemoteError } from '../../errors/index.js';
import type { ClientConfigDownloader } from '../../ports/client-config.js';
import { CLIENT_DOWNLOAD, contentDispositionSchema } from '../../wire/manager/client-download.js';
import { envelopeSchema } from '../../wire/manager/documented.js';
import { casLogin, casLogout } from './cas.js';
import { ManagerHttp } from './http.js';
import { httpSettings, type ManagerLog, type ManagerOptions } from './index.js';
import { createAgent } from './tls.js';

/**
 * The Manager's client configuration download: an ASSUMED endpoint (src/wire/manager/
 * client-download.ts, docs/assumptions.md). Logs in with its own session, streams the tar to a
 * file (memory stays flat for any size), checks the SHA-256 the Manager announces, logs out.
 */
export function createClientConfigDownloader(cluster: ClusterConfig, log: ManagerLog, options: ManagerOptions = {}): ClientConfigDownloader {
  const url = cluster.manager.url + CLIENT_DOWNLOAD.path;
  const env = options.env ?? process.env;
  const where = `${cluster.name}: GET ${CLIENT_DOWNLOAD.path}`;
  return {
    label: url,
    async download(localPath, { signal } = {}) {
      const jar = new CookieJar();
      const agent = createAgent(cluster, jar, () => log.warn(`clusters.${cluster.name}.manager.tls.insecure: the Manager certificate is NOT verified`));
      const http = new ManagerHttp(cluster, agent, httpSettings(options));
      try {
        await casLogin(http, jar, env);
        const response = await http.client
          .request<Readable>({ method: 'GET', url, responseType: 'stream', ...(signal ? { signal } : {}), headers: { Accept: 'application/x-tar, application/json;q=0.5' } })
          .catch((error: unknown) => {
            if (signal?.aborted) throw new InterruptedError();
            throw new RemoteError('CLIENT_DOWNLOAD_FAILED', `${where}: ${(error as Error).message}`, { hint: `download it in the Manager UI and pass --tarball ${cluster.name}=PATH`, cause: error });
          });
        const type = String(response.headers['content-type'] ?? '');
        if (response.status !== 200 || !/x-tar|octet-stream/i.test(type)) throw await refusal(response.status, type, response.data, where, cluster.name);
        const expected = String(response.headers[CLIENT_DOWNLOAD.sha256Header] ?? '') || undefined;
        const hash = createHash('sha256');
        let bytes = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            bytes += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(response.data, tap, createWriteStream(localPath, { mode: 0o600 }), ...(signal ? [{ signal }] : []));
        const sha256 = hash.digest('hex');
        if (expected && expected !== sha256) throw new RemoteError('CLIENT_DOWNLOAD_DAMAGED', `${where}: the download has sha256 ${sha256}, the Manager announced ${expected}`, { hint: 'try again' });
        const named = contentDispositionSchema.safeParse(String(response.headers['content-disposition'] ?? ''));
        return { bytes, fileName: (named.success ? named.data : undefined) ?? CLIENT_DOWNLOAD.defaultFileName };
      } finally {
        await casLogout(http, log.debug).catch(() => undefined);
        agent.destroy();
      }
    },
  };
}

async function refusal(status: number, type: string, body: Readable, where: string, cluster: string): Promise<RemoteError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  body.destroy();
  const text = Buffer.concat(chunks).toString('utf8');
  let envelope: { error_code?: string | number | null; error_description?: string | null } | undefined;
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(text));
    envelope = parsed.success ? parsed.data : undefined;
  } catch {
    envelope = undefined;
  }
  const detail = envelope?.error_description ?? (/html/i.test(type) ? 'an HTML page (session refused?)' : `${type || 'no content type'}`);
  const hint = status === 404 ? `this Manager has no such download API (assumed; docs/assumptions.md); pass --tarball ${cluster}=PATH` : `download "Only configuration files" in the Manager UI and pass --tarball ${cluster}=PATH`;
  return new RemoteError(status === 404 ? 'CLIENT_DOWNLOAD_UNSUPPORTED' : 'CLIENT_DOWNLOAD_FAILED', `${where}: HTTP ${status}, ${detail}`, { hint, details: { status, errorCode: envelope?.error_code ?? null } });
}
