import type { CliContext } from '../context.js';
import { runSshTrustCommand, type SshTrustFlags } from '../ssh-run.js';

/** `mrs-trust ssh revoke -f HOSTFILE`: removes exactly what `ssh trust` added (docs/ssh-trust.md). */
export function run(ctx: CliContext, flags: SshTrustFlags): Promise<void> {
  return runSshTrustCommand(ctx, 'revoke', flags);
}
