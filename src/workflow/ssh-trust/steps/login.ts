import type { StepResult } from '../../engine.js';
import { doneMessage, eachHost } from '../each-host.js';
import type { SshTrustContext } from '../types.js';

/** Logs in to every host with the password or a key the user has, the host key pinned as checked. */
export async function logIn(ctx: SshTrustContext): Promise<StepResult> {
  const { request, deps } = ctx;
  const { failed } = await eachHost(ctx, 'log-in', async (host) => {
    const { entry } = host;
    host.remote = await deps.io.open({
      host: entry.host,
      port: entry.port,
      user: entry.user,
      ...(request.password ? { password: request.password } : {}),
      ...(host.hostKey ? { hostKey: host.hostKey.fingerprint } : {}),
      field: `${entry.label} (line ${entry.line})`,
    });
    await host.remote.connect();
    deps.log(`${entry.label}: logged in (host key ${host.hostKey?.fingerprint ?? '?'}, ${host.hostKey?.source ?? '?'})`);
  });
  return doneMessage(ctx, 'logged in', failed);
}
