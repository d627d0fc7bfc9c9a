import { readdir, readFile, stat, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalClientFiles } from '../../src/adapters/client-config/files.js';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import type { ClusterConfig } from '../../src/config/load.js';
import type { ClientEntry } from '../../src/config/schema.js';
import { writeClientConfigTarball } from '../../src/sandbox/client-config.js';
import { installClient } from '../../src/sandbox/ssh/client-install.js';
import { refreshClients, type ClientRefreshDeps, type ClientRefreshRequest } from '../../src/workflow/clients/index.js';
import { describeWithSshd, generateClientKey, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';

// Addresses 127.59.x.x belong to this file.
const net = (i: number) => `127.59.0.${i}`;
const HANG = '#!/bin/sh\necho "$2" > /tmp/hang-arg\nwhile :; do sleep 86399; done\n';

/** Pids of processes on this machine whose command line contains `text`. */
async function processesWith(text: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    if (cmd.includes(text)) out.push(Number(entry));
  }
  return out;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describeWithSshd('clients refresh on real OpenSSH: two shell sessions per host, host-side kill, private work dirs', () => {
  let dir: string;
  let key: string;
  const hosts: SshdHost[] = [];
  let alphaTar: string;

  beforeAll(async () => {
    dir = await makeTempDir('clients-sessions-');
    const pair = await generateClientKey(dir);
    key = pair.privatePath;
    for (let i = 1; i <= 3; i += 1) {
      const sshd = await startSshd({ ip: net(i), authorizedKeys: [pair.publicLine] });
      hosts.push(sshd);
      await installClient(sshd.root, 'ALPHA.MRS', [`${net(200)}:21732`]);
      // A login shell that reads a start-up file, as MRS client hosts do (bigdata_env): Debian's
      // bash reads ~/.bashrc for commands sshd runs. Each shell session leaves one line; the
      // distribution's sftp-server (the upload) also starts through the shell and is not counted.
      await writeFile(sshd.path('/root/.bashrc'), 'case "$BASH_EXECUTION_STRING" in *sftp-server*) ;; *) echo "$$" >> /root/startups ;; esac\n');
    }
    alphaTar = join(dir, 'alpha.tar');
    await writeClientConfigTarball(alphaTar, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: [`${net(200)}:21732`], peers: [], paddingBytes: 1024 * 1024 });
  });
  afterAll(async () => {
    for (const pid of await processesWith('sleep 86399')) process.kill(pid, 'SIGKILL');
    await stopAllSshd();
  });

  const deps: ClientRefreshDeps = {
    files: createLocalClientFiles(),
    clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    openHost: async (e, where) => createRemoteHost({ host: e.host, port: e.port, user: e.user, key: e.key, hostKey: e.hostKey, field: where.field }),
  };
  const entry = (h: SshdHost): ClientEntry => ({ host: h.ip, port: h.port, user: 'root', key, hostKey: h.fingerprint, clientDir: '/opt/client', uploadDir: '/tmp' });
  const request = (h: SshdHost, extra: Partial<ClientRefreshRequest> = {}): ClientRefreshRequest => ({
    clusters: [{ config: { name: 'alpha', type: 'analysis', clients: [entry(h)], manager: {} } as unknown as ClusterConfig, profile: '2.x' }],
    tarballs: { alpha: alphaTar },
    ...extra,
  });
  const sessions = async (h: SshdHost) => ((await h.log()).match(/Starting session: command/g) ?? []).length;
  const startups = async (h: SshdHost) => (await readFile(h.path('/root/startups'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

  it('a refresh is two shell sessions on the host (read, then apply), each a login shell; a current host is one', async () => {
    const h = hosts[0] as SshdHost;
    // A symlink planted where the marker goes is replaced, never followed.
    await symlink('/root/victim', h.path('/opt/client/.mrs-trust-client-config'));
    await writeFile(h.path('/root/victim'), 'untouched\n');
    const result = await refreshClients(deps, request(h), { emit: () => undefined });
    expect(result.hosts[0], JSON.stringify(result.hosts[0])).toMatchObject({ status: 'ok' });
    expect(await sessions(h)).toBe(2);
    expect(await startups(h)).toBe(2);
    expect(await readFile(h.path('/root/victim'), 'utf8')).toBe('untouched\n');
    expect((await lstat(h.path('/opt/client/.mrs-trust-client-config'))).isFile()).toBe(true);
    expect((await readdir(h.path('/tmp'))).filter((f) => f.includes('mrs-trust'))).toEqual([]);
    const again = await refreshClients(deps, request(h), { emit: () => undefined });
    expect(again.hosts[0]).toMatchObject({ status: 'skipped' });
    expect(await sessions(h)).toBe(3);
  });

  it('a refreshConfig.sh that hangs is killed on the host at the per-host timeout; its mktemp work dir is private; the next run sweeps it', async () => {
    const h = hosts[1] as SshdHost;
    await writeFile(h.path('/opt/client/refreshConfig.sh'), HANG);
    const result = await refreshClients(deps, request(h, { hostTimeoutMs: 3000 }), { emit: () => undefined });
    expect(result.hosts[0]).toMatchObject({ status: 'failed', code: 'HOST_TIMEOUT', step: 'apply' });
    // It ran: with the upload inside a fresh `mktemp -d` dir under uploadDir, mode 0700.
    const arg = (await readFile(h.path('/tmp/hang-arg'), 'utf8')).trim();
    expect(arg).toMatch(/^\/tmp\/\.mrs-trust\.[A-Za-z0-9]{8}\/alpha-alpha\.tar$/);
    const work = arg.replace(/\/[^/]+$/, '');
    await until(async () => (await processesWith('sleep 86399')).length === 0, 'the hung refreshConfig.sh is gone');
    // Killed: the dir stays (a process that ignored TERM might still read it) ...
    expect(((await stat(h.path(work))).mode & 0o777).toString(8)).toBe('700');
    // ... until the next run finds its script gone and removes it.
    await installClient(h.root, 'ALPHA.MRS', [`${net(200)}:21732`]);
    await writeFile(h.path('/opt/client/refreshConfig.sh'), (await import('../../src/sandbox/ssh/client-install.js')).REFRESH_SCRIPT);
    const next = await refreshClients(deps, request(h), { emit: () => undefined });
    expect(next.hosts[0]).toMatchObject({ status: 'ok' });
    expect((await readdir(h.path('/tmp'))).filter((f) => f.includes('mrs-trust'))).toEqual([]);
  });

  it('Ctrl-C during refreshConfig.sh: the script dies on the host with its channel (watchdog), the run is interrupted', async () => {
    const h = hosts[2] as SshdHost;
    await writeFile(h.path('/opt/client/refreshConfig.sh'), HANG);
    const abort = new AbortController();
    const started = until(async () => (await processesWith('sleep 86399')).length > 0, 'the script started').then(() => abort.abort());
    const result = await refreshClients(deps, request(h, { signal: abort.signal }), { emit: () => undefined }).catch((e: unknown) => e);
    await started;
    expect(result).toMatchObject({ code: 'INTERRUPTED' });
    await until(async () => (await processesWith('sleep 86399')).length === 0, 'the hung refreshConfig.sh is gone after Ctrl-C');
  });
});
