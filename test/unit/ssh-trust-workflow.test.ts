import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.js';
import { parseHostFile } from '../../src/domain/ssh-hosts.js';
import type { ExecResult, RemoteHost } from '../../src/ports/remote-host.js';
import type { HostKeyCheck, SshTrustIo } from '../../src/ports/ssh-trust.js';
import { INSPECT } from '../../src/workflow/ssh-trust/remote.js';
import { runSshTrust, type SshTrustRequest } from '../../src/workflow/ssh-trust/run.js';

const hosts = parseHostFile('u@10.0.0.1\nu@10.0.0.2:2222\n', { user: 'u', port: 22, deduplicate: true }).hosts;
const KEY = (n: number) => `AAAAC3NzaC1lZDI1NTE5AAAAI${String(n).repeat(8)}`;

/** A host whose ~/.ssh is empty: answers INSPECT, records every other command. */
function fakeRemote(label: string, commands: string[]): RemoteHost {
  return {
    label,
    connect: async () => undefined,
    async exec(command): Promise<ExecResult> {
      if (command === INSPECT) return { exitCode: 0, stdout: 'home /home/u\nuid 1000\nhostname h\nstat-home 755 1000\nstat-dir 700 1000\n', stderr: '' };
      commands.push(command);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    uploadFile: async () => ({ bytes: 0, sha256: '' }),
    uploadStream: async () => ({ bytes: 0, sha256: '' }),
    readFile: async () => Buffer.alloc(0),
    downloadFile: async () => ({ bytes: 0 }),
    close: async () => undefined,
  };
}

function fakeIo(verdict: HostKeyCheck['verdict']) {
  const calls = { opened: [] as string[], recorded: [] as string[], commands: [] as string[] };
  const io: SshTrustIo = {
    async checkHostKey(host, port) {
      return { type: 'ssh-ed25519', base64: KEY(port === 22 ? 1 : 2), fingerprint: `SHA256:fp-${host}`, verdict, ...(verdict === 'changed' ? { expected: 'SHA256:old (line 1)' } : {}) };
    },
    async recordHostKey(_path, host) {
      calls.recorded.push(host);
    },
    knownKeysFor: () => [],
    defaultKnownHosts: () => '/home/me/.ssh/known_hosts',
    async open(target) {
      calls.opened.push(target.host);
      return fakeRemote(target.host, calls.commands);
    },
  };
  return { io, calls };
}

const clock = { now: () => new Date(0), sleep: async () => undefined };
const base: SshTrustRequest = { action: 'trust', hosts, password: new Secret('pw-9f8e', 'test'), acceptNew: false, parallel: 4, dryRun: false };
const run = (io: SshTrustIo, request: Partial<SshTrustRequest>, extra: { confirm?: () => Promise<boolean> } = {}) => {
  const log: string[] = [];
  const promise = runSshTrust({ ...base, ...request }, { io, clock, log: (l) => log.push(l), events: { emit: () => undefined }, signal: new AbortController().signal, ...(extra.confirm ? { confirmHostKeys: extra.confirm } : {}) }, { hostFile: '/hosts', duplicates: [] });
  return { promise, log };
};

describe('ssh trust workflow (fake hosts)', () => {
  it('unknown host keys without --accept-new and without a terminal: exit 2 before any login', async () => {
    const { io, calls } = fakeIo('unknown');
    const error = await run(io, {}).promise.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HOST_KEY_UNKNOWN', exitCode: 2 });
    expect(calls.opened).toEqual([]);
    expect(calls.recorded).toEqual([]);
  });

  it('a declined confirmation is an interrupt (130); nothing opened or recorded', async () => {
    const { io, calls } = fakeIo('unknown');
    const error = await run(io, {}, { confirm: async () => false }).promise.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    expect(calls.opened).toEqual([]);
  });

  it('confirmed keys are recorded and pinned for the logins', async () => {
    const { io, calls } = fakeIo('unknown');
    const result = await run(io, {}, { confirm: async () => true }).promise;
    expect(calls.recorded.sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(result.hosts.map((h) => h.hostKey?.source)).toEqual(['confirmed', 'confirmed']);
  });

  it('a dry run sends no write command, records what it would do, and checks no pair', async () => {
    const { io, calls } = fakeIo('trusted');
    const { promise, log } = run(io, { dryRun: true });
    const result = await promise;
    expect(calls.commands).toEqual([]);
    expect(result).toMatchObject({ ok: true, dryRun: true, changed: true, matrix: { verified: false } });
    expect(result.hosts[0]?.changes.map((c) => c.action)).toEqual(['generate-key', 'append', 'append']);
    expect(result.hosts[0]?.changes[1]?.lines).toEqual(['ssh-ed25519 <new key of u@10.0.0.2:2222> mrs-trust:from=u@10.0.0.2:2222']);
    expect(result.hosts[0]?.changes[2]?.lines).toEqual([`[10.0.0.2]:2222 ssh-ed25519 ${KEY(2)} mrs-trust:host=u@10.0.0.2:2222`]);
    expect(result.steps.find((s) => s.id === 'verify-logins')).toMatchObject({ status: 'skipped' });
    expect(log.join('\n')).toContain('would append');
    expect(log.join('\n')).not.toContain('pw-9f8e');
    expect(JSON.stringify(result)).not.toContain('pw-9f8e');
  });

  it('a changed host key fails that host only; the other is still done, no pair counts as trusted', async () => {
    const { io, calls } = fakeIo('changed');
    const result = await run(io, {}).promise;
    expect(result.hosts.every((h) => h.error?.code === 'HOST_KEY_CHANGED')).toBe(true);
    expect(calls.opened).toEqual([]);
    expect(result.ok).toBe(false);
    expect(result.matrix).toMatchObject({ ok: 0, notRun: 2 });
  });
});
