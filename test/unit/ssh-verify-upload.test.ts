import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVerify, verifyAndMoveCommand } from '../../src/adapters/ssh/verify.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const which = (tool: string) => execFileSync('sh', ['-c', `command -v ${tool} || true`], { encoding: 'utf8' }).trim();

/** Runs the command in a real `sh`, as a host would; `path` limits the tools it finds. */
function runOnHost(command: string, path = process.env.PATH ?? ''): string {
  try {
    return execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { PATH: path }, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

describe('verifyAndMoveCommand: the host checks the SHA-256 before the upload is moved into place', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mrs-verify-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const upload = (text: string) => {
    const tmp = join(dir, `.x it's.tar.abc.part`);
    writeFileSync(tmp, text);
    return { tmp, target: join(dir, `x it's.tar`) };
  };

  it('a matching file is moved into place', () => {
    const { tmp, target } = upload('payload');
    expect(parseVerify(runOnHost(verifyAndMoveCommand(tmp, target, sha('payload'))), sha('payload'))).toEqual({ kind: 'moved', sha256: sha('payload') });
    expect([existsSync(tmp), existsSync(target)]).toEqual([false, true]);
  });

  it('a damaged file is never moved: mismatch, with the hash the host saw', () => {
    const { tmp, target } = upload('payloaX');
    expect(parseVerify(runOnHost(verifyAndMoveCommand(tmp, target, sha('payload'))), sha('payload'))).toEqual({ kind: 'mismatch', sha256: sha('payloaX') });
    expect([existsSync(tmp), existsSync(target)]).toEqual([true, false]);
  });

  it('without a usable openssl it falls back to sha256sum; without either it reports no-hash', () => {
    const bin = join(dir, 'bin');
    execFileSync('mkdir', [bin]);
    for (const tool of ['sha256sum', 'mv']) symlinkSync(which(tool), join(bin, tool));
    const { tmp, target } = upload('payload');
    expect(parseVerify(runOnHost(verifyAndMoveCommand(tmp, target, sha('payload')), bin), sha('payload')).kind).toBe('moved');
    // An openssl that prints something else (an old one, another format) is not trusted either.
    writeFileSync(join(bin, 'openssl'), '#!/bin/sh\necho "SHA2-256(x)= 0123"\n', { mode: 0o755 });
    const other = upload('payload');
    expect(parseVerify(runOnHost(verifyAndMoveCommand(other.tmp, other.target, sha('payload')), bin), sha('payload')).kind).toBe('moved');
    rmSync(join(bin, 'openssl'));
    const again = upload('payload');
    rmSync(join(bin, 'sha256sum'));
    expect(parseVerify(runOnHost(verifyAndMoveCommand(again.tmp, again.target, sha('payload')), bin), sha('payload')).kind).toBe('no-hash');
    expect(existsSync(again.tmp)).toBe(true);
  });

  it('a move that fails is reported as not moved', () => {
    const { tmp } = upload('payload');
    const out = runOnHost(verifyAndMoveCommand(tmp, join(dir, 'missing-dir', 'x.tar'), sha('payload')));
    expect(parseVerify(out, sha('payload')).kind).toBe('not-moved');
  });

  it('refuses anything but a hex SHA-256 (it is written into the command)', () => {
    expect(() => verifyAndMoveCommand('/tmp/.a.part', '/tmp/a', `${'0'.repeat(63)}'`)).toThrow();
  });
});
