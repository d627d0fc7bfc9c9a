import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sshTrustResultSchema } from '../../src/workflow/ssh-trust/result.js';
import { BIN, runCli } from '../support/cli.js';
import { requireBinary } from '../support/require-binary.js';
import { TmuxSession } from '../support/tmux.js';
import { describeWithSshd, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';

const run = promisify(execFile);
// Addresses 127.140.x.x belong to this file.
const ip = (i: number) => `127.140.1.${i}`;
const PORT = 22140;
const PASSWORD = 'Trust-Me-7f3c1e';

interface Host {
  user: string;
  uid: number;
  /** The home as the host sees it. */
  home: string;
  sshd: SshdHost;
}

/**
 * Plain OpenSSH, as the user of host `from`, to host `to`: never asks (BatchMode). `anyHostKey`
 * skips the host key check (after revoke, to see which methods the server still offers).
 */
async function plainSsh(from: Host, to: Host, anyHostKey = false): Promise<{ code: number; output: string }> {
  const hostKeyCheck = anyHostKey ? ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'] : ['-o', 'StrictHostKeyChecking=yes'];
  try {
    // Inside host `from`'s own mount namespace (its passwd, its /home), as its user.
    const { stdout, stderr } = await run('nsenter', ['-t', String(from.sshd.pid), '-m', '--', 'runuser', '-u', from.user, '--', 'env', `HOME=${from.home}`, 'ssh', '-n', '-o', 'BatchMode=yes', ...hostKeyCheck, '-o', 'ConnectTimeout=5', '-p', String(to.sshd.port), '-l', to.user, to.sshd.ip, 'echo', 'reached'], { timeout: 20_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sshDir = (h: Host) => h.sshd.path(`${h.home}/.ssh`);
const sshFile = (h: Host, name: string) => readFile(join(sshDir(h), name)).catch(() => Buffer.alloc(0));

/** Every file under each user's ~/.ssh, hashed. */
async function snapshot(hosts: Host[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of hosts) {
    const names = await readdir(sshDir(h)).catch(() => [] as string[]);
    for (const n of names) out[`${h.user}/${n}`] = sha(await readFile(join(sshDir(h), n)));
  }
  return out;
}

describeWithSshd('ssh trust / ssh revoke vs real OpenSSH (3 isolated hosts)', () => {
  const hosts: Host[] = [];
  let dir: string;
  let home: string;
  let hostFile: string;
  let hostKeys: string;
  let passwordFile: string;
  const preExisting = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDz5vP1mHRV0sSZ2gAEdvKaE4FpWYyYuUZq8WNdsxEtA  someone@else (kept byte for byte)';
  const before = new Map<string, Buffer>();
  const env = () => ({ HOME: home, SSH_AUTH_SOCK: '' });
  const cli = (args: string[], input = '') => runCli(args, { env: env(), cwd: dir, input });

  beforeAll(async () => {
    dir = await makeTempDir('ssh-trust-e2e-');
    home = join(dir, 'controller');
    await run('mkdir', ['-p', '-m', '700', home]);
    // Each host has its own user (its own passwd, shadow and /home: nothing shared).
    for (let i = 1; i <= 3; i += 1) {
      const user = `trust${i}`;
      const uid = 41400 + i;
      const sshd = await startSshd({ ip: ip(i), port: PORT, users: [{ name: user, uid, password: PASSWORD, shell: '/bin/sh' }] });
      hosts.push({ user, uid, home: `/home/${user}`, sshd });
    }
    // Host 1 already has a trust line of its own and a stray known_hosts entry.
    const h1 = hosts[0] as Host;
    await writeFile(join(sshDir(h1), 'authorized_keys'), `${preExisting}\n`, { mode: 0o600 });
    await writeFile(join(sshDir(h1), 'known_hosts'), 'old.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDz5vP1mHRV0sSZ2gAEdvKaE4FpWYyYuUZq8WNdsxEtA\n', { mode: 0o644 });
    await run('chown', [`${h1.uid}:${h1.uid}`, join(sshDir(h1), 'authorized_keys'), join(sshDir(h1), 'known_hosts')]);
    for (const h of hosts) for (const f of ['authorized_keys', 'known_hosts']) before.set(`${h.user}/${f}`, await sshFile(h, f));
    hostFile = join(dir, 'hosts');
    await writeFile(hostFile, `# three hosts, each its own user\n${hosts.map((h) => `${h.user}@${h.sshd.ip}:${h.sshd.port}`).join('\n')}\n${(hosts[1] as Host).user}@${ip(2)}:${PORT}   # a repeat, dropped\n`);
    hostKeys = join(dir, 'pinned_known_hosts');
    await writeFile(hostKeys, hosts.map((h) => `[${h.sshd.ip}]:${h.sshd.port} ${h.sshd.hostKeyLine}\n`).join(''));
    passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  }, 60_000);

  afterAll(async () => {
    await stopAllSshd();
  });

  it('before: plain ssh between the hosts does not get in', async () => {
    const r = await plainSsh(hosts[0] as Host, hosts[1] as Host);
    expect(r.code).not.toBe(0);
  });

  it('a fresh set of 3 becomes fully trusted: 6/6 ordered pairs, each host its own key, the old line kept byte for byte', async () => {
    const log = join(dir, 'trust.log');
    const r = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', passwordFile, '--host-keys', hostKeys, '--log', log, '--json']);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.code, r.stderr).toBe(0);
    const result = sshTrustResultSchema.parse(JSON.parse(r.stdout));
    expect(result).toMatchObject({ ok: true, changed: true, matrix: { verified: true, total: 6, ok: 6 } });
    expect(result.duplicates).toEqual([{ line: 5, firstLine: 3, label: `${(hosts[1] as Host).user}@${ip(2)}:${PORT}` }]);
    expect(result.hosts.every((h) => h.key?.generated === true && h.hostKey?.source === 'pinned')).toBe(true);
    const logText = await readFile(log, 'utf8');
    expect(logText).toContain('append ~/.ssh/authorized_keys');
    expect(logText).not.toContain(PASSWORD);

    for (const from of hosts) for (const to of hosts) if (from !== to) expect((await plainSsh(from, to)).output).toContain('reached');
    // No private key exists on two hosts.
    const privates = await Promise.all(hosts.map((h) => sshFile(h, 'id_ed25519')));
    expect(new Set(privates.map(sha)).size).toBe(3);
    // The pre-existing line is still the first line, byte for byte.
    const h1Keys = (await sshFile(hosts[0] as Host, 'authorized_keys')).toString('utf8');
    expect(h1Keys.startsWith(`${preExisting}\n`)).toBe(true);
    // known_hosts names the peers as the user types them ([ip]:port for port ≠ 22).
    expect((await sshFile(hosts[0] as Host, 'known_hosts')).toString()).toContain(`[${ip(2)}]:${PORT} ssh-ed25519`);
    // StrictModes: ~/.ssh 700, authorized_keys not group/world writable, owned by the user.
    const h3 = hosts[2] as Host;
    const { stdout } = await run('stat', ['-c', '%a %u', sshDir(h3), join(sshDir(h3), 'authorized_keys'), join(sshDir(h3), 'id_ed25519')]);
    expect(stdout.split('\n').filter(Boolean)).toEqual([`700 ${h3.uid}`, `600 ${h3.uid}`, `600 ${h3.uid}`]);
  }, 120_000);

  it('a second run changes no file and says so', async () => {
    const snap = await snapshot(hosts);
    const r = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', passwordFile, '--host-keys', hostKeys]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nothing changed');
    expect(r.stdout).toContain('6/6 ordered pairs');
    expect(await snapshot(hosts)).toEqual(snap);
  }, 120_000);

  it('--dry-run on a trusted set lists nothing to do and runs no check', async () => {
    const r = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', passwordFile, '--host-keys', hostKeys, '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = sshTrustResultSchema.parse(JSON.parse(r.stdout));
    expect(result).toMatchObject({ dryRun: true, changed: false, matrix: { verified: false } });
  }, 60_000);

  it('a changed host key is refused and named; nothing is written to that host; the others go on (exit 5)', async () => {
    const h3 = hosts[2] as Host;
    const snap = await snapshot([h3]);
    const old = h3.sshd.fingerprint;
    await h3.sshd.restart({ newHostKey: true });
    const logBefore = (await h3.sshd.log()).length;
    const r = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', passwordFile, '--host-keys', hostKeys, '--json']);
    expect(r.code).toBe(5);
    const result = sshTrustResultSchema.parse(JSON.parse(r.stdout));
    const failed = result.hosts.find((h) => h.user === h3.user);
    expect(failed?.error).toMatchObject({ step: 'check-host-keys', code: 'HOST_KEY_CHANGED' });
    expect(failed?.error?.message).toContain(h3.sshd.fingerprint);
    expect(failed?.error?.message).toContain(old);
    expect(result.matrix.pairs.filter((p) => p.status === 'not-run')).toHaveLength(4);
    expect(await snapshot([h3])).toEqual(snap);
    // No password attempt reached the rebuilt host.
    expect((await h3.sshd.log()).slice(logBefore)).not.toMatch(/Accepted password|Failed password|publickey/);
    // Put the old key back for the rest of the file: a host rebuilt with the same key.
    await writeFile(hostKeys, (await readFile(hostKeys, 'utf8')).replace(/.*127\.140\.1\.3.*\n/, `[${h3.sshd.ip}]:${h3.sshd.port} ${h3.sshd.hostKeyLine}\n`));
  }, 120_000);

  it('revoke leaves exactly the lines that were there before, and plain ssh asks for a password again', async () => {
    const r = await cli(['ssh', 'revoke', '-f', hostFile, '--password-file', passwordFile, '--host-keys', hostKeys]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    for (const h of hosts) {
      for (const f of ['authorized_keys', 'known_hosts']) {
        const now = await sshFile(h, f);
        expect(now.toString('utf8'), `${h.user} ${f}`).toBe((before.get(`${h.user}/${f}`) as Buffer).toString('utf8'));
      }
    }
    expect((await plainSsh(hosts[0] as Host, hosts[1] as Host)).output).toContain('Host key verification failed');
    const again = await plainSsh(hosts[0] as Host, hosts[1] as Host, true);
    expect(again.code).toBe(255);
    expect(again.output).toMatch(/Permission denied \(.*password.*\)/);
    // Keys stay without --remove-keys; with it, only the pairs mrs-trust generated go.
    expect((await sshFile(hosts[0] as Host, 'id_ed25519')).length).toBeGreaterThan(0);
    const second = await cli(['ssh', 'revoke', '-f', hostFile, '--password-file', passwordFile, '--host-keys', hostKeys, '--remove-keys']);
    expect(second.code, second.stderr).toBe(0);
    for (const h of hosts) expect((await sshFile(h, 'id_ed25519')).length).toBe(0);
  }, 120_000);

  it('a wrong password fails that host with a named cause; with no host left it is exit 4', async () => {
    const wrong = join(dir, 'wrong');
    await writeFile(wrong, 'not-the-password\n');
    const r = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', wrong, '--host-keys', hostKeys, '--json']);
    expect(r.code).toBe(4);
    const doc = JSON.parse(r.stdout);
    expect(doc.hosts.map((h: { error?: { code: string } }) => h.error?.code)).toEqual(['SSH_AUTH_FAILED', 'SSH_AUTH_FAILED', 'SSH_AUTH_FAILED']);
    expect(r.stderr).toContain('--password-file');
  }, 60_000);

  it('bad host lines stop before any connection (exit 2, file:line)', async () => {
    const bad = join(dir, 'bad-hosts');
    await writeFile(bad, `${ip(1)}:${PORT}\nx;id@${ip(2)}\n`);
    const logBefore = await (hosts[0] as Host).sshd.log();
    const r = await cli(['ssh', 'trust', '-f', bad, '--password-file', passwordFile, '--host-keys', hostKeys]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2`);
    expect(await (hosts[0] as Host).sshd.log()).toBe(logBefore);
  });

  it('unknown host keys without a terminal: exit 2 naming --accept-new; with --accept-new they are recorded', async () => {
    const r = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', passwordFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--accept-new');
    const accepted = await cli(['ssh', 'trust', '-f', hostFile, '--password-file', passwordFile, '--accept-new']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain('6/6 ordered pairs');
    const known = await readFile(join(home, '.ssh', 'known_hosts'), 'utf8');
    for (const h of hosts) expect(known).toContain(`[${h.sshd.ip}]:${h.sshd.port} ${h.sshd.hostKeyLine}`);
    // The password from stdin works as well as the file (no terminal here).
    const viaStdin = await cli(['ssh', 'trust', '-f', hostFile], `${PASSWORD}\n`);
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
  }, 180_000);

  it('on a terminal: the password is asked hidden, unknown host keys are shown as a table to confirm', async () => {
    if (!requireBinary('tmux', 'tmux').available) return;
    const fresh = join(dir, 'controller-tty');
    await run('mkdir', ['-p', '-m', '700', fresh]);
    const t = new TmuxSession(`env HOME=${fresh} SSH_AUTH_SOCK= ${process.execPath} ${BIN} ssh trust -f ${hostFile}`);
    try {
      await t.waitFor(/SSH password of trust1\/trust2\/trust3/);
      t.send(PASSWORD, 'Enter');
      const asked = await t.waitFor(/Trust these 3 host keys/);
      expect(asked).not.toContain(PASSWORD);
      for (const h of hosts) expect(asked).toContain(h.sshd.fingerprint);
      t.send('y', 'Enter');
      const done = await t.waitFor(/EXIT=\d+/, 2400);
      expect(done).toMatch(/6\/6 ordered pairs/);
      expect(done).toMatch(/EXIT=0/);
      expect(done).not.toContain(PASSWORD);
      expect(await readFile(join(fresh, '.ssh', 'known_hosts'), 'utf8')).toContain((hosts[0] as Host).sshd.hostKeyLine);
    } finally {
      t.kill();
    }
  }, 180_000);
});
