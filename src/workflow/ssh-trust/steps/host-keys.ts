import { InterruptedError, RemoteError, UsageError } from '../../../errors/index.js';
import type { HostKeyCheck } from '../../../ports/ssh-trust.js';
import type { StepResult } from '../../engine.js';
import { doneMessage, eachHost } from '../each-host.js';
import type { HostRun, SshTrustContext } from '../types.js';

/**
 * Every host's key, judged before anything is sent but the key exchange: pinned by `--host-keys`,
 * else the user's known_hosts. A changed key fails that host (named, nothing written to it);
 * unknown keys are recorded with `--accept-new`, confirmed on a terminal, or stop the run.
 */
export async function checkHostKeys(ctx: SshTrustContext): Promise<StepResult> {
  const { request, deps } = ctx;
  const source = request.hostKeys ?? deps.io.defaultKnownHosts();
  const unknown = new Map<HostRun, HostKeyCheck>();
  const { failed } = await eachHost(ctx, 'check-host-keys', async (host) => {
    const check = await deps.io.checkHostKey(host.entry.host, host.entry.port, source, host.entry.label);
    const key = { type: check.type, base64: check.base64, fingerprint: check.fingerprint };
    if (check.verdict === 'changed') {
      throw new RemoteError('HOST_KEY_CHANGED', `${host.entry.label}: HOST KEY CHANGED: offered ${check.fingerprint}, ${source} has ${check.expected ?? 'another key'}; nothing was sent or written to this host`, { details: { fingerprint: check.fingerprint, expected: check.expected } });
    }
    if (check.verdict === 'trusted') host.hostKey = { ...key, source: request.hostKeys ? 'pinned' : 'known' };
    else if (request.hostKeys) throw new RemoteError('HOST_KEY_UNKNOWN', `${host.entry.label}: host key ${check.fingerprint} is not in ${source}`, { details: { fingerprint: check.fingerprint } });
    else unknown.set(host, check);
  });
  if (unknown.size > 0) await settleUnknown(ctx, unknown, source);
  return doneMessage(ctx, 'host keys verified', failed);
}

async function settleUnknown(ctx: SshTrustContext, unknown: Map<HostRun, HostKeyCheck>, source: string): Promise<void> {
  const { request, deps } = ctx;
  const rows = [...unknown].map(([host, check]) => ({ label: host.entry.label, type: check.type, fingerprint: check.fingerprint }));
  let how: 'accepted' | 'confirmed';
  if (request.acceptNew) {
    how = 'accepted';
  } else if (deps.confirmHostKeys) {
    if (!(await deps.confirmHostKeys(rows))) throw new InterruptedError('host keys not confirmed; nothing was written', { hint: 'check the fingerprints out of band (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on each host)' });
    how = 'confirmed';
  } else {
    const list = rows.map((r) => `${r.label} ${r.fingerprint}`).join(', ');
    throw new UsageError('HOST_KEY_UNKNOWN', `host keys never seen before (${source}): ${list}; nothing was written`, {
      hint: 'check them out of band, then rerun with --accept-new, or pin them with --host-keys FILE (known_hosts format); on a terminal they are shown to confirm',
      details: { hosts: rows },
    });
  }
  for (const [host, check] of unknown) {
    host.hostKey = { type: check.type, base64: check.base64, fingerprint: check.fingerprint, source: how };
    // A dry run writes nothing, not even locally: the key is trusted for this run only.
    if (!request.dryRun) await deps.io.recordHostKey(source, host.entry.host, host.entry.port, check);
    deps.log(`${host.entry.label}: ${how} new host key ${check.type} ${check.fingerprint}${request.dryRun ? ' (dry run: not recorded)' : ` (recorded in ${source})`}`);
    deps.events.emit({ type: 'warning', scope: host.entry.label, message: `${how} new host key ${check.fingerprint}` });
  }
}
