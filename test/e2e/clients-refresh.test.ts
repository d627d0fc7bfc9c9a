import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalClientFiles } from '../../src/adapters/client-config/files.js';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import type { ClusterConfig } from '../../src/config/load.js';
import type { ClientEntry } from '../../src/config/schema.js';
import type { WorkflowEvent } from '../../src/ports/events.js';
import { writeClientConfigTarball } from '../../src/sandbox/client-config.js';
import { installClient } from '../../src/sandbox/ssh/client-install.js';
import { refreshClients, type ClientRefreshDeps, type ClientRefreshResult } from '../../src/workflow/clients/index.js';
import { describeWithSshd, generateClientKey, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';
import { startTcpCutter, type TcpCutter } from '../support/tcp-cutter.js';

// Addresses 127.58.x.x belong to this file.
const net = (i: number) => `127.58.0.${i}`;
const KRB5 = '/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf';
// As on many MRS client hosts: root's ~/.bashrc loads the client environment and greets. bash
// reads it for every command sshd runs, so its output precedes every command's own output.
const MRS_BASHRC = '[ -f /opt/client/bigdata_env ] && . /opt/client/bigdata_env\necho "Welcome to the MRS client host"\necho "bigdata_env loaded" >&2\n';

type Role = 'ok1' | 'ok2' | 'ok3' | 'wrong-key' | 'unknown-key' | 'changed-key' | 'read-only-dir' | 'failing-script' | 'drop-once' | 'drop-always' | 'beta';
const ROLES: Role[] = ['ok1', 'ok2', 'ok3', 'wrong-key', 'unknown-key', 'changed-key', 'read-only-dir', 'failing-script', 'drop-once', 'drop-always', 'beta'];

describeWithSshd('clients refresh vs real OpenSSH servers: per-host statuses', () => {
  const hosts = new Map<Role, SshdHost>();
  const cutters: TcpCutter[] = [];
  let dir: string;
  let key: string;
  let readOnly: string | undefined;
  let immutable = false;
  let roMount = false;
  let result: ClientRefreshResult;
  const events: WorkflowEvent[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('clients-e2e-');
    const pair = await generateClientKey(dir);
    const stranger = await generateClientKey(dir, 'id_stranger');
    key = pair.privatePath;
    for (const [i, role] of ROLES.entries()) {
      const sshd = await startSshd({ ip: net(i + 1), authorizedKeys: [role === 'wrong-key' ? stranger.publicLine : pair.publicLine], bashrc: MRS_BASHRC });
      hosts.set(role, sshd);
      await installClient(sshd.root, role === 'beta' ? 'BETA.MRS' : 'ALPHA.MRS', [`${net(200)}:21732`]);
    }
    // A failing refreshConfig.sh: prints an error and exits 3 (e.g. a damaged client).
    await writeFile(join((hosts.get('failing-script') as SshdHost).path('/opt/client'), 'refreshConfig.sh'), '#!/bin/sh\necho "Start to refresh"\necho "ERROR: /opt/client/HDFS is damaged" >&2\nexit 3\n');
    // An upload directory the user cannot write (immutable even for root).
    // Outside the host's bind-mounted /tmp, /opt, /root: the host sees this path as it is here.
    readOnly = join(dir, 'read-only-upload');
    await mkdir(readOnly);
    await chmod(readOnly, 0o755);
    try {
      execFileSync('chattr', ['+i', readOnly], { stdio: 'pipe' });
      immutable = true;
    } catch {
      // No chattr, or a file system without the immutable flag (overlayfs): a read-only bind
      // mount instead, which that host's sshd sees after a restart (its own mount namespace).
      execFileSync('mount', ['--bind', readOnly, readOnly]);
      execFileSync('mount', ['-o', 'remount,bind,ro', readOnly]);
      roMount = true;
      await (hosts.get('read-only-dir') as SshdHost).restart();
    }
    for (const [role, times] of [['drop-once', 1], ['drop-always', 99]] as const) {
      const sshd = hosts.get(role) as SshdHost;
      cutters.push(await startTcpCutter({ ip: sshd.ip, port: 22122, target: { ip: sshd.ip, port: sshd.port }, afterBytes: 2 * 1024 * 1024, times }));
    }
    // Pinned first, then the host is rebuilt with a new key.
    const changed = hosts.get('changed-key') as SshdHost;
    const pinned = changed.fingerprint;
    await changed.restart({ newHostKey: true });
    expect(changed.fingerprint).not.toBe(pinned);

    const entry = (role: Role, extra: Partial<ClientEntry> = {}): ClientEntry => {
      const h = hosts.get(role) as SshdHost;
      return { host: h.ip, port: h.port, user: 'root', key, hostKey: h.fingerprint, clientDir: '/opt/client', uploadDir: '/tmp', ...extra };
    };
    await writeFile(join(dir, 'known_hosts'), '');
    const alphaClients: ClientEntry[] = [
      entry('ok1'),
      entry('ok2'),
      entry('ok3'),
      entry('wrong-key'),
      { ...entry('unknown-key'), hostKey: undefined, knownHosts: join(dir, 'known_hosts') },
      { ...entry('changed-key'), hostKey: pinned },
      entry('read-only-dir', { uploadDir: readOnly }),
      entry('failing-script'),
      entry('drop-once', { port: 22122 }),
      entry('drop-always', { port: 22122 }),
      // Nothing listens here: a stopped sshd.
      { ...entry('ok1'), host: net(99), port: 22199 },
    ];
    const cluster = (name: string, clients: ClientEntry[]) => ({ name, type: 'analysis', clients, manager: {} }) as unknown as ClusterConfig;
    // 6 MB of configuration, so the cut at 2 MB lands in the middle of the upload.
    const alphaTar = join(dir, 'alpha.tar');
    const betaTar = join(dir, 'beta.tar');
    await writeClientConfigTarball(alphaTar, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: [`${net(200)}:21732`], peers: [{ realm_name: 'BETA.MRS', ip_port: `${net(201)}:21732` }], paddingBytes: 6 * 1024 * 1024 });
    await writeClientConfigTarball(betaTar, { cluster: 'beta', realm: 'BETA.MRS', kdcs: [`${net(201)}:21732`], peers: [{ realm_name: 'ALPHA.MRS', ip_port: `${net(200)}:21732` }] });
    const deps: ClientRefreshDeps = {
      files: createLocalClientFiles(),
      clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      openHost: async (e, where) => createRemoteHost({ host: e.host, port: e.port, user: e.user, key: e.key, hostKey: e.hostKey, knownHosts: e.knownHosts, field: where.field }),
    };
    result = await refreshClients(
      deps,
      { clusters: [{ config: cluster('alpha', alphaClients), profile: '2.x' }, { config: cluster('beta', [entry('beta')]), profile: '2.x' }], tarballs: { alpha: alphaTar, beta: betaTar }, parallel: 4, retryDelayMs: 20 },
      { emit: (e) => void events.push(e) },
    );
  });

  afterAll(async () => {
    if (readOnly && immutable) execFileSync('chattr', ['-i', readOnly]);
    if (readOnly && roMount) execFileSync('umount', [readOnly]);
    await Promise.all(cutters.map((c) => c.close()));
    await stopAllSshd();
  });

  const of = (role: Role) => result.hosts.find((h) => h.host === hosts.get(role)?.ip) as ClientRefreshResult['hosts'][number];

  it('the good hosts are refreshed: krb5.conf names the peer realm, marker written, uploads removed', async () => {
    for (const role of ['ok1', 'ok2', 'ok3', 'beta'] as const) {
      expect(of(role), JSON.stringify(of(role))).toMatchObject({ status: 'ok', attempts: 1 });
      const sshd = hosts.get(role) as SshdHost;
      const krb5 = await readFile(sshd.path(KRB5), 'utf8');
      expect(krb5).toContain(role === 'beta' ? 'default_realm = BETA.MRS' : 'default_realm = ALPHA.MRS');
      expect(krb5).toContain(role === 'beta' ? 'ALPHA.MRS = {' : 'BETA.MRS = {');
      expect(await readFile(sshd.path('/opt/client/.mrs-trust-client-config'), 'utf8')).toMatch(/^(alpha|beta) [0-9a-f]{64}$/m);
      expect((await readdir(sshd.path('/tmp'))).filter((f) => f.includes('mrs-trust'))).toEqual([]);
    }
  });

  it('a wrong key: failed (SSH_AUTH_FAILED), not retried', () => {
    expect(of('wrong-key')).toMatchObject({ status: 'failed', code: 'SSH_AUTH_FAILED', step: 'connect', attempts: 1 });
  });

  it('an unknown host key: failed (HOST_KEY_UNKNOWN), nothing recorded without --accept-new', async () => {
    expect(of('unknown-key')).toMatchObject({ status: 'failed', code: 'HOST_KEY_UNKNOWN', step: 'connect', attempts: 1 });
    expect(await readFile(join(dir, 'known_hosts'), 'utf8')).toBe('');
  });

  it('a changed host key: failed (HOST_KEY_CHANGED), nothing uploaded', async () => {
    expect(of('changed-key')).toMatchObject({ status: 'failed', code: 'HOST_KEY_CHANGED', step: 'connect', attempts: 1 });
    expect((await readdir((hosts.get('changed-key') as SshdHost).path('/tmp'))).filter((f) => f.includes('mrs-trust'))).toEqual([]);
  });

  it('a non-writable upload directory: failed (UPLOAD_DIR_NOT_WRITABLE) before any upload', () => {
    expect(of('read-only-dir')).toMatchObject({ status: 'failed', code: 'UPLOAD_DIR_NOT_WRITABLE', step: 'check-upload-dir' });
    expect(of('read-only-dir').reason).toContain(readOnly);
  });

  it('a failing refreshConfig.sh: failed (REFRESH_FAILED) with its error line, run once', async () => {
    expect(of('failing-script')).toMatchObject({ status: 'failed', code: 'REFRESH_FAILED', step: 'run-refresh', attempts: 1 });
    expect(of('failing-script').reason).toBe('refreshConfig.sh exited 3: ERROR: /opt/client/HDFS is damaged');
    expect(await readFile((hosts.get('failing-script') as SshdHost).path(KRB5), 'utf8')).not.toContain('BETA.MRS');
  });

  it('a connection dropped mid-upload: retried on a new connection (ok), or failed after the attempts when it keeps dropping', () => {
    expect(of('drop-once')).toMatchObject({ status: 'ok', attempts: 2 });
    expect(of('drop-always')).toMatchObject({ status: 'failed', code: 'SSH_DISCONNECTED', step: 'upload', attempts: 3 });
    expect(cutters.map((c) => c.cuts)).toEqual([1, 3]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'step-progress', message: expect.stringMatching(/new connection in 20 ms \(attempt 2 of 3\)/) }));
  });

  it('a stopped sshd: unreachable (SSH_REFUSED) after the attempts', () => {
    expect(result.hosts.find((h) => h.host === net(99))).toMatchObject({ status: 'unreachable', code: 'SSH_REFUSED', step: 'connect', attempts: 3 });
  });

  it('the summary counts every host once', () => {
    expect(result.summary).toEqual({ ok: 5, failed: 6, unreachable: 1, skipped: 0 });
    expect(result.ok).toBe(false);
  });
});
