import { randomBytes } from 'node:crypto';
import { isSshUser } from '../../domain/ssh-hosts.js';
import { PartialError, UsageError } from '../../errors/index.js';
import { renderDoctor } from '../../report/ssh-doctor.js';
import { runSshDoctor } from '../../workflow/ssh-doctor/run.js';
import type { CliContext } from '../context.js';
import { sshConnection, type SshConnectionFlags } from '../ssh-options.js';

export interface SshDoctorFlags extends SshConnectionFlags {
  fix?: boolean;
  inspectAs?: string;
  connectTimeout?: string;
}

function connectTimeout(text: string | undefined): number {
  const value = text ?? '5';
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 120) throw new UsageError('BAD_FLAG', `--connect-timeout: "${value}" is not a whole number of seconds from 1 to 120`);
  return Number(value);
}

/** `mrs-trust ssh doctor -f HOSTFILE [--fix]`: why each pair of hosts cannot log in, and the safe fixes (docs/ssh-trust.md). */
export async function run(ctx: CliContext, flags: SshDoctorFlags): Promise<void> {
  const timeoutS = connectTimeout(flags.connectTimeout);
  if (flags.inspectAs !== undefined && !isSshUser(flags.inspectAs)) throw new UsageError('BAD_FLAG', `--inspect-as "${flags.inspectAs}" is not a valid user name`);
  const conn = await sshConnection(ctx, flags);
  const io = await ctx.adapters.sshDoctor({ ...(conn.password ? { password: conn.password } : {}), ...(conn.hostKeys ? { hostKeys: conn.hostKeys } : {}), acceptNew: conn.acceptNew, connectTimeoutMs: 20_000, out: ctx.out });
  const result = await runSshDoctor(
    { io, events: { emit: (event) => ctx.out.event(event) }, signal: ctx.signal, nonce: () => randomBytes(8).toString('hex') },
    { hosts: conn.hosts, ...(flags.inspectAs ? { inspectAs: flags.inspectAs } : {}), fix: Boolean(flags.fix), parallel: conn.parallel, connectTimeoutS: timeoutS },
    conn.hostFile,
  );
  ctx.out.result(result, () => renderDoctor(result));
  if (result.ok) return;
  const s = result.summary;
  throw new PartialError('SSH_TRUST_BROKEN', `${s.failed + s.unchecked} of ${s.pairs} pairs do not work (${s.failed} failed, ${s.unchecked} not checked)`, {
    hint: result.pairs.some((p) => p.causes.some((c) => c.fixable)) ? 'rerun with --fix to apply the safe fixes marked [--fix applies it]' : 'apply the fixes shown for each cause, then run `mrs-trust ssh doctor` again',
    details: { summary: s, resultPrinted: true },
  });
}
