import { appendFile, chmod, chown, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SshDoctorResult } from '../../src/workflow/ssh-doctor/result.js';
import { sshDoctorResultSchema } from '../../src/workflow/ssh-doctor/result.js';
import { runCli } from '../support/cli.js';
import { describeWithSshd, stopAllSshd } from '../support/sshd.js';
import { startTrustSet, type TrustSet } from '../support/trust-set.js';

/**
 * `ssh doctor` against real OpenSSH hosts, each with its own user and home. One cause at a time
 * is injected on host 2; the doctor must name it on host 2 (or, for host keys, on the hosts
 * whose known_hosts holds the stale key), leave every other pair alone, and --fix must repair
 * the safe ones so that a re-check passes.
 */
describeWithSshd('ssh doctor on real OpenSSH hosts', () => {
  let set: TrustSet;
  let h2: TrustSet['hosts'][number];

  beforeAll(async () => {
    set = await startTrustSet({ subnet: 77, count: 3, uidBase: 3700, prefix: 'drx' });
    h2 = set.hosts[1] as TrustSet['hosts'][number];
  }, 300_000);
  afterAll(async () => {
    await stopAllSshd();
  });

  async function doctor(extra: string[] = []): Promise<{ code: number; result: SshDoctorResult; stderr: string; stdout: string }> {
    const run = await runCli(['--json', 'ssh', 'doctor', '-f', set.hostFile, '--password-file', set.passwordFile, '--host-keys', set.pinFile, '--connect-timeout', '3', ...extra], { env: { HOME: set.controllerHome } });
    expect(run.stdout).not.toContain(set.password);
    expect(run.stderr).not.toContain(set.password);
    let result: SshDoctorResult;
    try {
      result = sshDoctorResultSchema.parse(JSON.parse(run.stdout));
    } catch (error) {
      throw new Error(`no valid --json document (exit ${run.code}): ${run.stdout.slice(0, 2000)} ${run.stderr.slice(-2000)}`, { cause: error });
    }
    return { code: run.code, result, stderr: run.stderr, stdout: run.stdout };
  }

  /** Every pair into host 2 failed with exactly `id` on `on`; every other pair works. */
  function expectOnlyInto2(result: SshDoctorResult, id: string, on: (from: string) => string = () => h2.label, from2 = 'ok'): void {
    for (const p of result.pairs) {
      if (p.from === h2.label && from2 !== 'ok') {
        expect(p.status).toBe(from2);
      } else if (p.to === h2.label) {
        expect(p.status, `${p.from} -> ${p.to}: ${JSON.stringify(p.causes)}`).toBe('failed');
        expect(p.causes.map((c) => c.id), `${p.from} -> ${p.to}: ${JSON.stringify(p.causes)}`).toContain(id);
        for (const c of p.causes) expect(c.host).toBe(on(p.from));
      } else {
        expect(p.status, `${p.from} -> ${p.to}: ${JSON.stringify(p.causes)}`).toBe('ok');
      }
    }
  }

  /** Every file of every host's ~/.ssh, with its mode: the doctor must change none without --fix. */
  async function snapshot(): Promise<string[]> {
    const out: string[] = [];
    for (const h of set.hosts) {
      for (const f of ['', 'authorized_keys', 'known_hosts', 'id_ed25519', 'id_ed25519.pub']) {
        const path = join(h.home, '.ssh', f);
        const st = await stat(path);
        out.push(`${path} ${st.mode.toString(8)} ${st.uid} ${f ? await readFile(path, 'utf8') : ''}`);
      }
    }
    return out;
  }

  it('names nothing on a healthy set (6/6 pairs, exit 0) and writes nothing', async () => {
    const before = await snapshot();
    const { code, result } = await doctor(['--inspect-as', 'root']);
    expect(await snapshot()).toEqual(before);
    expect(result.pairs.filter((p) => p.status !== 'ok')).toEqual([]);
    expect(result.summary).toEqual({ pairs: 6, ok: 6, failed: 0, unchecked: 0 });
    expect(result.hosts.every((h) => h.inspectedAs === 'root')).toBe(true);
    expect(code).toBe(0);
  }, 300_000);

  it('a bad host file is exit 2 naming the file and line, before any connection', async () => {
    const bad = join(set.dir, 'bad-hosts');
    await writeFile(bad, `${set.hosts[0]?.label ?? ''}\nomm@10.0.0.300:22\n`);
    const run = await runCli(['ssh', 'doctor', '-f', bad, '--password-file', set.passwordFile], { env: { HOME: set.controllerHome } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:2`);
    expect(run.stdout).toBe('');
  });

  it('~/.ssh mode 777 on host 2: ssh-dir-mode on host 2; --fix sets 700 and the re-check passes', async () => {
    await chmod(join(h2.home, '.ssh'), 0o777);
    const first = await doctor();
    expect(first.code).toBe(5);
    expectOnlyInto2(first.result, 'ssh-dir-mode');
    const fixed = await doctor(['--fix']);
    expect(fixed.result.fixes.map((f) => [f.cause, f.host, f.status])).toEqual([['ssh-dir-mode', h2.label, 'applied']]);
    expect(fixed.result.before?.filter((p) => p.status !== 'ok')).toHaveLength(2);
    expect(fixed.result.summary.ok).toBe(6);
    expect(fixed.code).toBe(0);
  }, 300_000);

  it('home writable by group and authorized_keys 666 on host 2: both named; --fix repairs both', async () => {
    await chmod(h2.home, 0o775);
    await chmod(join(h2.home, '.ssh/authorized_keys'), 0o666);
    const first = await doctor();
    expectOnlyInto2(first.result, 'home-mode');
    expectOnlyInto2(first.result, 'authorized-keys-mode');
    const fixed = await doctor(['--fix']);
    expect(fixed.result.summary.ok).toBe(6);
    expect(fixed.code).toBe(0);
  }, 300_000);

  it('authorized_keys owned by another user on host 2: owner on host 2; --fix (as root) gives it back', async () => {
    await chown(join(h2.home, '.ssh/authorized_keys'), 4242, 4242);
    const first = await doctor(['--inspect-as', 'root']);
    expectOnlyInto2(first.result, 'owner');
    const fixed = await doctor(['--inspect-as', 'root', '--fix']);
    expect(fixed.result.fixes.map((f) => f.cause)).toEqual(['owner']);
    expect(fixed.result.summary.ok).toBe(6);
  }, 300_000);

  it("host 1's key removed from host 2: key-missing on host 2 for 1 -> 2 only; --fix re-adds this tool's key", async () => {
    const ak = join(h2.home, '.ssh/authorized_keys');
    const before = await readFile(ak, 'utf8');
    const h1 = set.hosts[0] as TrustSet['hosts'][number];
    await writeFile(ak, before.split('\n').filter((l) => !l.includes(`from=${h1.label}`)).join('\n'));
    const human = await runCli(['ssh', 'doctor', '-f', set.hostFile, '--password-file', set.passwordFile, '--host-keys', set.pinFile], { env: { HOME: set.controllerHome } });
    expect(human.code).toBe(5);
    expect(human.stdout).toContain(`key-missing on ${h2.label}`);
    expect(human.stdout).toMatch(/fix: +printf .*mrs-trust:from=.*\[--fix applies it\]/);
    expect(human.stderr).toContain('--fix');
    const first = await doctor();
    const bad = first.result.pairs.filter((p) => p.status !== 'ok');
    expect(bad.map((p) => [p.from, p.to, p.causes.map((c) => `${c.id}@${c.host}`)])).toEqual([[h1.label, h2.label, [`key-missing@${h2.label}`]]]);
    const fixed = await doctor(['--fix']);
    expect(fixed.result.summary.ok).toBe(6);
    const after = await readFile(ak, 'utf8');
    expect(after.startsWith(before.split('\n').filter((l) => !l.includes(`from=${h1.label}`)).join('\n'))).toBe(true);
    expect(after).toContain(`${h1.publicLine} mrs-trust:from=${h1.label}`);
  }, 300_000);

  it('a login shell rc that prints on host 2: noisy-rc on host 2', async () => {
    const rc = join(h2.home, '.bashrc');
    await appendFile(rc, 'echo "welcome to host 2"\n');
    await chown(rc, h2.uid, h2.uid);
    const first = await doctor();
    expectOnlyInto2(first.result, 'noisy-rc');
    await writeFile(rc, '');
  }, 300_000);

  it('account locked on host 2 (usermod -L): account-locked on host 2, read as root', async () => {
    await h2.sshd.lockUser(h2.user);
    const shadow = await readFile(h2.sshd.path('/etc/shadow'), 'utf8');
    try {
      const first = await doctor(['--inspect-as', 'root']);
      expectOnlyInto2(first.result, 'account-locked');
      // The shadow entry is evidence, but its hash never leaves the host.
      const hash = shadow.split('\n').find((l) => l.startsWith(`${h2.user}:`))?.split(':')[1] ?? '';
      expect(hash.length).toBeGreaterThan(20);
      expect(first.stdout).not.toContain(hash.replace(/^!/, ''));
      expect(first.stdout).toContain(`${h2.user}:!<hash>:`);
    } finally {
      // Written in place (same inode), so the host's bind mount sees it at once.
      await writeFile(h2.sshd.path('/etc/shadow'), shadow.replace(`${h2.user}:!`, `${h2.user}:`));
    }
    expect((await doctor()).result.summary.ok).toBe(6);
  }, 300_000);

  it('sshd stopped on host 2: sshd-down on host 2; a wrong port for host 2: wrong-port on host 2', async () => {
    await h2.sshd.halt();
    const down = await doctor();
    // Host 2 cannot be reached from here either, so its own ssh to the others is not tried.
    expectOnlyInto2(down.result, 'sshd-down', () => h2.label, 'unchecked');
    expect(down.code).toBe(5);
    await h2.sshd.restart();
    await set.writeHostFile(set.hosts.map((h) => (h === h2 ? h.label.replace(/:\d+$/, ':22099') : h.label)));
    const wrong = await doctor();
    const into2 = wrong.result.pairs.filter((p) => p.to.endsWith(':22099'));
    expect(into2.map((p) => p.causes.map((c) => `${c.id}@${c.host}`))).toEqual([[`wrong-port@${h2.user}@${h2.sshd.ip}:22099`], [`wrong-port@${h2.user}@${h2.sshd.ip}:22099`]]);
    await set.writeHostFile();
  }, 300_000);

  it("host 2 rebuilt with a new host key: host-key-changed on hosts 1 and 3; --fix replaces it only when --host-keys pins the new key", async () => {
    await h2.sshd.restart({ newHostKey: true });
    const unpinned = await doctor();
    const into2 = unpinned.result.pairs.filter((p) => p.to === h2.label);
    for (const p of into2) {
      expect(p.causes.map((c) => [c.id, c.host, c.fixable])).toEqual([['host-key-changed', p.from, false]]);
    }
    await set.writePins();
    const fixed = await doctor(['--fix']);
    expect(fixed.result.before?.filter((p) => p.to === h2.label).flatMap((p) => p.causes.map((c) => [c.id, c.host, c.fixable]))).toEqual([
      ['host-key-changed', (set.hosts[0] as TrustSet['hosts'][number]).label, true],
      ['host-key-changed', (set.hosts[2] as TrustSet['hosts'][number]).label, true],
    ]);
    expect(fixed.result.summary.ok, JSON.stringify(fixed.result, null, 1).slice(0, 6000)).toBe(6);
    expect(fixed.code).toBe(0);
  }, 300_000);
});

describeWithSshd('ssh doctor after a real `ssh trust`', () => {
  let set: TrustSet;
  beforeAll(async () => {
    set = await startTrustSet({ subnet: 78, count: 3, uidBase: 3800, prefix: 'dry', handMade: false });
  }, 120_000);
  afterAll(async () => {
    await stopAllSshd();
  });
  const cli = (args: string[]) => runCli([...args, '-f', set.hostFile, '--password-file', set.passwordFile, '--host-keys', set.pinFile], { env: { HOME: set.controllerHome } });

  it("finds the set ssh trust made healthy, and --fix re-adds a key line ssh trust added that was deleted", async () => {
    const trust = await cli(['ssh', 'trust']);
    expect(trust.code, trust.stderr).toBe(0);
    const healthy = await cli(['--json', 'ssh', 'doctor']);
    expect(healthy.code, healthy.stderr).toBe(0);
    const [h1, h2] = set.hosts as [TrustSet['hosts'][number], TrustSet['hosts'][number]];
    const ak = join(h2.home, '.ssh/authorized_keys');
    const text = await readFile(ak, 'utf8');
    const line = text.split('\n').find((l) => l.endsWith(`mrs-trust:from=${h1.label}`)) ?? '';
    expect(line).not.toBe('');
    await writeFile(ak, text.replace(`${line}\n`, ''));
    const fixed = await cli(['--json', 'ssh', 'doctor', '--fix']);
    const result = sshDoctorResultSchema.parse(JSON.parse(fixed.stdout));
    expect(result.before?.filter((p) => p.status !== 'ok').map((p) => [p.from, p.to, p.causes.map((c) => c.id)])).toEqual([[h1.label, h2.label, ['key-missing']]]);
    expect(result.summary.ok).toBe(6);
    expect(fixed.code).toBe(0);
    expect(await readFile(ak, 'utf8')).toContain(line);
  }, 300_000);
});

