import { generatedComment } from '../../../domain/ssh-trust.js';
import { CheckError } from '../../../errors/index.js';
import type { StepResult } from '../../engine.js';
import { doneMessage, eachHost } from '../each-host.js';
import type { SshTrustContext } from '../types.js';
import type { TrustWriter } from '../writer.js';

/**
 * Each host uses its own `~/.ssh/id_ed25519`, generated there when missing. A key is never
 * deleted, replaced or copied; one that plain `ssh` cannot use non-interactively stops that host.
 */
export async function ensureKeys(ctx: SshTrustContext, writer: TrustWriter): Promise<StepResult> {
  let generated = 0;
  const { failed } = await eachHost(ctx, 'ensure-keys', async (host) => {
    const state = host.state!;
    const label = host.entry.label;
    if (state.privateKey.kind === 'plain') {
      host.key = { ...state.privateKey.publicKey, generated: false };
      return;
    }
    if (state.privateKey.kind === 'encrypted') {
      throw new CheckError('SSH_TRUST_KEY_ENCRYPTED', `${label}: ~/.ssh/id_ed25519 needs a passphrase, so plain ssh cannot use it without an agent; left alone`, { hint: 'use a key without a passphrase for host-to-host trust (ssh-keygen -p -N "" -f ~/.ssh/id_ed25519), or load it into ssh-agent on that host' });
    }
    if (state.files['id_ed25519.pub'] !== undefined) {
      throw new CheckError('SSH_TRUST_KEY_HALF', `${label}: ~/.ssh/id_ed25519.pub exists without its private key; left alone`, { hint: 'move ~/.ssh/id_ed25519.pub away on that host (mrs-trust never replaces a key), then run again' });
    }
    const key = await writer.generateKey(host, generatedComment(label));
    host.key = key ? { ...key, generated: true } : 'pending';
    generated += 1;
  });
  const base = doneMessage(ctx, 'keys ready', failed);
  return generated === 0 ? { skipped: `every host already has its own key${failed > 0 ? ` (${failed} failed)` : ''}` } : { message: `${base.message}; ${generated} generated${ctx.request.dryRun ? ' (dry run: would be)' : ''}` };
}
