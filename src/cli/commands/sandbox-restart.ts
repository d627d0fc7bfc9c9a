import { clusterByName, loadConfig } from '../../config/load.js';
import { RemoteError } from '../../errors/index.js';
import type { Manager } from '../../ports/manager.js';
import type { CliContext } from '../context.js';
import { readState, stateDirOf } from '../sandbox-files.js';

export interface SandboxRestartFlags {
  stateDir?: string;
  service?: string;
  timeout?: string;
}

async function runCommand(manager: Manager, cluster: string, service: string, action: 'stop' | 'start', timeoutMs: number): Promise<string | undefined> {
  const id = action === 'stop' ? await manager.stopService(service) : await manager.startService(service);
  if (id === undefined) return undefined;
  const done = await manager.waitForCommand(id, { timeoutMs });
  if (done.state !== 'COMPLETE') throw new RemoteError('RESTART_FAILED', `${cluster}: ${action} of ${service} ended ${done.state}`, { hint: 'mrs-trust sandbox status shows the restart record' });
  return id;
}

/**
 * `sandbox restart CLUSTER`: what an operator does by hand in the Manager UI — restart a service
 * — against a running sandbox, as a plain Manager client: login, then the documented stop and
 * start of the service (only_self), each waited on. The sandbox records both commands like any
 * other; nothing tells mrs-trust about them (its journal keeps what it had), so a later `link`
 * or `resume` sees exactly what it would see on a real cluster after a restart in the UI.
 */
export async function run(ctx: CliContext, cluster: string, flags: SandboxRestartFlags = {}): Promise<void> {
  const dir = stateDirOf(ctx.cwd, flags.stateDir);
  const state = readState(dir);
  const config = await loadConfig(state.configPath);
  const entry = clusterByName(config, cluster);
  const service = flags.service ?? 'KrbServer';
  const timeoutMs = Number(flags.timeout ?? 600) * 1000;
  const manager = await ctx.adapters.manager(entry, ctx.out);
  try {
    await manager.login();
    const stop = await runCommand(manager, cluster, service, 'stop', timeoutMs);
    const start = await runCommand(manager, cluster, service, 'start', timeoutMs);
    const commands = [stop, start].filter((x): x is string => x !== undefined);
    ctx.out.result({ ok: true, stateDir: dir, cluster, service, commands }, () => `${cluster}: ${service} restarted by hand (documented stop + start, as in the Manager UI; commands ${commands.join(', ') || 'none'})`);
  } finally {
    await manager.logout();
  }
}
