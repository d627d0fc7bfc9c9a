import { describe, expect, it } from 'vitest';
import { hostLabel, parseHostEntry, parseHostFile } from '../../src/domain/ssh-hosts.js';

const defaults = { user: 'root', port: 22, deduplicate: true };

describe('host file entries', () => {
  it.each([
    ['10.0.0.1', { host: '10.0.0.1', port: 22, user: 'root', kind: 'ipv4', label: 'root@10.0.0.1:22' }],
    ['10.0.0.2:2222', { host: '10.0.0.2', port: 2222, user: 'root', label: 'root@10.0.0.2:2222' }],
    ['omm@10.0.0.3:2222', { host: '10.0.0.3', port: 2222, user: 'omm', label: 'omm@10.0.0.3:2222' }],
    ['omm@10.0.0.3', { host: '10.0.0.3', port: 22, user: 'omm' }],
    ['[fd00::4]:2222', { host: 'fd00::4', port: 2222, kind: 'ipv6', label: 'root@[fd00::4]:2222' }],
    ['[fd00::4]', { host: 'fd00::4', port: 22, kind: 'ipv6' }],
    ['fd00::5', { host: 'fd00::5', port: 22, kind: 'ipv6' }],
    ['Node6.Example', { host: 'node6.example', port: 22, kind: 'name' }],
    ['svc_user@node-7:65535', { host: 'node-7', port: 65535, user: 'svc_user', kind: 'name' }],
  ])('%s', (text, expected) => {
    expect(parseHostEntry(text, 1, defaults)).toMatchObject(expected);
  });

  it.each([
    ['10.0.0.256', /not a valid IPv4/],
    ['10.0.0', /not a valid IPv4/],
    ['10.0.0.1:0', /outside 1-65535/],
    ['10.0.0.1:65536', /outside 1-65535/],
    ['10.0.0.1:ssh', /not a number/],
    ['10.0.0.1:', /not a number/],
    ['[fd00::1', /without "\]"/],
    ['[fd00::1]2222', /expected ":port"/],
    ['fd00::zz', /not a valid IPv6/],
    ['a;rm -rf /@10.0.0.1', /one host per line/],
    ['a$(id)@10.0.0.1', /not a valid user name/],
    ['`id`@10.0.0.1', /not a valid user name/],
    ['@10.0.0.1', /not a valid user name/],
    ['-bad-.example', /not an IP address or host name/],
    ['under_score.example', /not an IP address or host name/],
    ['root@', /no host/],
  ])('%s is refused', (text, reason) => {
    const result = parseHostEntry(text, 1, defaults);
    expect(typeof result).toBe('string');
    expect(result).toMatch(reason);
  });
});

describe('host files', () => {
  it('skips comments and blank lines, numbers lines from 1, and drops repeats (naming the first line)', () => {
    const parsed = parseHostFile('# cluster\n\n10.0.0.1\n10.0.0.2:2222   # second\r\n  \n10.0.0.1:22\nroot@10.0.0.2:2222\n', defaults);
    expect(parsed.problems).toEqual([]);
    expect(parsed.hosts.map((h) => [h.label, h.line])).toEqual([
      ['root@10.0.0.1:22', 3],
      ['root@10.0.0.2:2222', 4],
    ]);
    expect(parsed.duplicates).toEqual([
      { line: 6, firstLine: 3, label: 'root@10.0.0.1:22' },
      { line: 7, firstLine: 4, label: 'root@10.0.0.2:2222' },
    ]);
  });

  it('the same address with another user or port is another host', () => {
    const parsed = parseHostFile('10.0.0.1\nomm@10.0.0.1\n10.0.0.1:2222\n', defaults);
    expect(parsed.hosts).toHaveLength(3);
  });

  it('--no-deduplicate: a repeat is a problem on its line instead of being dropped', () => {
    const parsed = parseHostFile('10.0.0.1\n10.0.0.1\n', { ...defaults, deduplicate: false });
    expect(parsed.problems).toEqual([{ line: 2, message: expect.stringContaining('repeats line 1') }]);
  });

  it('reports every bad line, with its number', () => {
    const parsed = parseHostFile('10.0.0.1\n999.1.1.1\n10.0.0.2:99999\n', defaults);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('an empty file (or only comments) is a problem', () => {
    expect(parseHostFile('', defaults).problems).toEqual([{ line: 0, message: expect.stringContaining('no hosts') }]);
    expect(parseHostFile('# nothing\n\n', defaults).problems).toHaveLength(1);
  });

  it('defaults come from the flags', () => {
    const parsed = parseHostFile('10.0.0.1\nroot@10.0.0.2\n', { user: 'omm', port: 2022, deduplicate: true });
    expect(parsed.hosts.map((h) => h.label)).toEqual(['omm@10.0.0.1:2022', 'root@10.0.0.2:2022']);
  });

  it('labels put IPv6 in brackets', () => {
    expect(hostLabel('u', 'fd00::1', 22)).toBe('u@[fd00::1]:22');
    expect(hostLabel('u', '10.0.0.1', 2222)).toBe('u@10.0.0.1:2222');
  });
});
