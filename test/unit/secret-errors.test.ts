import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.js';
import { CheckError, ConfigError, ExitCode, exitCodeOf, InterruptedError, PartialError, RemoteError, UsageError } from '../../src/errors/index.js';

describe('Secret', () => {
  it('never shows its value except through reveal()', () => {
    const s = new Secret('Admin@123', 'env:PW');
    expect(`${s}`).not.toContain('Admin');
    expect(JSON.stringify({ s })).not.toContain('Admin');
    expect(inspect({ s })).not.toContain('Admin');
    expect(inspect({ s })).toContain('env:PW');
    expect(s.reveal()).toBe('Admin@123');
  });
});

describe('error tree', () => {
  it('maps each kind to its documented exit code', () => {
    expect(exitCodeOf(new UsageError('X', 'x'))).toBe(2);
    expect(exitCodeOf(new ConfigError('a.b', 'bad'))).toBe(2);
    expect(exitCodeOf(new CheckError('X', 'x'))).toBe(3);
    expect(exitCodeOf(new RemoteError('X', 'x'))).toBe(4);
    expect(exitCodeOf(new PartialError('X', 'x'))).toBe(5);
    expect(exitCodeOf(new InterruptedError())).toBe(130);
    expect(exitCodeOf(new Error('bug'))).toBe(ExitCode.internal);
    expect(new ConfigError('a.b', 'bad').message).toBe('a.b: bad');
  });
});
