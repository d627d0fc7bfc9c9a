import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import { ConfigError } from '../../src/errors/index.js';
import type { RemoteHostOptions, SshTarget } from '../../src/ports/remote-host.js';
import { describeWithSshd, generateClientKey, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';

const run = promisify(execFile);

describeWithSshd('ssh adapter vs real sshd: host key policy', () => {
  let sshd: SshdHost;
  let dir: string;
  let key: string;
  const target = (over: Partial<SshTarget>): SshTarget => ({ host: sshd.ip, port: sshd.port, user: 'root', key, field: 'clusters.beta.nodes[0]', ...over });
  const attempt = async (t: SshTarget, options: RemoteHostOptions = {}) => {
    const host = createRemoteHost(t, options);
    try {
      return (await host.exec('echo reached')).stdout;
    } finally {
      await host.close();
    }
  };

  beforeAll(async () => {
    dir = await makeTempDir('ssh-hostkey-');
    const pair = await generateClientKey(dir);
    key = pair.privatePath;
    sshd = await startSshd({ ip: '127.61.2.1', authorizedKeys: [pair.publicLine] });
  });
  afterAll(async () => {
    await stopAllSshd();
  });

  it('refuses an unknown key before authenticating, and says how to pin it', async () => {
    const knownHosts = join(dir, 'empty_known_hosts');
    const error = await attempt(target({ knownHosts })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HOST_KEY_UNKNOWN', details: { fingerprint: sshd.fingerprint } });
    expect((error as Error & { hint: string }).hint).toContain('clusters.beta.nodes[0].hostKey');
    expect((error as Error & { hint: string }).hint).toContain('--accept-new');
    // The key never reached sshd: no publickey attempt was logged.
    expect(await sshd.log()).not.toMatch(/Accepted publickey|Failed publickey/);
  });

  it('accepts a matching pin and a known_hosts entry, hashed or plain, in [host]:port form', async () => {
    expect(await attempt(target({ hostKey: sshd.fingerprint }))).toBe('reached\n');
    const knownHosts = join(dir, 'known_hosts_hashed');
    await writeFile(knownHosts, `# comment\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDz5vP1mHRV0sSZ2gAEdvKaE4FpWYyYuUZq8WNdsxEtA\n[${sshd.ip}]:${sshd.port} ${sshd.hostKeyLine}\n`);
    await run('ssh-keygen', ['-H', '-f', knownHosts]);
    const text = await readFile(knownHosts, 'utf8');
    expect(text).toContain('|1|');
    expect(text).not.toContain(sshd.ip);
    expect(await attempt(target({ knownHosts }))).toBe('reached\n');
  });

  it('--accept-new records an unknown key, then trusts it; it never accepts a changed key', async () => {
    const knownHosts = join(dir, 'accept_new_known_hosts');
    const warnings: string[] = [];
    const log = { warn: (line: string) => warnings.push(line), debug: () => undefined };
    expect(await attempt(target({ knownHosts }), { acceptNew: true, log })).toBe('reached\n');
    expect(warnings.join('\n')).toContain(sshd.fingerprint);
    expect(await readFile(knownHosts, 'utf8')).toBe(`[${sshd.ip}]:${sshd.port} ${sshd.hostKeyLine}\n`);
    expect(await attempt(target({ knownHosts }))).toBe('reached\n');

    const old = sshd.fingerprint;
    await sshd.restart({ newHostKey: true });
    expect(sshd.fingerprint).not.toBe(old);
    const changed = await attempt(target({ knownHosts }), { acceptNew: true }).catch((e: unknown) => e);
    expect(changed).toMatchObject({ code: 'HOST_KEY_CHANGED', details: { fingerprint: sshd.fingerprint } });
    expect(String((changed as Error).message)).toContain(old);
    expect((changed as Error & { hint: string }).hint).toContain('clusters.beta.nodes[0].knownHosts');
    // known_hosts is left alone: still only the old key.
    expect((await readFile(knownHosts, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('a pin that does not match is HOST_KEY_CHANGED naming hostKey, even with --accept-new', async () => {
    const wrongPin = 'SHA256:' + 'A'.repeat(43);
    const error = await attempt(target({ hostKey: wrongPin }), { acceptNew: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HOST_KEY_CHANGED' });
    expect((error as Error & { hint: string }).hint).toContain('clusters.beta.nodes[0].hostKey');
  });

  it('an unreadable known_hosts file is a config error naming knownHosts', async () => {
    await expect(attempt(target({ knownHosts: dir }))).rejects.toSatisfy((e) => e instanceof ConfigError && e.path === 'clusters.beta.nodes[0].knownHosts');
  });

  it('a @revoked key is refused as changed', async () => {
    const knownHosts = join(dir, 'revoked_known_hosts');
    await writeFile(knownHosts, `@revoked * ${sshd.hostKeyLine}\n`);
    await expect(attempt(target({ knownHosts }), { acceptNew: true })).rejects.toMatchObject({ code: 'HOST_KEY_CHANGED' });
  });
});
