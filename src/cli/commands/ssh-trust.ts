import type { CliContext } from '../context.js';
import { runSshTrustCommand, type SshTrustFlags } from '../ssh-run.js';

/** `mrs-trust ssh trust -f HOSTFILE`: see docs/ssh-trust.md. */
export function run(ctx: CliContext, flags: SshTrustFlags): Promise<void> {
  return runSshTrustCommand(ctx, 'trust', flags);
}
