import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectTarball } from '../../src/adapters/client-config/files.js';
import { createClientConfigDownloader } from '../../src/adapters/manager/client-download.js';
import { loadConfig, type ClusterConfig } from '../../src/config/load.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { namedRealms, parseKrb5Realms } from '../../src/workflow/clients/krb5.js';

// The assumed client configuration download: adapter against the sandbox Manager (real HTTPS, CAS login).
const SUBNET = 59;
let sandbox: RunningSandbox;
let dir: string;
let clusters: Record<string, ClusterConfig>;
const log = { warn: () => undefined, debug: () => undefined };
const fast = { retries: 0, backoffMs: 1, timeoutMs: 5000 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mrs-client-dl-'));
  sandbox = await startSandbox({
    stateDir: join(dir, 'sb'),
    subnet: SUBNET,
    restartMs: 20,
    seedPeer: true,
    plugins: false,
    faults: { faults: [{ cluster: 'beta', endpoint: 'client-download', status: 404, after: 0 }], clusters: {} },
  });
  clusters = (await loadConfig(sandbox.configPath)).clusters;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('client configuration download (assumed endpoint) against the sandbox Manager', () => {
  it('streams the tarball to a file, checks the announced SHA-256, names the file, logs out', async () => {
    const local = join(dir, 'alpha.tar');
    const got = await createClientConfigDownloader(clusters.alpha as ClusterConfig, log, fast).download(local);
    expect(got.fileName).toBe('MRS_Services_Client.tar');
    const bytes = readFileSync(local);
    expect(got.bytes).toBe(bytes.length);
    const info = await inspectTarball(local);
    expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const realms = parseKrb5Realms(info.krb5?.text ?? '');
    expect(realms.defaultRealm).toBe('ALPHA.MRS');
    // The seeded peer is in peer_realms, so the client configuration names it.
    expect(namedRealms(realms)).toEqual(['ALPHA.MRS', 'PARTNER.MRS']);
    const alpha = sandbox.snapshot().clusters.find((c) => c.name === 'alpha');
    expect(alpha?.sessions.active).toBe(0);
  });

  it('two downloads of an unchanged cluster are byte-identical (so a re-run finds hosts current)', async () => {
    const d = createClientConfigDownloader(clusters.alpha as ClusterConfig, log, fast);
    await d.download(join(dir, 'a1.tar'));
    await d.download(join(dir, 'a2.tar'));
    expect(readFileSync(join(dir, 'a1.tar')).equals(readFileSync(join(dir, 'a2.tar')))).toBe(true);
  });

  it('a Manager without the endpoint (404): CLIENT_DOWNLOAD_UNSUPPORTED naming --tarball', async () => {
    await expect(createClientConfigDownloader(clusters.beta as ClusterConfig, log, fast).download(join(dir, 'beta.tar'))).rejects.toMatchObject({
      code: 'CLIENT_DOWNLOAD_UNSUPPORTED',
      exitCode: 4,
      hint: expect.stringContaining('--tarball beta=PATH'),
    });
  });
});
