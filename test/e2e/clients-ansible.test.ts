import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeClientConfigTarball } from '../../src/sandbox/client-config.js';
import { installClient } from '../../src/sandbox/ssh/client-install.js';
import { clientExportResultSchema } from '../../src/workflow/clients/export-schema.js';
import { clientRefreshResultSchema } from '../../src/workflow/clients/result-schema.js';
import { runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';
import { describeWithSshd, generateClientKey, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';

// Addresses 127.60.x.x belong to this file.
const net = (i: number) => `127.60.0.${i}`;
const KRB5 = '/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf';
const MARKER = '/opt/client/.mrs-trust-client-config';
const ansible = requireBinary('ansible-playbook', 'ansible-core');

function playbook(dir: string, out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Ansible's own state (control sockets, temp files, ~/.ansible) stays in this test's directory.
  const env = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'), ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_PYTHON_INTERPRETER: 'auto_silent' };
  return new Promise((resolve) => {
    execFile('ansible-playbook', ['-i', join(out, 'inventory.yml'), join(out, 'refresh-clients.yml')], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** `host : ok=N changed=M …` lines of the PLAY RECAP. */
const recap = (stdout: string) => Object.fromEntries([...stdout.matchAll(/^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)].map((m) => [m[1], { ok: Number(m[2]), changed: Number(m[3]), unreachable: Number(m[4]), failed: Number(m[5]) }]));

(ansible.available ? describeWithSshd : (name: string, body: () => void) => describeWithSshd(`${name} (skipped: ${ansible.reason})`, () => it.skip('needs ansible-core', body)))('clients export --format ansible: the exported playbook run by ansible-core against real OpenSSH', () => {
  let dir: string;
  let config: string;
  const hosts: SshdHost[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('clients-ansible-');
    const pair = await generateClientKey(dir);
    const realms = ['ALPHA.MRS', 'BETA.MRS'];
    for (let i = 0; i < 3; i += 1) {
      const sshd = await startSshd({ ip: net(i + 1), authorizedKeys: [pair.publicLine] });
      hosts.push(sshd);
      await installClient(sshd.root, i < 2 ? 'ALPHA.MRS' : 'BETA.MRS', [`${net(200)}:21732`]);
    }
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, hosts.map((h) => `[${h.ip}]:${h.port} ${h.hostKeyLine}\n`).join(''));
    const client = (h: SshdHost) => [`      - host: ${h.ip}`, `        port: ${h.port}`, '        user: root', `        key: ${pair.privatePath}`, `        knownHosts: ${knownHosts}`, '        clientDir: /opt/client', '        uploadDir: /tmp'];
    const cluster = (name: string, clients: SshdHost[]) => [`  ${name}:`, '    type: analysis', '    mrsVersion: "2.1.0"', '    manager:', `      url: https://${net(210)}:28443`, '      user: admin', '      password: { env: ANSIBLE_TEST_UNUSED }', '    clients:', ...clients.flatMap(client)];
    config = join(dir, 'clusters.yaml');
    await writeFile(config, ['version: 1', 'clusters:', ...cluster('alpha', hosts.slice(0, 2)), ...cluster('beta', hosts.slice(2)), ''].join('\n'));
    await writeClientConfigTarball(join(dir, 'alpha.tar'), { cluster: 'alpha', realm: realms[0] as string, kdcs: [`${net(200)}:21732`], peers: [{ realm_name: 'BETA.MRS', ip_port: `${net(201)}:21732` }] });
    await writeClientConfigTarball(join(dir, 'beta.tar'), { cluster: 'beta', realm: realms[1] as string, kdcs: [`${net(201)}:21732`], peers: [{ realm_name: 'ALPHA.MRS', ip_port: `${net(200)}:21732` }] });
  });
  afterAll(() => stopAllSshd());

  it('exports, runs, reaches the same outcome as clients refresh, and a second run changes nothing', async () => {
    const out = join(dir, 'export');
    const exported = await runCli(['clients', 'export', 'alpha', 'beta', '--format', 'ansible', '--out', out, '--tarball', `alpha=${join(dir, 'alpha.tar')},beta=${join(dir, 'beta.tar')}`, '--config', config, '--json'], { env: { SSH_AUTH_SOCK: '' } });
    expect(exported.code, exported.stderr).toBe(0);
    const doc = clientExportResultSchema.parse(JSON.parse(exported.stdout));
    expect(doc.hosts.map((h) => [h.cluster, h.sources])).toEqual([['alpha', ['alpha']], ['alpha', ['alpha']], ['beta', ['beta']]]);
    const inventory = await readFile(join(out, 'inventory.yml'), 'utf8');
    expect(inventory).toContain('ansible_ssh_private_key_file');
    expect(inventory).not.toMatch(/password|passphrase:/i);
    // No host was contacted by the export itself.
    for (const h of hosts) expect(await h.log()).not.toContain('Accepted publickey');

    const first = await playbook(dir, out);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    const firstRecap = recap(first.stdout);
    expect(Object.values(firstRecap).map((r) => [r.failed, r.unreachable, r.changed > 0])).toEqual([[0, 0, true], [0, 0, true], [0, 0, true]]);
    for (const [i, h] of hosts.entries()) {
      const krb5 = await readFile(h.path(KRB5), 'utf8');
      expect(krb5).toContain(i < 2 ? 'default_realm = ALPHA.MRS' : 'default_realm = BETA.MRS');
      expect(krb5).toContain(i < 2 ? 'BETA.MRS = {' : 'ALPHA.MRS = {');
      expect(await readFile(h.path(MARKER), 'utf8')).toMatch(i < 2 ? /^alpha [0-9a-f]{64}$/m : /^beta [0-9a-f]{64}$/m);
      expect((await readdir(h.path('/tmp'))).filter((f) => f.includes('mrs-trust'))).toEqual([]);
    }

    // The same outcome as `clients refresh`: it finds every host already current.
    const refresh = await runCli(['clients', 'refresh', 'alpha', 'beta', '--tarball', `alpha=${join(dir, 'alpha.tar')}`, '--tarball', `beta=${join(dir, 'beta.tar')}`, '--config', config, '--json'], { env: { SSH_AUTH_SOCK: '' } });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(clientRefreshResultSchema.parse(JSON.parse(refresh.stdout)).summary).toEqual({ ok: 0, failed: 0, unreachable: 0, skipped: 3 });

    const second = await playbook(dir, out);
    expect(second.code, second.stdout).toBe(0);
    expect(Object.values(recap(second.stdout)).map((r) => r.changed)).toEqual([0, 0, 0]);
  }, 600_000); // ansible-playbook starts Python per host and task: slow on a loaded 2-core machine
});
