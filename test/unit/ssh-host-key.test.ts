import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, judgeHostKey, knownHostsName, knownKeysFor, keyTypeOf, serverHostKeyOrder } from '../../src/adapters/ssh/host-key.js';
import { acquireSlot } from '../../src/adapters/ssh/limiter.js';

function blob(type: string): Buffer {
  const name = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return Buffer.concat([len, name, randomBytes(32)]);
}
const line = (host: string, key: Buffer) => `${host} ${keyTypeOf(key)} ${key.toString('base64')}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('host key policy (pure)', () => {
  const ed = blob('ssh-ed25519');
  const other = blob('ssh-ed25519');
  const rsa = blob('ssh-rsa');

  it('fingerprints like ssh-keygen -lf', () => {
    expect(fingerprintOf(ed)).toBe(`SHA256:${createHash('sha256').update(ed).digest('base64').replace(/=+$/, '')}`);
    expect(fingerprintOf(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('names hosts as known_hosts does', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, bracketed, wildcard, negated and hashed entries', () => {
    const text = [
      '# comment',
      line('10.0.0.1', ed),
      line('[10.0.0.2]:2222', ed),
      line('10.1.*,!10.1.0.9', ed),
      line(hashed('[10.0.0.3]:2222'), ed),
      `@cert-authority *.example ${keyTypeOf(other)} ${other.toString('base64')}`,
    ].join('\n');
    expect(knownKeysFor(text, '10.0.0.1')).toHaveLength(1);
    expect(knownKeysFor(text, '[10.0.0.2]:2222')).toHaveLength(1);
    expect(knownKeysFor(text, '10.0.0.2')).toHaveLength(0);
    expect(knownKeysFor(text, '10.1.2.3')).toHaveLength(1);
    expect(knownKeysFor(text, '10.1.0.9')).toHaveLength(0);
    expect(knownKeysFor(text, '[10.0.0.3]:2222')).toHaveLength(1);
    expect(knownKeysFor(text, '10.0.0.3')).toHaveLength(0);
    expect(knownKeysFor(text, 'a.example')).toHaveLength(0);
    // A "[" in a host pattern is literal, not a regular-expression class.
    expect(knownKeysFor(text, '1')).toHaveLength(0);
  });

  it('judges trusted, unknown, changed and revoked keys', () => {
    expect(judgeHostKey(ed, { pin: fingerprintOf(ed) })).toEqual({ kind: 'trusted' });
    expect(judgeHostKey(ed, { pin: fingerprintOf(other) })).toMatchObject({ kind: 'changed', expected: fingerprintOf(other) });
    expect(judgeHostKey(ed, { known: [] })).toEqual({ kind: 'unknown', fingerprint: fingerprintOf(ed) });
    const known = knownKeysFor(line('h', other), 'h');
    expect(judgeHostKey(ed, { known })).toMatchObject({ kind: 'changed', fingerprint: fingerprintOf(ed) });
    expect(judgeHostKey(other, { known })).toEqual({ kind: 'trusted' });
    const revoked = knownKeysFor(`@revoked h ${keyTypeOf(ed)} ${ed.toString('base64')}`, 'h');
    expect(judgeHostKey(ed, { known: revoked })).toMatchObject({ kind: 'changed', revoked: true });
  });

  it('asks the server for the known key types first', () => {
    const supported = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    expect(serverHostKeyOrder(knownKeysFor(line('h', rsa), 'h'), supported)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256']);
    expect(serverHostKeyOrder([], supported)).toEqual(supported);
  });
});

describe('per-host connection limiter', () => {
  it('holds at most N slots per host and hands them on in order', async () => {
    const key = `limit-test-${Math.random()}`;
    const a = await acquireSlot(key, 2);
    const b = await acquireSlot(key, 2);
    let thirdGranted = false;
    const third = acquireSlot(key, 2).then((release) => {
      thirdGranted = true;
      return release;
    });
    const elsewhere = await acquireSlot(`${key}-other`, 2);
    await new Promise((r) => setImmediate(r));
    expect(thirdGranted).toBe(false);
    a();
    a(); // releasing twice frees one slot only
    const c = await third;
    expect(thirdGranted).toBe(true);
    let fourthGranted = false;
    void acquireSlot(key, 2).then(() => (fourthGranted = true));
    await new Promise((r) => setImmediate(r));
    expect(fourthGranted).toBe(false);
    b();
    c();
    elsewhere();
  });
});
