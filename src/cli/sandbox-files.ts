import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors/index.js';

/**
 * The state directory of a background sandbox, as the CLI reads it (the sandbox writes it;
 * names are part of docs/sandbox.md). No sandbox code is imported here.
 */
export const SANDBOX_FILES = { config: 'clusters.yaml', state: 'state.json', pid: 'sandbox.pid', log: 'sandbox.log' } as const;
export const DEFAULT_STATE_DIR = '.mrs-trust/sandbox';

export function stateDirOf(cwd: string, flag: string | undefined): string {
  return resolve(cwd, flag ?? DEFAULT_STATE_DIR);
}

export function readPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, SANDBOX_FILES.pid), 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePid(dir: string): void {
  rmSync(join(dir, SANDBOX_FILES.pid), { force: true });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, checks the command line, so a reused pid is never signalled; elsewhere trusts the pid file. */
export function isSandboxProcess(pid: number): boolean {
  const file = `/proc/${pid}/cmdline`;
  if (!existsSync(file)) return process.platform !== 'linux';
  const args = readFileSync(file, 'utf8').split('\0');
  return args.includes('sandbox') && args.includes('up');
}

/** The running sandbox's pid, or undefined (a stale pid file is removed). */
export function runningPid(dir: string): number | undefined {
  const pid = readPid(dir);
  if (pid === undefined) return undefined;
  if (alive(pid) && isSandboxProcess(pid)) return pid;
  removePid(dir);
  return undefined;
}

export interface SandboxStateFile {
  pid: number;
  running: boolean;
  stateDir: string;
  configPath: string;
  subnet: number;
  restartMs: number;
  updatedAt: string;
  clusters: {
    name: string;
    realm: string;
    type: string;
    version: string;
    kerberos: boolean;
    kdcs: string[];
    peers: { realm_name: string; ip_port: string }[];
    configVersion: string;
    services: { name: string; health: string }[];
    restarts: { commandId: string; services: string[]; via: string; requestedAt: string; outcome: string }[];
    restartCount: number;
    saves: number;
    sessions: { active: number; logins: number; logouts: number; refused: number };
    manager: { url: string; cas: string; fingerprint: string };
    mrsVersion?: string;
    /** MRS 3.x clusters only (docs/sandbox.md "MRS 3.x"). */
    mrs3?: {
      activeNode: string;
      console: { peers: { realm_name: string; ip_port: string }[]; clustersRunning: boolean; saves: number };
      realmConfigRuns: { node: string; at: string; ok: boolean; clustersRunning: boolean }[];
    };
  }[];
  plugins: Record<string, unknown>;
}

export function readState(dir: string): SandboxStateFile {
  const path = join(dir, SANDBOX_FILES.state);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SandboxStateFile;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError('SANDBOX_NOT_FOUND', missing ? `no sandbox in ${dir} (${SANDBOX_FILES.state} not found)` : `${path} is not readable JSON`, {
      hint: 'start one with `mrs-trust sandbox up`, or pass --state-dir',
    });
  }
}
