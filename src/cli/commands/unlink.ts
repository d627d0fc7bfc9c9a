import type { CliContext } from '../context.js';
import { withSandbox } from '../with-sandbox.js';
import { clientOptions, executeLink, parseTimeout, type LinkFlags } from './link.js';

/** `unlink A B`: removes only the A↔B rows, with the same checks, locks and journal as link. */
export async function run(ctx: CliContext, a: string, b: string, flags: LinkFlags): Promise<void> {
  const clients = await clientOptions(ctx, flags);
  await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: [a, b], seedPeer: true }, (configPath) =>
    executeLink(ctx, {
      action: 'unlink',
      configPath,
      a,
      b,
      confirmed: ctx.global.yes,
      dryRun: Boolean(flags.dryRun),
      restartTimeoutSeconds: parseTimeout(flags.restartTimeout),
      clients,
    }),
  );
}
