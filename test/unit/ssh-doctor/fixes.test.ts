import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixCommand } from '../../../src/domain/ssh-doctor/fixes.js';

/** The fix commands run by a real `sh` on a scratch home: what they change, and that a second run changes nothing. */
describe('ssh doctor fix commands', () => {
  const dirs: string[] = [];
  const home = () => {
    const d = mkdtempSync(join(tmpdir(), 'doctor-fix-'));
    dirs.push(d);
    return d;
  };
  const sh = (command: string, env: Record<string, string> = {}) => execFileSync('sh', ['-c', command], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  const LINE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE9oFxEVmS3fFLXNM/k3RTkyW5PmXjohs4HAGYa/oRVA mrs-trust:from=omm@10.0.0.1:22';

  it('adds a key line once, creating ~/.ssh (700) and authorized_keys (600) when missing', () => {
    const h = home();
    const file = join(h, '.ssh/authorized_keys');
    const command = fixCommand({ kind: 'add-authorized-key', user: 'omm', file, line: LINE }, false);
    sh(command);
    sh(command);
    expect(readFileSync(file, 'utf8')).toBe(`${LINE}\n`);
    expect(statSync(join(h, '.ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps every existing byte and adds a missing final newline before the new line', () => {
    const h = home();
    mkdirSync(join(h, '.ssh'), { mode: 0o700 });
    const file = join(h, '.ssh/authorized_keys');
    writeFileSync(file, 'from="10.*" ssh-rsa AAAAB3Nza other@host', { mode: 0o600 });
    sh(fixCommand({ kind: 'add-authorized-key', user: 'omm', file, line: LINE }, false));
    expect(readFileSync(file, 'utf8')).toBe(`from="10.*" ssh-rsa AAAAB3Nza other@host\n${LINE}\n`);
  });

  it('replaces the known_hosts entries of one name only (ssh-keygen -R), keeping the others', () => {
    const h = home();
    mkdirSync(join(h, '.ssh'), { mode: 0o700 });
    const kh = join(h, '.ssh/known_hosts');
    const old = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK8wZq3kL5zYtP0v0nYJ1n2lXWq5rY9mB3aLJ8dQe7Hc';
    const other = '[10.0.0.3]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE9oFxEVmS3fFLXNM/k3RTkyW5PmXjohs4HAGYa/oRVA';
    writeFileSync(kh, `[10.0.0.2]:2222 ${old}\n${other}\n`, { mode: 0o600 });
    const line = '[10.0.0.2]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE9oFxEVmS3fFLXNM/k3RTkyW5PmXjohs4HAGYa/oRVA mrs-trust:host=omm@10.0.0.2:2222';
    sh(fixCommand({ kind: 'replace-known-host', name: '[10.0.0.2]:2222', line }, false), { HOME: h });
    const after = readFileSync(kh, 'utf8');
    expect(after).not.toContain(old);
    expect(after).toContain(other);
    expect(after.endsWith(`${line}\n`)).toBe(true);
  });

  it('quotes paths: a mode fix on a path with spaces and quotes touches only that path', () => {
    const h = home();
    const odd = join(h, "it's a dir");
    mkdirSync(odd, { mode: 0o777 });
    sh(fixCommand({ kind: 'chmod', path: odd, mode: 0o700 }, false));
    expect(statSync(odd).mode & 0o777).toBe(0o700);
  });
});
