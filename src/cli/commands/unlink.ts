import type { CliContext } from '../context.js';
import { executeLink, parseTimeout, type LinkFlags } from './link.js';

/** `unlink A B`: removes only the A↔B rows, with the same checks, locks and journal as link. */
export async function run(ctx: CliContext, a: string, b: string, flags: LinkFlags): Promise<void> {
  await executeLink(ctx, {
    action: 'unlink',
    configPath: ctx.global.config,
    a,
    b,
    confirmed: ctx.global.yes,
    dryRun: Boolean(flags.dryRun),
    restartTimeoutSeconds: parseTimeout(flags.restartTimeout),
  });
}
