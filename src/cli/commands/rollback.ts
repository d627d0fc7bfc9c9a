import type { CliContext } from '../context.js';
import { executeLink, parseTimeout } from './link.js';

export interface RollbackFlags {
  dryRun?: boolean;
  restartTimeout?: string;
}

/**
 * `rollback A B`: undoes what the last journaled operation on the pair changed (peer rows it
 * added or modified, security-group rules `precheck --fix` added), read-check-write, through
 * the same steps as link.
 */
export async function run(ctx: CliContext, a: string, b: string, flags: RollbackFlags): Promise<void> {
  await executeLink(ctx, {
    action: 'rollback',
    configPath: ctx.global.config,
    a,
    b,
    confirmed: ctx.global.yes,
    dryRun: Boolean(flags.dryRun),
    restartTimeoutSeconds: parseTimeout(flags.restartTimeout),
  });
}
