import { setTimeout as sleep } from 'node:timers/promises';
import { CheckError } from '../../errors/index.js';
import type { CliContext } from '../context.js';
import { alive, isSandboxProcess, readPid, removePid, stateDirOf } from '../sandbox-files.js';

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (!alive(pid)) return true;
    await sleep(50);
  }
  return !alive(pid);
}

/** Stops the background sandbox by its pid file; it closes every listener before exiting. */
export async function run(ctx: CliContext, flags: { stateDir?: string } = {}): Promise<void> {
  const dir = stateDirOf(ctx.cwd, flags.stateDir);
  const pid = readPid(dir);
  if (pid === undefined || !alive(pid)) {
    removePid(dir);
    ctx.out.result({ ok: true, stateDir: dir, stopped: false }, () => `no sandbox running in ${dir}`);
    return;
  }
  if (!isSandboxProcess(pid)) {
    throw new CheckError('SANDBOX_PID_FOREIGN', `pid ${pid} in ${dir}/sandbox.pid is not a mrs-trust sandbox; not signalling it`, { hint: `remove ${dir}/sandbox.pid if the sandbox is gone` });
  }
  process.kill(pid, 'SIGTERM');
  let forced = false;
  if (!(await waitGone(pid, 15_000))) {
    process.kill(pid, 'SIGKILL');
    forced = true;
    await waitGone(pid, 5_000);
  }
  removePid(dir);
  if (forced) ctx.out.warn(`sandbox pid ${pid} did not stop on SIGTERM; killed`);
  ctx.out.result({ ok: true, stateDir: dir, stopped: true, pid }, () => `sandbox stopped (pid ${pid})`);
}
