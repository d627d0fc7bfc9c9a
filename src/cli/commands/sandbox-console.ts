import { UsageError, type MrsTrustError } from '../../errors/index.js';
import type { SandboxConsoleState } from '../../ports/sandbox.js';
import type { CliContext } from '../context.js';
import type { SandboxConsoleDownload, SandboxConsoleResult } from '../sandbox-console-result.js';
import { stateDirOf } from '../sandbox-files.js';
import { sandboxError } from '../with-sandbox.js';

/**
 * `sandbox console-save|console-stop|console-start CLUSTER`: the person at an MRS 3.x console of
 * the running sandbox (docs/sandbox.md "MRS 3.x"). A save is the console's OK on Peer Mutual
 * Trust Domain: checked by the console's rules, applied only by restart-RealmConfig.sh.
 */
interface ConsoleFlags {
  stateDir?: string;
  peer?: string[];
  remove?: string[];
}

function parsePeer(text: string): { realm_name: string; ip_port: string } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError('BAD_FLAG', `--peer: "${text}" is not REALM=ip:port,ip:port`, { hint: 'e.g. --peer BETA.MRS=127.0.2.11:21732,127.0.2.12:21732' });
  return { realm_name: text.slice(0, at), ip_port: text.slice(at + 1) };
}

function report(ctx: CliContext, cluster: string, action: SandboxConsoleResult['action'], state: SandboxConsoleState): void {
  const result: SandboxConsoleResult = { ok: true, cluster, action, peers: state.peers, clustersRunning: state.clustersRunning, saves: state.saves };
  const done = { save: 'Peer Mutual Trust Domain saved (applied when restart-RealmConfig.sh runs on the active management node)', stop: 'all clusters stopped', start: 'all clusters started' }[action];
  ctx.out.result(result, () => [
    `${cluster}: ${done}`,
    `  Peer Mutual Trust Domain  ${state.peers.length === 0 ? 'none' : state.peers.map((p) => `${p.realm_name}=${p.ip_port}`).join('  ')}`,
    `  clusters                  ${state.clustersRunning ? 'running' : 'stopped'}`,
  ]);
}

async function guarded(fn: () => Promise<SandboxConsoleState>): Promise<SandboxConsoleState> {
  try {
    return await fn();
  } catch (error) {
    throw sandboxError(error) as MrsTrustError;
  }
}

export async function save(ctx: CliContext, cluster: string, flags: ConsoleFlags = {}): Promise<void> {
  const edit = { set: (flags.peer ?? []).map(parsePeer), remove: flags.remove ?? [] };
  if (edit.set.length === 0 && edit.remove.length === 0) throw new UsageError('BAD_FLAG', 'console-save: give --peer REALM=ip:port,… or --remove REALM');
  const starter = await ctx.adapters.sandbox();
  report(ctx, cluster, 'save', await guarded(() => starter.console.save(stateDirOf(ctx.cwd, flags.stateDir), cluster, edit)));
}

async function runState(ctx: CliContext, cluster: string, flags: ConsoleFlags, running: boolean): Promise<void> {
  const starter = await ctx.adapters.sandbox();
  report(ctx, cluster, running ? 'start' : 'stop', await guarded(() => starter.console.clusters(stateDirOf(ctx.cwd, flags.stateDir), cluster, running)));
}

export const stop = (ctx: CliContext, cluster: string, flags: ConsoleFlags = {}) => runState(ctx, cluster, flags, false);
export const start = (ctx: CliContext, cluster: string, flags: ConsoleFlags = {}) => runState(ctx, cluster, flags, true);

/** `sandbox console-download CLUSTER`: the person's "Download Client > Configuration Files Only > Save to Path on Server". */
export async function download(ctx: CliContext, cluster: string, flags: ConsoleFlags = {}): Promise<void> {
  const starter = await ctx.adapters.sandbox();
  let saved: { node: string; path: string; peers: string[] };
  try {
    saved = await starter.console.download(stateDirOf(ctx.cwd, flags.stateDir), cluster);
  } catch (error) {
    throw sandboxError(error) as MrsTrustError;
  }
  const result: SandboxConsoleDownload = { ok: true, cluster, action: 'download', ...saved };
  ctx.out.result(result, () => [`${cluster}: client configuration saved to ${saved.node}:${saved.path} (peers in its krb5.conf: ${saved.peers.join(', ') || 'none'})`]);
}
