import { beforeEach, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../../src/config/load.js';
import type { ClientEntry, NodeEntry } from '../../../src/config/schema.js';
import type { WorkflowEvent } from '../../../src/ports/events.js';
import { assertAllRefreshed, refreshClients, type ClientRefreshDeps, type ClientRefreshRequest, type RefreshCluster } from '../../../src/workflow/clients/index.js';
import { clientKrb5Path, markerPath } from '../../../src/workflow/clients/shell.js';
import { connections, fakeClock, FakeFiles, FakeHost, krb5For, type HostBehaviour } from '../../support/clients-fakes.js';

const client = (host: string, extra: Partial<ClientEntry> = {}): ClientEntry => ({ host, port: 22, user: 'root', clientDir: '/opt/client', uploadDir: '/tmp', ...extra });

function cluster(name: string, type: ClusterConfig['type'], hosts: string[], nodes: NodeEntry[] = []): ClusterConfig {
  return {
    name,
    type,
    manager: { url: 'https://127.0.0.1:28443', cas: 'https://127.0.0.1:20009', user: 'admin', password: { env: 'X' }, discovery: 'api', clientDownload: 'assumed-api' },
    clients: hosts.map((h) => client(h)),
    nodes,
  } as ClusterConfig;
}

interface World {
  files: FakeFiles;
  hosts: Map<string, FakeHost>;
  behaviour: Map<string, HostBehaviour>;
  events: WorkflowEvent[];
  deps: ClientRefreshDeps;
  clock: ReturnType<typeof fakeClock>;
}

function world(): World {
  const files = new FakeFiles();
  const hosts = new Map<string, FakeHost>();
  const behaviour = new Map<string, HostBehaviour>();
  const events: WorkflowEvent[] = [];
  const clock = fakeClock();
  const deps: ClientRefreshDeps = {
    files,
    clock,
    // One FakeHost per address survives reconnects, like a real host's disk.
    openHost: async (entry) => {
      let h = hosts.get(entry.host);
      if (!h) {
        h = new FakeHost(entry as ClientEntry, files, behaviour.get(entry.host) ?? {});
        hosts.set(entry.host, h);
      }
      return h;
    },
  };
  return { files, hosts, behaviour, events, deps, clock };
}

const sink = (w: World) => ({ emit: (e: WorkflowEvent) => void w.events.push(e) });
const A = (hosts = ['a1', 'a2'], type: ClusterConfig['type'] = 'analysis'): RefreshCluster => ({ config: cluster('alpha', type, hosts), profile: '2.x' });
const B = (hosts = ['b1', 'b2'], type: ClusterConfig['type'] = 'analysis'): RefreshCluster => ({ config: cluster('beta', type, hosts), profile: '2.x' });

function withTarballs(w: World, linked = true): Record<string, string> {
  w.files.add('/dl/alpha.tar', 'aaaa', krb5For('ALPHA.MRS', linked ? ['BETA.MRS'] : []));
  w.files.add('/dl/beta.tar', 'bbbb', krb5For('BETA.MRS', linked ? ['ALPHA.MRS'] : []));
  return { alpha: '/dl/alpha.tar', beta: '/dl/beta.tar' };
}

const request = (w: World, extra: Partial<ClientRefreshRequest> = {}): ClientRefreshRequest => ({ clusters: [A(), B()], tarballs: withTarballs(w), ...extra });
const byHost = (result: Awaited<ReturnType<typeof refreshClients>>) => Object.fromEntries(result.hosts.map((h) => [h.host, h]));

beforeEach(() => connections.reset());

describe('refreshClients: routing', () => {
  it('scenario 1: each cluster’s hosts get that cluster’s configuration, and krb5.conf names the peer', async () => {
    const w = world();
    const result = await refreshClients(w.deps, request(w), sink(w));
    expect(result.scenario).toBe(1);
    expect(result.ok).toBe(true);
    expect(result.summary).toEqual({ ok: 4, failed: 0, unreachable: 0, skipped: 0 });
    expect(byHost(result).a1?.sources).toEqual(['alpha']);
    expect(byHost(result).b2?.sources).toEqual(['beta']);
    expect(byHost(result).a1?.realms).toEqual(['ALPHA.MRS', 'BETA.MRS']);
    expect(w.hosts.get('a1')?.files.get(clientKrb5Path('/opt/client'))).toContain('default_realm = ALPHA.MRS');
    expect(w.hosts.get('b1')?.files.get(markerPath('/opt/client'))).toContain(`beta ${'bbbb'.padEnd(64, '0')}`);
    // Uploads are removed afterwards; only the marker and krb5.conf remain.
    expect([...(w.hosts.get('a1')?.files.keys() ?? [])].sort()).toEqual([clientKrb5Path('/opt/client'), markerPath('/opt/client')].sort());
    expect(w.files.removed).toEqual(['/local/tmp/work']);
  });

  it('scenario 2 (different types): the peer’s configuration first, the host’s own last', async () => {
    const w = world();
    const result = await refreshClients(w.deps, { ...request(w), clusters: [A(['a1'], 'analysis'), B(['b1'], 'streaming')] }, sink(w));
    expect(result.scenario).toBe(2);
    expect(byHost(result).a1?.sources).toEqual(['beta', 'alpha']);
    expect(byHost(result).b1?.sources).toEqual(['alpha', 'beta']);
    expect(w.hosts.get('a1')?.refreshRuns).toBe(2);
    expect(w.hosts.get('a1')?.files.get(clientKrb5Path('/opt/client'))).toContain('default_realm = ALPHA.MRS');
  });

  it('scenario 2 when either side is hybrid, and --scenario overrides', async () => {
    const w = world();
    expect((await refreshClients(w.deps, { ...request(w), clusters: [A(['a1'], 'hybrid'), B(['b1'], 'hybrid')] }, sink(w))).scenario).toBe(2);
    const w2 = world();
    const forced = await refreshClients(w2.deps, { ...request(w2), clusters: [A(['a1'], 'analysis'), B(['b1'], 'streaming')], scenario: 1 }, sink(w2));
    expect(forced.hosts.map((h) => h.sources)).toEqual([['alpha'], ['beta']]);
  });

  it('--hosts limits the run to the named hosts and fetches only the tarballs they need', async () => {
    const w = world();
    const result = await refreshClients(w.deps, request(w, { hosts: ['b2'] }), sink(w));
    expect(result.hosts.map((h) => h.host)).toEqual(['b2']);
    expect(result.tarballs.map((t) => t.cluster)).toEqual(['beta']);
  });

  it('one cluster: its hosts get its configuration; no peer check', async () => {
    const w = world();
    const tarballs = withTarballs(w, false);
    const result = await refreshClients(w.deps, { clusters: [A()], tarballs: { alpha: tarballs.alpha as string } }, sink(w));
    expect(result.summary.ok).toBe(2);
  });
});

describe('refreshClients: re-runs', () => {
  it('a second run skips every host (already current) and uploads nothing', async () => {
    const w = world();
    await refreshClients(w.deps, request(w), sink(w));
    const uploads = [...w.hosts.values()].map((h) => h.uploads);
    const again = await refreshClients(w.deps, request(w), sink(w));
    expect(again.summary).toEqual({ ok: 0, failed: 0, unreachable: 0, skipped: 4 });
    expect(again.hosts.every((h) => h.reason === 'already current')).toBe(true);
    expect([...w.hosts.values()].map((h) => h.uploads)).toEqual(uploads);
    expect(w.events.some((e) => e.type === 'step-done' && e.outcome === 'skipped')).toBe(true);
  });

  it('a re-run after a partial failure only does the hosts that are not current', async () => {
    const w = world();
    w.behaviour.set('a2', { refresh: 'fail' });
    const first = await refreshClients(w.deps, request(w), sink(w));
    expect(byHost(first).a2?.status).toBe('failed');
    (w.hosts.get('a2') as FakeHost).behaviour.refresh = 'ok';
    const second = await refreshClients(w.deps, request(w), sink(w));
    expect(second.hosts.map((h) => [h.host, h.status])).toEqual([['a1', 'skipped'], ['a2', 'ok'], ['b1', 'skipped'], ['b2', 'skipped']]);
  });

  it('a new tarball (different sha256) makes hosts not current; --force redoes current hosts', async () => {
    const w = world();
    await refreshClients(w.deps, request(w), sink(w));
    w.files.add('/dl/alpha2.tar', 'cccc', krb5For('ALPHA.MRS', ['BETA.MRS']));
    const next = await refreshClients(w.deps, { ...request(w), tarballs: { alpha: '/dl/alpha2.tar', beta: '/dl/beta.tar' } }, sink(w));
    expect(next.hosts.map((h) => h.status)).toEqual(['ok', 'ok', 'skipped', 'skipped']);
    const forced = await refreshClients(w.deps, { ...request(w), force: true }, sink(w));
    expect(forced.summary.ok).toBe(4);
  });

  it('a host whose krb5.conf lost the peer realm is not current even with the marker', async () => {
    const w = world();
    await refreshClients(w.deps, request(w), sink(w));
    w.hosts.get('b1')?.files.set(clientKrb5Path('/opt/client'), krb5For('BETA.MRS'));
    const again = await refreshClients(w.deps, { ...request(w), clusters: [A(), { ...B(), realm: 'BETA.MRS' }] }, sink(w));
    expect(byHost(again).b1?.status).toBe('ok');
  });
});

describe('refreshClients: per-host statuses', () => {
  it('transport errors before the script are retried on a new connection, with backoff', async () => {
    const w = world();
    w.behaviour.set('a1', { connectErrors: ['SSH_DISCONNECTED', 'SSH_TIMEOUT'] });
    w.behaviour.set('a2', { uploadErrors: ['SSH_DISCONNECTED'] });
    const result = await refreshClients(w.deps, request(w, { retryDelayMs: 100 }), sink(w));
    expect(byHost(result).a1).toMatchObject({ status: 'ok', attempts: 3 });
    expect(byHost(result).a2).toMatchObject({ status: 'ok', attempts: 2 });
    expect(w.clock.sleeps.sort((x, y) => x - y)).toEqual([100, 100, 200]);
  });

  it('a host that stays unreachable is "unreachable" after the attempts; the others succeed', async () => {
    const w = world();
    w.behaviour.set('b1', { connectErrors: ['SSH_REFUSED', 'SSH_REFUSED', 'SSH_REFUSED'] });
    const result = await refreshClients(w.deps, request(w), sink(w));
    expect(byHost(result).b1).toMatchObject({ status: 'unreachable', code: 'SSH_REFUSED', attempts: 3, step: 'connect' });
    expect(result.summary).toEqual({ ok: 3, failed: 0, unreachable: 1, skipped: 0 });
    expect(() => assertAllRefreshed(result)).toThrow(expect.objectContaining({ exitCode: 5, code: 'CLIENTS_PARTIAL' }));
  });

  it.each([
    ['SSH_AUTH_FAILED', { connectErrors: ['SSH_AUTH_FAILED'] }, 'connect'],
    ['HOST_KEY_CHANGED', { connectErrors: ['HOST_KEY_CHANGED'] }, 'connect'],
    ['HOST_KEY_UNKNOWN', { connectErrors: ['HOST_KEY_UNKNOWN'] }, 'connect'],
    ['UPLOAD_DIR_NOT_WRITABLE', { uploadDir: 'not-writable' }, 'check-upload-dir'],
    ['UPLOAD_DIR_MISSING', { uploadDir: 'missing' }, 'check-upload-dir'],
    ['UPLOAD_DIR_FULL', { uploadDir: 'full' }, 'check-upload-dir'],
    ['UPLOAD_DIR_NOT_WRITABLE', { uploadErrors: ['SSH_TRANSFER_FAILED'] }, 'upload'],
    ['REFRESH_FAILED', { refresh: 'fail' }, 'run-refresh'],
    ['REFRESH_UNCONFIRMED', { refresh: 'no-success-line' }, 'run-refresh'],
    ['KRB5_MISSING', { refreshLeavesKrb5: true }, 'check-krb5'],
  ] as [string, HostBehaviour, string][])('%s: failed once, not retried, others ok', async (code, behaviour, step) => {
    const w = world();
    w.behaviour.set('a2', behaviour);
    const result = await refreshClients(w.deps, request(w), sink(w));
    expect(byHost(result).a2).toMatchObject({ status: 'failed', code, step, attempts: 1 });
    expect(byHost(result).a2?.reason).toBeTruthy();
    expect(result.summary.ok).toBe(3);
    expect(w.hosts.get('a2')?.refreshRuns).toBeLessThanOrEqual(1);
    expect(w.events).toContainEqual(expect.objectContaining({ type: 'step-failed', scope: 'alpha/a2' }));
  });

  it('a tarball from before the trust: warned about, and its hosts fail the krb5.conf check', async () => {
    const w = world();
    const files = withTarballs(w);
    w.files.add('/dl/alpha-old.tar', 'a0a0', krb5For('ALPHA.MRS'));
    const result = await refreshClients(w.deps, { clusters: [A(), { ...B(), realm: 'BETA.MRS' }], tarballs: { alpha: '/dl/alpha-old.tar', beta: files.beta as string } }, sink(w));
    expect(w.events).toContainEqual(expect.objectContaining({ type: 'warning', message: expect.stringContaining('does not name BETA.MRS') }));
    expect(result.hosts.map((h) => [h.host, h.status, h.code])).toEqual([['a1', 'failed', 'KRB5_PEER_MISSING'], ['a2', 'failed', 'KRB5_PEER_MISSING'], ['b1', 'ok', undefined], ['b2', 'ok', undefined]]);
    expect(w.hosts.get('a1')?.files.has(markerPath('/opt/client'))).toBe(false);
  });

  it('the refresh script is never retried, even after a transport error', async () => {
    const w = world();
    w.behaviour.set('a1', {});
    const original = FakeHost.prototype.exec;
    let dropped = false;
    const deps: ClientRefreshDeps = {
      ...w.deps,
      openHost: async (entry, where) => {
        const h = await w.deps.openHost(entry, where);
        if (entry.host === 'a1') {
          h.exec = async function (this: FakeHost, command: string) {
            if (command.includes('refreshConfig.sh') && !dropped) {
              dropped = true;
              this.refreshRuns += 1;
              throw new (await import('../../../src/errors/index.js')).RemoteError('SSH_DISCONNECTED', 'closed during the script');
            }
            return original.call(this, command);
          }.bind(h as FakeHost);
        }
        return h;
      },
    };
    const result = await refreshClients(deps, request(w), sink(w));
    // The connection dropped during the apply session: which of its sections ran is unknown.
    expect(byHost(result).a1).toMatchObject({ status: 'failed', code: 'SSH_DISCONNECTED', step: 'apply', attempts: 1 });
    expect(w.hosts.get('a1')?.refreshRuns).toBe(1);
  });

  it('a host over its time limit fails with HOST_TIMEOUT; the others finish', async () => {
    const w = world();
    w.behaviour.set('b2', { refresh: 'hang' });
    const result = await refreshClients(w.deps, request(w, { hostTimeoutMs: 500 }), sink(w));
    expect(byHost(result).b2).toMatchObject({ status: 'failed', code: 'HOST_TIMEOUT' });
    expect(result.summary.ok).toBe(3);
  });

  it('never more than --parallel hosts at once, and the bound is reached', async () => {
    const w = world();
    const many = Array.from({ length: 10 }, (_, i) => `a${i}`);
    w.files.add('/dl/alpha.tar', 'aaaa', krb5For('ALPHA.MRS'));
    const result = await refreshClients(w.deps, { clusters: [A(many)], tarballs: { alpha: '/dl/alpha.tar' }, parallel: 3 }, sink(w));
    expect(result.summary.ok).toBe(10);
    expect(connections.max).toBe(3);
  });

  it('MRS 3.x: extracts the tar and passes the *_ClientConfig_ConfigFiles directory', async () => {
    const w = world();
    const result = await refreshClients(w.deps, { ...request(w), clusters: [{ ...A(['a1']), profile: '3.x' }, B(['b1'])] }, sink(w));
    expect(result.ok).toBe(true);
    expect(w.hosts.get('a1')?.scripts.some((l) => l.includes('section extract-0'))).toBe(true);
    // The apply script removed its work dir (upload and extraction) itself; two sessions in all.
    expect([...(w.hosts.get('a1')?.files.keys() ?? [])].some((k) => k.includes('.mrs-trust.'))).toBe(false);
    expect(w.hosts.get('a1')?.sessions).toBe(2);
  });
});

describe('refreshClients: tarball sources', () => {
  const node = (host: string): NodeEntry => ({ host, port: 22, user: 'root' });

  it('falls back to SFTP from a cluster node, skipping a node whose copy predates the trust', async () => {
    const w = world();
    const files = withTarballs(w);
    const alpha: RefreshCluster = { config: cluster('alpha', 'analysis', ['a1'], [node('n1'), node('n2')]), profile: '2.x' };
    const beta: RefreshCluster = { ...B(['b1']), realm: 'BETA.MRS' };
    const n1 = new FakeHost(client('n1'), w.files);
    n1.connected = true;
    n1.files.set('/tmp/MRS-client/MRS_Services_Client.tar', { sha256: 'e'.repeat(64), krb5: krb5For('ALPHA.MRS') });
    const n2 = new FakeHost(client('n2'), w.files);
    n2.connected = true;
    n2.files.set('/tmp/MRS-client/MRS_Services_Client.tar', { sha256: 'f'.repeat(64), krb5: krb5For('ALPHA.MRS', ['BETA.MRS']) });
    w.hosts.set('n1', n1);
    w.hosts.set('n2', n2);
    const result = await refreshClients(w.deps, { clusters: [alpha, beta], tarballs: { beta: files.beta as string } }, sink(w));
    expect(result.tarballs.find((t) => t.cluster === 'alpha')).toMatchObject({ origin: 'node', from: 'root@n2:/tmp/MRS-client/MRS_Services_Client.tar', sha256: 'f'.repeat(64) });
    expect(w.events).toContainEqual(expect.objectContaining({ type: 'step-progress', step: 'client-config', message: expect.stringContaining('does not name BETA.MRS') }));
    expect(result.ok).toBe(true);
  });

  it('then the Manager download; with no source at all, NO_CLIENT_CONFIG before any host is touched', async () => {
    const w = world();
    w.files.add('/local/tmp/work/alpha-manager.tar', 'dddd', krb5For('ALPHA.MRS', ['BETA.MRS']));
    const deps: ClientRefreshDeps = { ...w.deps, managerDownload: async () => ({ label: 'https://127.0.0.1:28443', download: async () => ({ bytes: 1000, fileName: 'MRS_Services_Client.tar' }) }) };
    const result = await refreshClients(deps, { clusters: [A(['a1'])] }, sink(w));
    expect(result.tarballs[0]).toMatchObject({ origin: 'manager', realm: 'ALPHA.MRS' });
    await expect(refreshClients(w.deps, { clusters: [B(['b1'])] }, sink(w))).rejects.toMatchObject({ code: 'NO_CLIENT_CONFIG', exitCode: 4 });
    expect(w.hosts.has('b1')).toBe(false);
  });

  it('checks the package on this machine first: a non-tar, a tar without krb5.conf → exit 2 naming the file, no host contacted', async () => {
    const w = world();
    const files = withTarballs(w);
    w.files.add('/dl/notes.txt', 'cccc', undefined, 10, { tar: false, entries: 0 });
    w.files.add('/dl/nokrb5.tar', 'dddd', undefined);
    await expect(refreshClients(w.deps, { clusters: [A(), B()], tarballs: { alpha: '/dl/notes.txt', beta: files.beta as string } }, sink(w))).rejects.toMatchObject({ code: 'TARBALL_NOT_CLIENT_CONFIG', exitCode: 2, message: expect.stringContaining('--tarball alpha=/dl/notes.txt: it is not a tar archive') });
    await expect(refreshClients(w.deps, { clusters: [A()], tarballs: { alpha: '/dl/nokrb5.tar' } }, sink(w))).rejects.toMatchObject({ code: 'TARBALL_NOT_CLIENT_CONFIG', exitCode: 2, message: expect.stringContaining('holds no krb5.conf') });
    expect(w.hosts.size).toBe(0);
  });

  it('inside link (strictTarballs) a --tarball that predates the trust is refused (exit 2), not uploaded to fail every host', async () => {
    const w = world();
    const files = withTarballs(w);
    w.files.add('/dl/alpha-old.tar', 'a0a0', krb5For('ALPHA.MRS'));
    const refused = refreshClients(w.deps, { clusters: [{ ...A(), realm: 'ALPHA.MRS' }, { ...B(), realm: 'BETA.MRS' }], tarballs: { alpha: '/dl/alpha-old.tar', beta: files.beta as string }, strictTarballs: true }, sink(w));
    await expect(refused).rejects.toMatchObject({ code: 'TARBALL_STALE', exitCode: 2, message: expect.stringContaining('does not name BETA.MRS') });
    expect(w.hosts.size).toBe(0);
  });

  it('refuses swapped tarballs (exit 2) before connecting anywhere', async () => {
    const w = world();
    const files = withTarballs(w);
    await expect(refreshClients(w.deps, { clusters: [A(), B()], tarballs: { alpha: files.beta as string, beta: files.beta as string } }, sink(w))).rejects.toMatchObject({ code: 'TARBALL_WRONG_CLUSTER', exitCode: 2 });
    await expect(refreshClients(w.deps, { clusters: [{ ...A(), realm: 'ALPHA.MRS' }, B()], tarballs: { alpha: files.beta as string, beta: files.alpha as string } }, sink(w))).rejects.toMatchObject({ code: 'TARBALL_WRONG_CLUSTER' });
    await expect(refreshClients(w.deps, { clusters: [A()], tarballs: { alpha: '/nope.tar' } }, sink(w))).rejects.toMatchObject({ code: 'TARBALL_UNREADABLE', exitCode: 2 });
    expect(w.hosts.size).toBe(0);
  });
});

describe('refreshClients: bad requests (exit 2, no connection)', () => {
  it.each([
    [{ parallel: 0 }, /--parallel/],
    [{ hosts: ['zz'] }, /--hosts: zz/],
    [{ tarballs: { gamma: '/x.tar' } }, /--tarball gamma/],
  ] as [Partial<ClientRefreshRequest>, RegExp][])('%j', async (extra, message) => {
    const w = world();
    await expect(refreshClients(w.deps, { ...request(w), ...extra }, sink(w))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect(w.hosts.size).toBe(0);
  });

  it('--scenario 2 with one cluster', async () => {
    const w = world();
    await expect(refreshClients(w.deps, { clusters: [A()], scenario: 2 }, sink(w))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--scenario 2/) });
  });
});

describe('clientRefresher (link’s refresh-clients step)', () => {
  const plan = (action: 'link' | 'unlink') =>
    ({
      version: 1,
      action,
      clusters: ['alpha', 'beta'],
      sides: [
        { cluster: 'alpha', realm: 'ALPHA.MRS', mrsVersion: '2.1.0', clientHosts: ['a1', 'a2'] },
        { cluster: 'beta', realm: 'BETA.MRS', mrsVersion: '3.1.2', clientHosts: ['b1', 'b2'] },
      ],
    }) as unknown as import('../../../src/domain/plan.js').Plan;

  it('link: refreshes both sides with the discovered realms and versions; summary for the step', async () => {
    const { clientRefresher } = await import('../../../src/workflow/clients/link-refresher.js');
    const w = world();
    withTarballs(w);
    const refresher = clientRefresher(w.deps, { alpha: A().config, beta: B().config }, sink(w), { tarballs: { alpha: '/dl/alpha.tar', beta: '/dl/beta.tar' } });
    const out = await refresher.refresh(plan('link'), new AbortController().signal);
    expect(out.summary).toBe('4 client hosts refreshed, 0 already current');
    // Inside link, host events are progress lines of the one refresh-clients step (no host scopes).
    expect(w.events.every((e) => e.type === 'warning' || e.type === 'info' || (e.type === 'step-progress' && e.step === 'refresh-clients' && e.scope === undefined))).toBe(true);
    expect(w.events).toContainEqual({ type: 'step-progress', step: 'refresh-clients', message: 'alpha/a1: ok', detail: true });
    // beta is MRS 3.x: its hosts got the extracted directory.
    expect(w.hosts.get('b1')?.scripts.some((l) => l.includes('section extract-0') && l.includes('arg=$d'))).toBe(true);
    expect(w.hosts.get('a1')?.scripts.some((l) => l.includes('section extract-0'))).toBe(false);
  });

  it('unlink: a --tarball still naming the peer is refused before any host (exit 2); preflight says the same before any write', async () => {
    const { clientRefresher } = await import('../../../src/workflow/clients/link-refresher.js');
    const w = world();
    withTarballs(w); // still names the peer: downloaded before the unlink
    const refresher = clientRefresher(w.deps, { alpha: A().config, beta: B().config }, sink(w), { tarballs: { alpha: '/dl/alpha.tar', beta: '/dl/beta.tar' } });
    await expect(refresher.refresh(plan('unlink'), new AbortController().signal)).rejects.toMatchObject({ exitCode: 2, code: 'TARBALL_STALE', message: expect.stringContaining('still names BETA.MRS') });
    const sides = [{ cluster: 'alpha', realm: 'ALPHA.MRS', mrsVersion: '2.1.0' }, { cluster: 'beta', realm: 'BETA.MRS', mrsVersion: '2.1.0' }];
    await expect(refresher.preflight?.(sides, 'unlink', new AbortController().signal)).rejects.toMatchObject({ exitCode: 2, code: 'TARBALL_STALE' });
    await expect(refresher.preflight?.(sides, 'link', new AbortController().signal)).resolves.toBe('client configuration alpha: --tarball /dl/alpha.tar; beta: --tarball /dl/beta.tar');
    expect(w.hosts.size).toBe(0);
  });

  it('preflight: a node copy that already names the peer is the documented route; a stale one with the Manager download off refuses (exit 3)', async () => {
    const { clientRefresher } = await import('../../../src/workflow/clients/link-refresher.js');
    const w = world();
    const node = { host: 'n1', port: 22, user: 'root' } as NodeEntry;
    const off = (c: ClusterConfig): ClusterConfig => ({ ...c, manager: { ...c.manager, clientDownload: 'off' } }) as ClusterConfig;
    const alpha = off(cluster('alpha', 'analysis', ['a1'], [node]));
    const beta = off(cluster('beta', 'analysis', ['b1']));
    const refresher = clientRefresher(w.deps, { alpha, beta }, sink(w));
    const sides = [{ cluster: 'alpha', realm: 'ALPHA.MRS' }, { cluster: 'beta', realm: 'BETA.MRS' }];
    await w.deps.openHost(node, { cluster: 'alpha', field: 'x' });
    (w.hosts.get('n1') as FakeHost).files.set('/tmp/MRS-client/MRS_Services_Client.tar', { sha256: 'e'.repeat(64), krb5: krb5For('ALPHA.MRS') });
    await expect(refresher.preflight?.(sides, 'link', new AbortController().signal)).rejects.toMatchObject({ exitCode: 3, code: 'NO_POST_TRUST_CLIENT_CONFIG', message: expect.stringContaining('does not name BETA.MRS') });
    (w.hosts.get('n1') as FakeHost).files.set('/tmp/MRS-client/MRS_Services_Client.tar', { sha256: 'e'.repeat(64), krb5: krb5For('ALPHA.MRS', ['BETA.MRS']) });
    // beta has client hosts too, but no source at all.
    await expect(refresher.preflight?.(sides, 'link', new AbortController().signal)).rejects.toMatchObject({ code: 'NO_POST_TRUST_CLIENT_CONFIG', message: expect.stringContaining('beta has client hosts') });
    const alphaOnly = clientRefresher(w.deps, { alpha, beta: off(cluster('beta', 'analysis', [])) }, sink(w));
    await expect(alphaOnly.preflight?.(sides, 'link', new AbortController().signal)).resolves.toBe('client configuration alpha: SFTP root@n1:/tmp/MRS-client/MRS_Services_Client.tar');
  });
});

describe('mesh: every partner realm of the topology, checked on every host (the check link makes for its pair)', () => {
  const managerTarballs = (w: World, krb5: Record<string, string>): ClientRefreshDeps => {
    Object.entries(krb5).forEach(([name, text], i) => w.files.add(`/local/tmp/work/${name}-manager.tar`, `${'abc'[i]}`.repeat(4), text));
    return { ...w.deps, managerDownload: async () => ({ label: 'https://127.0.0.1:28443', download: async () => ({ bytes: 1000, fileName: 'MRS_Services_Client.tar' }) }) };
  };

  it('refreshClients: partners.named must all be in krb5.conf; a missing one fails the host naming it', async () => {
    const w = world();
    const deps = managerTarballs(w, { alpha: krb5For('ALPHA.MRS', ['BETA.MRS']) });
    const result = await refreshClients(deps, { clusters: [{ ...A(['a1']), realm: 'ALPHA.MRS' }], partners: { alpha: { named: ['BETA.MRS', 'GAMMA.MRS'], absent: [] } } }, sink(w));
    expect(byHost(result).a1).toMatchObject({ status: 'failed', code: 'KRB5_PEER_MISSING', reason: expect.stringContaining('does not name GAMMA.MRS') });
    expect(byHost(result).a1?.reason).not.toContain('BETA.MRS');
    // The same host passes once its configuration names every partner; and a realm that must be gone is checked too.
    const w2 = world();
    const ok = await refreshClients(managerTarballs(w2, { alpha: krb5For('ALPHA.MRS', ['BETA.MRS', 'GAMMA.MRS']) }), { clusters: [A(['a1'])], partners: { alpha: { named: ['BETA.MRS', 'GAMMA.MRS'], absent: [] } } }, sink(w2));
    expect(ok.ok).toBe(true);
    const w3 = world();
    const stale = await refreshClients(managerTarballs(w3, { alpha: krb5For('ALPHA.MRS', ['BETA.MRS']) }), { clusters: [A(['a1'])], partners: { alpha: { named: [], absent: ['BETA.MRS'] } } }, sink(w3));
    expect(byHost(stale).a1).toMatchObject({ status: 'failed', code: 'KRB5_PEER_STILL_NAMED' });
  });

  it('meshClientRefresher: refreshes every cluster, then exit 5 naming per cluster the hosts and the partner realms they miss', async () => {
    const { meshClientRefresher } = await import('../../../src/workflow/mesh/clients.js');
    const w = world();
    const deps = managerTarballs(w, { alpha: krb5For('ALPHA.MRS', ['BETA.MRS', 'GAMMA.MRS']), beta: krb5For('BETA.MRS', ['ALPHA.MRS']), gamma: krb5For('GAMMA.MRS', ['BETA.MRS']) });
    const configs = { alpha: cluster('alpha', 'analysis', ['a1']), beta: cluster('beta', 'analysis', ['b1']), gamma: cluster('gamma', 'analysis', ['g1']) };
    const side = (name: string, realm: string, named: string[]) => ({ cluster: name, realm, mrsVersion: '2.1.0', named, absent: [] });
    const refresher = meshClientRefresher(deps, configs, sink(w));
    const sides = [side('alpha', 'ALPHA.MRS', ['BETA.MRS', 'GAMMA.MRS']), side('beta', 'BETA.MRS', ['ALPHA.MRS', 'GAMMA.MRS']), side('gamma', 'GAMMA.MRS', ['ALPHA.MRS', 'BETA.MRS'])];
    const error = await refresher.refresh(sides, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLIENTS_PARTIAL', exitCode: 5 });
    const message = (error as Error).message;
    expect(message).toMatch(/on 2 of 3 clusters/);
    expect(message).toMatch(/beta: b1 KRB5_PEER_MISSING \([^)]*does not name GAMMA\.MRS/);
    expect(message).toMatch(/gamma: g1 KRB5_PEER_MISSING \([^)]*does not name ALPHA\.MRS/);
    expect(message).not.toMatch(/alpha: a1/);
    // Every cluster was refreshed, also after the first one with a problem.
    expect(w.hosts.get('g1')?.refreshRuns).toBe(1);
    expect(w.hosts.get('a1')?.files.has(markerPath('/opt/client'))).toBe(true);
  });
});
