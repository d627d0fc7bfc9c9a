import { isAbsolute, resolve } from 'node:path';
import { PartialError, RemoteError, UsageError } from '../errors/index.js';
import { padRows } from '../report/table.js';
import { runSshTrust, type SshTrustRequest, type SshTrustResult } from '../workflow/ssh-trust/run.js';
import type { ActionLog } from '../ports/ssh-trust.js';
import type { WorkflowEvent } from '../ports/events.js';
import type { CliContext } from './context.js';
import { renderSshTrust } from './ssh-render.js';
import { sshConnection, type SshConnection, type SshConnectionFlags } from './ssh-options.js';

export interface SshTrustFlags extends SshConnectionFlags {
  setHostnames?: boolean;
  removeKeys?: boolean;
  log?: string;
  dryRun?: boolean;
}

/** On a terminal: the unknown keys as a table, then one question for all of them. */
function hostKeyConfirmer(ctx: CliContext): ((keys: { label: string; type: string; fingerprint: string }[]) => Promise<boolean>) | undefined {
  if (!ctx.stdinIsTTY || !ctx.global.input) return undefined;
  return async (keys) => {
    ctx.out.info('Host keys never seen before (compare with ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on each host):');
    for (const line of padRows([['HOST', 'TYPE', 'FINGERPRINT'], ...keys.map((k) => [k.label, k.type, k.fingerprint])])) ctx.out.info(`  ${line}`);
    const prompter = await ctx.adapters.prompter();
    return prompter.confirm({ message: `Trust these ${keys.length} host key${keys.length === 1 ? '' : 's'} and record them in known_hosts?`, default: false });
  };
}

function outcome(result: SshTrustResult): Error | undefined {
  if (result.ok) return undefined;
  const failed = result.hosts.filter((h) => h.status === 'failed');
  const details = { resultPrinted: true, failedHosts: failed.map((h) => h.label) };
  if (failed.length === result.hosts.length) {
    const first = failed[0]?.error;
    return new RemoteError(first?.code ?? 'SSH_TRUST_FAILED', `no host could be ${result.action === 'trust' ? 'set up' : 'revoked'}: ${failed.map((h) => `${h.label} (${h.error?.code ?? '?'})`).join(', ')}`, { ...(first?.hint ? { hint: first.hint } : {}), details });
  }
  const pairs = result.matrix.verified ? `; ${result.matrix.ok}/${result.matrix.total} ordered pairs log in` : '';
  return new PartialError('SSH_TRUST_PARTIAL', `${failed.length} of ${result.hosts.length} hosts failed${pairs}`, { hint: 'see the table above; mrs-trust ssh doctor -f HOSTFILE names the cause per pair', details });
}

function requestOf(action: 'trust' | 'revoke', connection: SshConnection, flags: SshTrustFlags): SshTrustRequest {
  return {
    action,
    hosts: connection.hosts,
    ...(connection.password ? { password: connection.password } : {}),
    ...(connection.hostKeys ? { hostKeys: connection.hostKeys } : {}),
    acceptNew: connection.acceptNew,
    parallel: connection.parallel,
    dryRun: Boolean(flags.dryRun),
    setHostnames: Boolean(flags.setHostnames),
    deduplicate: flags.deduplicate !== false,
    removeKeys: Boolean(flags.removeKeys),
  };
}

async function openLogFile(ctx: CliContext, flags: SshTrustFlags, openLog: (path: string) => Promise<ActionLog>): Promise<ActionLog | undefined> {
  if (flags.log === undefined) return undefined;
  return openLog(isAbsolute(flags.log) ? flags.log : resolve(ctx.cwd, flags.log));
}

function summaryLine(result: SshTrustResult): string {
  return `result: ${result.ok ? 'ok' : 'not ok'}; ${result.changed ? 'changed' : 'nothing changed'}${result.matrix.verified ? `; ${result.matrix.ok}/${result.matrix.total} pairs log in` : ''}`;
}

/** `ssh trust` and `ssh revoke`: flags → request, run, print, exit 0 / 4 (no host) / 5 (some). */
export async function runSshTrustCommand(ctx: CliContext, action: 'trust' | 'revoke', flags: SshTrustFlags): Promise<void> {
  const connection = await sshConnection(ctx, flags, { minHosts: action === 'trust' ? 2 : 1 });
  if (flags.setHostnames && connection.hosts.some((h) => h.user !== 'root')) {
    throw new UsageError('BAD_FLAG', '--set-hostnames writes /etc/hosts, so every host must be logged into as root', { hint: 'use --user root (or root@ in the host file), or leave out --set-hostnames' });
  }
  const { io, clock, openLog } = await ctx.adapters.sshTrust(ctx.out);
  const log = await openLogFile(ctx, flags, openLog);
  const confirmHostKeys = hostKeyConfirmer(ctx);
  const deps = {
    io,
    clock,
    log: (line: string) => {
      log?.write(line);
      ctx.out.debug(line);
    },
    events: { emit: (event: WorkflowEvent) => ctx.out.event(event) },
    signal: ctx.signal,
    ...(confirmHostKeys ? { confirmHostKeys } : {}),
  };
  let result: SshTrustResult;
  try {
    result = await runSshTrust(requestOf(action, connection, flags), deps, { hostFile: connection.hostFile, duplicates: connection.duplicates });
  } catch (error) {
    log?.write(`stopped: ${(error as Error).message}`);
    await log?.close();
    throw error;
  }
  log?.write(summaryLine(result));
  await log?.close();
  ctx.out.result(result, () => renderSshTrust(result));
  const error = outcome(result);
  if (error) throw error;
}
