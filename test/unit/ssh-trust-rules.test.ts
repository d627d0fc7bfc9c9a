import { describe, expect, it } from 'vitest';
import { fillMatrix, matrixRows, rotation, summarize } from '../../src/domain/ssh-matrix.js';
import { appendix, authorizedKeyOf, authorizedKeysToAdd, HOSTS_MARK, knownHostsName, knownHostsToAdd, MARK_FROM, MARK_HOST, planEtcHosts, removeMarked, type KnownKeysFor } from '../../src/domain/ssh-trust.js';
import { parseInspect, parseTryLogins } from '../../src/workflow/ssh-trust/remote.js';
import { modeFixes } from '../../src/workflow/ssh-trust/steps/modes.js';

const A = { type: 'ssh-ed25519', base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIAAAA' };
const B = { type: 'ssh-ed25519', base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIBBBB' };

/** Plain names only (the adapter also matches hashed ones). */
const plainKeysFor: KnownKeysFor = (text, name) =>
  text.split('\n').flatMap((line, i) => {
    const [hosts = '', type = '', base64 = ''] = line.split(' ');
    return hosts.split(',').includes(name) ? [{ type, base64, line: i + 1, revoked: false }] : [];
  });

describe('authorized_keys lines', () => {
  it('finds the key behind options, also quoted ones with spaces', () => {
    expect(authorizedKeyOf(`from="10.0.0.1,10.0.0.2",command="echo hi there" ${A.type} ${A.base64} c`)).toMatchObject(A);
    expect(authorizedKeyOf('# comment')).toBeUndefined();
    expect(authorizedKeyOf('garbage line')).toBeUndefined();
  });

  it('adds each peer key once, marked, and never a key already there (marked or not)', () => {
    const text = `no-pty ${A.type} ${A.base64} admin@laptop\n`;
    const lines = authorizedKeysToAdd(text, [
      { label: 'u@h1:22', key: A },
      { label: 'u@h2:22', key: B },
      { label: 'u@h3:22', key: B },
    ]);
    expect(lines).toEqual([`${B.type} ${B.base64} ${MARK_FROM}u@h2:22`]);
  });

  it('appends after a last line without newline without touching its bytes', () => {
    expect(appendix('x y', ['l1', 'l2'])).toBe('\nl1\nl2\n');
    expect(appendix('x y\n', ['l1'])).toBe('l1\n');
    expect(appendix('', ['l1'])).toBe('l1\n');
    expect(appendix('x', [])).toBe('');
  });

  it('removes exactly our lines for these hosts; every other byte stays', () => {
    const mine = `${A.type} ${A.base64} ${MARK_FROM}u@h1:22\n`;
    const otherSet = `${B.type} ${B.base64} ${MARK_FROM}u@elsewhere:22\n`;
    const theirs = `  ${B.type} ${B.base64}   hand made   \r\n`;
    const text = `# keep\n${theirs}${mine}${otherSet}last-without-newline`;
    const { text: after, removed } = removeMarked(text, MARK_FROM, new Set(['u@h1:22']));
    expect(after).toBe(`# keep\n${theirs}${otherSet}last-without-newline`);
    expect(removed).toEqual([mine.trimEnd()]);
    expect(removeMarked('a\nb', MARK_FROM, new Set(['u@h1:22']))).toEqual({ text: 'a\nb', removed: [] });
  });
});

describe('known_hosts lines', () => {
  it('names a non-22 port as [host]:port', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(knownHostsName('fd00::1', 2222)).toBe('[fd00::1]:2222');
  });

  it('adds the missing names, skips known ones, and reports a name bound to another key of the same type', () => {
    const text = `[10.0.0.2]:2222 ${A.type} ${A.base64}\nstale ${B.type} AAAAC3NzaC1lZDI1NTE5AAAAIOLD\n`;
    const plan = knownHostsToAdd(
      text,
      [
        { label: 'u@10.0.0.2:2222', names: ['[10.0.0.2]:2222', 'node2'], key: A },
        { label: 'u@stale:22', names: ['stale'], key: B },
      ],
      plainKeysFor,
    );
    expect(plan.lines).toEqual([`node2 ${A.type} ${A.base64} ${MARK_HOST}u@10.0.0.2:2222`]);
    expect(plan.conflicts).toEqual([{ label: 'u@stale:22', name: 'stale', line: 2 }]);
  });
});

describe('the login matrix', () => {
  it('rotates so each host starts after itself', () => {
    expect(rotation(['a', 'b', 'c', 'd'], 0)).toEqual(['b', 'c', 'd']);
    expect(rotation(['a', 'b', 'c', 'd'], 2)).toEqual(['d', 'a', 'b']);
    // At every position k, different sources go to different destinations.
    const columns = [0, 1, 2, 3].map((i) => rotation([0, 1, 2, 3], i));
    for (let k = 0; k < 3; k += 1) expect(new Set(columns.map((c) => c[k])).size).toBe(4);
  });

  it('pairs that did not run are never counted as trusted', () => {
    const pairs = fillMatrix(['a', 'b', 'c'], [{ from: 'a', to: 'b', status: 'ok' }, { from: 'b', to: 'a', status: 'ok' }], () => 'c failed in log-in');
    expect(summarize(pairs)).toEqual({ total: 6, ok: 2, failed: 0, notRun: 4, allOk: false });
    expect(summarize([])).toMatchObject({ allOk: false });
    expect(matrixRows(['a', 'b', 'c'], pairs)[1]).toEqual(['1 a', '\\', 'ok', '-']);
  });

  it('parses the try-logins output', () => {
    expect(parseTryLogins('u@b:22\t0\t\nu@c:22\t255\tPermission denied (publickey,password).\n')).toEqual([
      { label: 'u@b:22', ok: true, reason: '' },
      { label: 'u@c:22', ok: false, reason: 'Permission denied (publickey,password).' },
    ]);
  });
});

describe('reading ~/.ssh', () => {
  const sha = 'a'.repeat(64);
  const text = Buffer.from('line one\nno newline', 'latin1').toString('base64');
  const output = [
    'home /home/omm',
    'uid 1000',
    'hostname node1',
    'stat-home 775 1000',
    'stat-dir 755 1000',
    `file authorized_keys 664 1000 ${sha}`,
    `file id_ed25519 644 1000 ${sha}`,
    `data authorized_keys ${text}`,
    `private plain ${A.type} ${A.base64} c`,
  ].join('\n');

  it('parses state, keeps contents byte for byte, and knows the key', () => {
    const state = parseInspect(output);
    if (typeof state === 'string') throw new Error(state);
    expect(state).toMatchObject({ home: '/home/omm', uid: 1000, hostname: 'node1', homeStat: { mode: 0o775 }, privateKey: { kind: 'plain', publicKey: A } });
    expect(state.text.authorized_keys).toBe('line one\nno newline');
    expect(state.text.known_hosts).toBe('');
  });

  it('removes only the bits StrictModes (and the ssh client) object to', () => {
    const state = parseInspect(output);
    if (typeof state === 'string') throw new Error(state);
    expect(modeFixes(state)).toEqual([
      { path: '.', mode: 0o755 },
      { path: '.ssh/authorized_keys', mode: 0o644 },
      { path: '.ssh/id_ed25519', mode: 0o600 },
    ]);
  });

  it('refuses output that is not the inspect protocol', () => {
    expect(parseInspect('welcome to the machine\n')).toMatch(/unexpected output/);
    expect(parseInspect('home /h\nuid 1\nfile known_hosts 600 1\n')).toMatch(/could not hash/);
  });
});

describe('/etc/hosts (--set-hostnames)', () => {
  const entries = [
    { ip: '10.0.0.1', name: 'node1' },
    { ip: '10.0.0.2', name: 'node2' },
  ];

  it('adds marked lines for names not yet mapped, keeps the rest, and is idempotent', () => {
    const text = '127.0.0.1 localhost\n10.0.0.1 node1 node1.example\n';
    const plan = planEtcHosts(text, entries, true);
    expect(plan.added).toEqual([`10.0.0.2 node2 ${HOSTS_MARK}`]);
    expect(plan.text).toBe(`${text}10.0.0.2 node2 ${HOSTS_MARK}\n`);
    expect(planEtcHosts(plan.text, entries, true)).toMatchObject({ text: plan.text, added: [], removed: [] });
  });

  it('replaces an older line of ours for the same name (not with --no-deduplicate), never a line of someone else', () => {
    const text = `10.9.9.9 node2 ${HOSTS_MARK}\n10.8.8.8 node1\n`;
    const plan = planEtcHosts(text, entries, true);
    expect(plan.removed).toEqual([`10.9.9.9 node2 ${HOSTS_MARK}`]);
    expect(plan.text).toBe(`10.8.8.8 node1\n10.0.0.2 node2 ${HOSTS_MARK}\n`);
    expect(plan.conflicts).toEqual(['node1 is mapped to 10.8.8.8 by line 2; left alone']);
    expect(planEtcHosts(text, entries, false).removed).toEqual([]);
  });

  it('a host name shared by two hosts is not mapped at all', () => {
    const plan = planEtcHosts('', [{ ip: '10.0.0.1', name: 'same' }, { ip: '10.0.0.2', name: 'same' }], true);
    expect(plan.added).toEqual([]);
    expect(plan.conflicts).toEqual(['same is the host name of 10.0.0.1 and 10.0.0.2; not mapped']);
  });
});
