import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import { Secret } from '../../src/domain/secret.js';
import { ConfigError, RemoteError } from '../../src/errors/index.js';
import type { SshTarget } from '../../src/ports/remote-host.js';
import { describeWithSshd, generateClientKey, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';

describeWithSshd('ssh adapter vs real sshd: authentication and exec', () => {
  let sshd: SshdHost;
  let dir: string;
  let plainKey: string;
  let lockedKey: string;
  const base = (over: Partial<SshTarget>): SshTarget => ({ host: sshd.ip, port: sshd.port, user: 'root', hostKey: sshd.fingerprint, field: 'clusters.alpha.clients[0]', ...over });

  beforeAll(async () => {
    dir = await makeTempDir('ssh-auth-');
    const plain = await generateClientKey(dir, 'plain');
    const locked = await generateClientKey(dir, 'locked', 'correct horse');
    plainKey = plain.privatePath;
    lockedKey = locked.privatePath;
    sshd = await startSshd({ ip: '127.61.1.1', authorizedKeys: [plain.publicLine, locked.publicLine], password: 'S3cret-pw' });
  });
  afterAll(async () => {
    await stopAllSshd();
  });

  it('logs in with a key and captures exit code, stdout and stderr', async () => {
    const host = createRemoteHost(base({ key: plainKey }));
    try {
      const result = await host.exec('echo out; echo err >&2; exit 3');
      expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
      expect((await host.exec('cat', { stdin: 'fed in' })).stdout).toBe('fed in');
      expect(host.label).toBe(`root@127.61.1.1:${sshd.port}`);
    } finally {
      await host.close();
    }
  });

  it('logs in with an encrypted key and its passphrase; a wrong or missing passphrase is a config error', async () => {
    const ok = createRemoteHost(base({ key: lockedKey, passphrase: new Secret('correct horse', 'test') }));
    expect((await ok.exec('echo yes')).stdout).toBe('yes\n');
    await ok.close();
    const wrong = createRemoteHost(base({ key: lockedKey, passphrase: new Secret('wrong', 'test') }));
    await expect(wrong.connect()).rejects.toSatisfy((e) => e instanceof ConfigError && e.path === 'clusters.alpha.clients[0].keyPassphrase');
    const missing = createRemoteHost(base({ key: lockedKey }));
    await expect(missing.connect()).rejects.toSatisfy((e) => e instanceof ConfigError && /encrypted/.test(e.message));
  });

  it('logs in with a password; a wrong password is SSH_AUTH_FAILED naming the field', async () => {
    const ok = createRemoteHost(base({ password: new Secret('S3cret-pw', 'test') }));
    expect((await ok.exec('id -u')).stdout).toBe('0\n');
    await ok.close();
    const bad = createRemoteHost(base({ password: new Secret('nope', 'test') }));
    const error = await bad.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('SSH_AUTH_FAILED');
    expect((error as RemoteError).hint).toContain('clusters.alpha.clients[0].password');
  });

  it('an unauthorized key is SSH_AUTH_FAILED', async () => {
    const stranger = await generateClientKey(dir, 'stranger');
    const host = createRemoteHost(base({ key: stranger.privatePath }));
    await expect(host.connect()).rejects.toMatchObject({ code: 'SSH_AUTH_FAILED' });
  });

  it('a closed port is SSH_REFUSED naming host and port fields', async () => {
    const host = createRemoteHost(base({ key: plainKey, port: sshd.port + 1 }));
    await expect(host.connect()).rejects.toMatchObject({ code: 'SSH_REFUSED', hint: expect.stringContaining('clusters.alpha.clients[0].port') });
  });

  it('an unreadable key file is a config error naming the key field', async () => {
    const host = createRemoteHost(base({ key: join(dir, 'absent') }));
    await expect(host.connect()).rejects.toSatisfy((e) => e instanceof ConfigError && e.path === 'clusters.alpha.clients[0].key');
    await writeFile(join(dir, 'garbage'), 'not a key');
    await expect(createRemoteHost(base({ key: join(dir, 'garbage') })).connect()).rejects.toBeInstanceOf(ConfigError);
  });

  it('a command over its timeout is SSH_TIMEOUT and is killed on the host', async () => {
    const host = createRemoteHost(base({ key: plainKey }));
    try {
      await expect(host.exec('echo $$ > /tmp/shell.pid; sleep 30; touch /tmp/finished', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'SSH_TIMEOUT' });
      // The connection stays usable, and the shell that ran the command is gone.
      const pid = (await host.exec('cat /tmp/shell.pid')).stdout.trim();
      expect(pid).toMatch(/^\d+$/);
      // The host's `timeout` ends it one second after the client's deadline.
      const gone = await host.exec(`for i in $(seq 1 200); do test -d /proc/${pid} || exit 0; sleep 0.05; done; exit 1`);
      expect(gone.exitCode).toBe(0);
      // Exactly `sleep 30` (end of line): other tests' `sleep 300` share the process list.
      expect((await host.exec('ps -eo pid,ppid,args | grep "slee[p] 30$" || true')).stdout).toBe('');
    } finally {
      await host.close();
    }
  });

  it('runs more concurrent commands on one connection than sshd MaxSessions (10) allows at once', async () => {
    const host = createRemoteHost(base({ key: plainKey }));
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => host.exec(`sleep 0.1; echo ${i}`)));
      expect(results.map((r) => Number(r.stdout.trim()))).toEqual(Array.from({ length: 30 }, (_, i) => i));
    } finally {
      await host.close();
    }
  });
});
