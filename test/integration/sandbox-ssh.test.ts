import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import { discoverFromNodes } from '../../src/adapters/ssh/krb5conf-discovery.js';
import { shellCommand } from '../../src/domain/shell.js';
import type { RemoteHost } from '../../src/ports/remote-host.js';
import { sandboxLayout } from '../../src/sandbox/layout.js';
import { startSshHosts } from '../../src/sandbox/ssh/index.js';

const SUCCESS = ['ReFresh components client config is complete.', 'Succeed to refresh components client config.'];

describe('sandbox SSH hosts (in-process ssh2 servers) driven by the ssh2 adapter', () => {
  let stateDir: string;
  let plugin: Awaited<ReturnType<typeof startSshHosts>>;
  const opened: RemoteHost[] = [];
  const connect = (cluster: string, kind: 'clients' | 'nodes', index: number) => {
    const entry = plugin.clusters[cluster]?.[kind]?.[index] as { host: string; port: number; user: string; key: string; hostKey: string };
    const host = createRemoteHost({ host: entry.host, port: entry.port, user: entry.user, key: join(stateDir, entry.key), hostKey: entry.hostKey, field: `clusters.${cluster}.${kind}[${index}]` });
    opened.push(host);
    return host;
  };
  const rootOf = (name: string) => plugin.hosts.find((h) => h.spec.name === name)?.spec.root as string;

  async function configTar(dir: string, realm: string): Promise<string> {
    const top = join(dir, 'src', 'MRS_Services_ClientConfig_ConfigFiles');
    await mkdir(join(top, 'Kerberos', 'config'), { recursive: true });
    await mkdir(join(top, 'HDFS', 'config'), { recursive: true });
    await writeFile(join(top, 'Kerberos', 'config', 'krb5.conf'), `[libdefaults]\n  default_realm = ${realm}\n[realms]\n  ${realm} = {\n    kdc = 127.62.2.11:21732\n  }\n`);
    await writeFile(join(top, 'HDFS', 'config', 'core-site.xml'), '<configuration/>\n');
    const tarPath = join(dir, 'MRS_Services_ClientConfig.tar');
    await create({ file: tarPath, cwd: join(dir, 'src') }, ['MRS_Services_ClientConfig_ConfigFiles']);
    return tarPath;
  }

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'sandbox-ssh-'));
    plugin = await startSshHosts(sandboxLayout(['alpha', 'beta'], 62), stateDir);
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((h) => h.close()));
    await plugin?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('returns clusters.yaml entries with the client key and pinned host keys for clients and nodes', () => {
    const alpha = plugin.clusters.alpha;
    expect(alpha?.clients).toHaveLength(2);
    expect(alpha?.nodes?.map((n) => n.host)).toEqual(['127.62.1.11', '127.62.1.12', '127.62.1.13']);
    expect(alpha?.clients?.[0]).toMatchObject({ host: '127.62.1.21', port: 2222, user: 'root', key: 'ssh/id_ed25519', clientDir: '/opt/client', uploadDir: '/tmp', hostKey: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) });
    const pins = Object.values(plugin.clusters).flatMap((c) => [...(c.clients ?? []), ...(c.nodes ?? [])].map((e) => e.hostKey));
    expect(new Set(pins).size).toBe(pins.length);
  });

  it('runs real commands in the host directory, with host paths mapped and exit codes and stderr kept', async () => {
    const host = connect('alpha', 'clients', 0);
    const result = await host.exec('echo $HOME; pwd; ls /opt/client; echo oops >&2; exit 7');
    expect(result.exitCode).toBe(7);
    expect(result.stdout.split('\n')).toEqual(['/root', '/root', 'KrbClient', 'bigdata_env', 'refreshConfig.sh', '']);
    expect(result.stderr).toBe('oops\n');
    await host.exec('echo mine > /tmp/who');
    const other = connect('alpha', 'clients', 1);
    expect((await other.exec('cat /tmp/who 2>/dev/null; echo "[$?]"')).stdout).toBe('[1]\n');
    expect(await readFile(join(rootOf('client1.alpha'), 'tmp', 'who'), 'utf8')).toBe('mine\n');
  });

  it('refuses a key that is not authorized and a wrong host key pin', async () => {
    const entry = plugin.clusters.alpha?.clients?.[0] as { host: string; hostKey: string };
    const { utils } = await import('ssh2');
    const stranger = utils.generateKeyPairSync('ed25519');
    await writeFile(join(stateDir, 'stranger'), stranger.private, { mode: 0o600 });
    const noKey = createRemoteHost({ host: entry.host, port: 2222, user: 'root', key: join(stateDir, 'stranger'), hostKey: entry.hostKey, field: 'clusters.alpha.clients[0]' });
    await expect(noKey.connect()).rejects.toMatchObject({ code: 'SSH_AUTH_FAILED' });
    const other = plugin.clusters.beta?.clients?.[0] as { hostKey: string };
    const wrongPin = createRemoteHost({ host: entry.host, port: 2222, user: 'root', key: join(stateDir, 'ssh/id_ed25519'), hostKey: other.hostKey, field: 'clusters.alpha.clients[0]' });
    await expect(wrongPin.connect()).rejects.toMatchObject({ code: 'HOST_KEY_CHANGED' });
  });

  it('uploads through SFTP with the hash verified on the host, then refreshConfig.sh installs the config', async () => {
    const host = connect('beta', 'clients', 0);
    const tarPath = await configTar(join(stateDir, 'work-ok'), 'ALPHA.MRS');
    const uploaded = await host.uploadFile(tarPath, '/tmp/MRS_Services_ClientConfig.tar');
    expect(uploaded.bytes).toBeGreaterThan(0);
    const refresh = await host.exec(`cd /opt/client && ${shellCommand('sh', 'refreshConfig.sh', '/opt/client', '/tmp/MRS_Services_ClientConfig.tar')}`);
    expect(refresh.stderr).toBe('');
    expect(refresh.exitCode).toBe(0);
    expect(refresh.stdout.trim().split('\n')).toEqual(SUCCESS);
    const krb5 = await host.readFile('/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf');
    expect(krb5.toString()).toContain('default_realm = ALPHA.MRS');
    expect((await host.exec('cat /opt/client/HDFS/config/core-site.xml')).stdout).toBe('<configuration/>\n');
  });

  it('refreshConfig.sh fails with a non-zero exit on a bad tarball, and on a hang fault is killed by the timeout', async () => {
    const host = connect('beta', 'clients', 1);
    await host.uploadStream((await import('node:stream')).Readable.from([Buffer.from('this is not a tar archive')]), '/tmp/bad.tar');
    const bad = await host.exec('sh /opt/client/refreshConfig.sh /opt/client /tmp/bad.tar');
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).not.toContain(SUCCESS[1]);
    expect(bad.stderr).toContain('Failed to refresh components client config.');

    await writeFile(join(rootOf('client2.beta'), '.sandbox', 'refresh-fault'), 'hang\n');
    await expect(host.exec('sh /opt/client/refreshConfig.sh /opt/client /tmp/bad.tar', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'SSH_TIMEOUT' });
    await writeFile(join(rootOf('client2.beta'), '.sandbox', 'refresh-fault'), 'fail\n');
    expect((await host.exec('sh /opt/client/refreshConfig.sh /opt/client /tmp/bad.tar')).exitCode).toBe(1);
    await rm(join(rootOf('client2.beta'), '.sandbox', 'refresh-fault'));
  });

  it('a cluster node carries a client krb5.conf naming its realm and KDCs', async () => {
    const node = connect('alpha', 'nodes', 0);
    const text = (await node.readFile('/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf')).toString();
    expect(text).toContain('default_realm = ALPHA.MRS');
    expect(text).toContain('kdc = 127.62.1.11:21732');
    expect(text).toContain('kdc = 127.62.1.12:21732');
  });

  it('krb5conf discovery reads realm and KDCs from the first node that has a client krb5.conf', async () => {
    const krb5 = join(rootOf('master1.beta'), 'opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf');
    const saved = await readFile(krb5, 'utf8');
    await rm(krb5);
    try {
      const found = await discoverFromNodes([connect('beta', 'nodes', 0), connect('beta', 'nodes', 1)], 'clusters.beta');
      expect(found).toEqual({
        realm: 'BETA.MRS',
        kdcs: [{ ip: '127.62.2.11', port: 21732 }, { ip: '127.62.2.12', port: 21732 }],
        peers: [],
        source: 'root@127.62.2.12:2222:/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf',
      });
      await expect(discoverFromNodes([connect('beta', 'nodes', 0)], 'clusters.beta')).rejects.toMatchObject({ code: 'KRB5CONF_NOT_FOUND', hint: expect.stringContaining('clusters.beta.manager.discovery') });
    } finally {
      await writeFile(krb5, saved);
    }
  });

  it('the ssh-fault marker cuts an upload mid-way: SSH_DISCONNECTED and no complete-looking file', async () => {
    await writeFile(join(rootOf('master2.alpha'), '.sandbox', 'ssh-fault'), 'drop-after-bytes 100000\n');
    const node = connect('alpha', 'nodes', 1);
    const { Readable } = await import('node:stream');
    const data = Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 7));
    await expect(node.uploadStream(Readable.from(data), '/tmp/cut.tar')).rejects.toMatchObject({ code: 'SSH_DISCONNECTED' });
    const { readdir } = await import('node:fs/promises');
    const names = await readdir(join(rootOf('master2.alpha'), 'tmp'));
    expect(names).not.toContain('cut.tar');
    await rm(join(rootOf('master2.alpha'), '.sandbox', 'ssh-fault'));
  });
});
