import { randomBytes } from 'node:crypto';
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { clusterByName, loadConfig } from '../../config/load.js';
import { passwordFrom, passwordProblem } from '../../domain/cross-realm.js';
import { Secret } from '../../domain/secret.js';
import { UsageError } from '../../errors/index.js';
import type { RotateResult } from '../../workflow/rotate/result.js';
import { runRotate } from '../../workflow/rotate/run.js';
import type { CliContext } from '../context.js';
import { closeAll, kdcAdmins } from '../kdc-admin-wiring.js';
import { baseDeps, ticket } from '../link-wiring.js';
import { withSandbox } from '../with-sandbox.js';

export interface RotateFlags {
  passwordFile?: string;
  oldPasswordFile?: string;
  savePassword?: string;
  sandbox?: boolean;
}

/** A password from a file only the owner can read (0600 or stricter); one trailing newline stripped. */
async function passwordFromFile(path: string, flag: string): Promise<Secret> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new UsageError('BAD_FLAG', `${flag}: ${path} is not a readable file`);
  if ((info.mode & 0o077) !== 0) throw new UsageError('INSECURE_PASSWORD_FILE', `${flag}: ${path} can be read by others (mode ${(info.mode & 0o777).toString(8)})`, { hint: `chmod 600 ${path}` });
  const text = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  const problem = passwordProblem(text);
  if (problem) throw new UsageError('WEAK_PASSWORD', `${flag}: the password in ${path} ${problem}`, { hint: 'MRS password rules: 8 to 64 characters with upper and lower case, digits and special characters; or leave --password-file out to generate one' });
  return new Secret(text, `file:${path}`);
}

async function confirm(ctx: CliContext, a: string, b: string): Promise<void> {
  if (ctx.global.yes) return;
  if (!ctx.stdinIsTTY || !ctx.global.input) {
    throw new UsageError('CONFIRMATION_REQUIRED', 'rotate changes the cross-realm keys in both KDCs; without a terminal it needs --yes', { hint: 'pass --yes to confirm, or run `mrs-trust verify A B` to only check' });
  }
  const typed = await (await ctx.adapters.prompter()).input({ message: `This changes krbtgt/${b}… and krbtgt/${a}… in both KDCs. Type ${a}-${b} to continue:` });
  if (typed.trim() !== `${a}-${b}`) throw new UsageError('DECLINED', 'rotation cancelled; nothing was changed');
}

function human(r: RotateResult): string[] {
  const lines = [`${r.ok ? 'Rotated' : 'Rotation FAILED'}: ${r.clusters.join(' ↔ ')} (new password ${r.passwordSource}${r.savedTo ? `, saved to ${r.savedTo}` : ''})`];
  for (const p of r.principals) lines.push(`  ${p.cluster.padEnd(10)} ${p.principal}  ${p.state}${p.kvnoBefore === undefined ? '' : ` (kvno before ${p.kvnoBefore})`}${p.error ? `: ${p.error}` : ''}`);
  for (const c of r.checks) lines.push(`  ${c.status === 'passed' ? 'ok  ' : c.status === 'failed' ? 'FAIL' : 'skip'} ${c.id}${c.scope ? ` ${c.scope}` : ''}: ${c.message ?? ''}`);
  if (r.journal) lines.push(`  journal: ${r.journal}`);
  return lines;
}

/**
 * `mrs-trust rotate A B`: a new password on the four cross-realm principals in lockstep
 * (docs/trust-health.md "rotate"). The password reaches kadmin on stdin only; it is written
 * nowhere except `--save-password FILE` (0600, before the first change, so an interrupted run
 * can be finished with `--password-file FILE`).
 */
export async function run(ctx: CliContext, a: string, b: string, flags: RotateFlags = {}): Promise<void> {
  if (a === b) throw new UsageError('SAME_CLUSTER', `cannot rotate ${a} with itself`, { hint: 'name two different clusters' });
  const newPassword = flags.passwordFile ? await passwordFromFile(flags.passwordFile, '--password-file') : new Secret(passwordFrom(randomBytes(28)), 'generated');
  const currentPassword = flags.oldPasswordFile ? await passwordFromFile(flags.oldPasswordFile, '--old-password-file') : undefined;
  await confirm(ctx, a, b);
  if (flags.savePassword) {
    await writeFileAtomic(flags.savePassword, `${newPassword.reveal()}\n`, { mode: 0o600 }).catch((error: Error) => {
      throw new UsageError('BAD_FLAG', `--save-password: cannot write ${flags.savePassword}: ${error.message}`);
    });
  }
  const outcome = await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: [a, b] }, async (configPath) => {
    const config = await loadConfig(configPath);
    const clusters = [clusterByName(config, a), clusterByName(config, b)];
    const deps = await baseDeps(ctx, config, clusters, { emit: (e) => ctx.out.event(e) }, async () => false);
    const admins = kdcAdmins(ctx, clusters);
    try {
      const done = await runRotate({ ...deps, ticket: ticket(ctx, clusters), kdcAdmin: admins }, {
        a,
        b,
        newPassword,
        ...(currentPassword ? { currentPassword, currentSource: '--old-password-file' } : { currentSource: "MRS's default password" }),
        passwordSource: flags.passwordFile ? 'file' : 'generated',
      });
      return { ...done, result: { ...done.result, ...(done.result.journal ? { journal: join(config.stateDir, done.result.journal) } : {}) } };
    } finally {
      await closeAll(admins);
    }
  });
  const result: RotateResult = { ...outcome.result, ...(flags.savePassword ? { savedTo: flags.savePassword } : {}) };
  ctx.out.result(result, () => human(result));
  if (outcome.error) throw outcome.error;
}
