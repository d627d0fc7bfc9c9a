import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';

// Subnet 45 belongs to this file.
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('sandbox commands', () => {
  it('--foreground runs until SIGINT, then closes every listener and exits 0', async () => {
    const stateDir = tempDir('mrs-fg-');
    const child = spawn(process.execPath, [BIN, 'sandbox', 'up', '--foreground', '--no-plugins', '--subnet', '45', '--clusters', 'one', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('stop:')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
      });
      expect(stdout).toContain('one  ONE.MRS  Manager https://127.45.1.10:28443');
      expect(await listening('127.45.1.10', 28443)).toBe(true);
      expect(readFileSync(join(stateDir, 'sandbox.pid'), 'utf8').trim()).toBe(String(child.pid));
      const status = await runCli(['sandbox', 'status', '--state-dir', stateDir, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: child.pid });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('sandbox stopped');
    expect(await listening('127.45.1.10', 28443)).toBe(false);
    expect(await listening('127.45.1.10', 20009)).toBe(false);
    const after = await runCli(['sandbox', 'status', '--state-dir', stateDir, '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ running: false });
  });

  it('sandbox status without a sandbox: exit 2 with a hint', async () => {
    const run = await runCli(['sandbox', 'status', '--state-dir', tempDir('mrs-none-')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[SANDBOX_NOT_FOUND]');
    expect(run.stderr).toContain('hint: start one with `mrs-trust sandbox up`');
  });

  it('sandbox down never signals a process that is not a sandbox', async () => {
    const stateDir = tempDir('mrs-foreign-');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'sandbox.pid'), `${process.pid}\n`);
    const run = await runCli(['sandbox', 'down', '--state-dir', stateDir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('[SANDBOX_PID_FOREIGN]');
  });

  it('bad flags are usage errors naming the flag, and nothing starts', async () => {
    const stateDir = tempDir('mrs-bad-');
    for (const [args, text] of [
      [['--count', '0'], '--count'],
      [['--clusters', 'a,,b'], '--clusters'],
      [['--clusters', 'a', '--count', '2'], '--clusters and --count'],
      [['--faults', join(stateDir, 'missing.yaml')], '--faults'],
    ] as const) {
      const run = await runCli(['sandbox', 'up', '--no-plugins', '--subnet', '45', '--state-dir', stateDir, ...args]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.split('\n')[0]).toContain(text);
    }
    expect(await listening('127.45.1.10', 28443)).toBe(false);
  });
});
