import { CheckError, RemoteError } from '../../../errors/index.js';
import type { StepResult } from '../../engine.js';
import { doneMessage, eachHost } from '../each-host.js';
import { INSPECT, parseInspect, type HostState } from '../remote.js';
import type { HostRun, SshTrustContext } from '../types.js';

/** Files sshd reads as the user: another owner makes StrictModes refuse them, and only root could fix it. */
function wrongOwner(state: HostState): string | undefined {
  if (state.sshDir && state.sshDir.uid !== state.uid) return '~/.ssh';
  for (const [name, stat] of Object.entries(state.files)) {
    if (stat && stat !== 'not-a-file' && stat.uid !== state.uid) return `~/.ssh/${name}`;
  }
  return undefined;
}

function check(host: HostRun, state: HostState): void {
  const label = host.entry.label;
  const notFile = Object.entries(state.files).find(([, stat]) => stat === 'not-a-file');
  if (notFile) throw new CheckError('SSH_TRUST_NOT_A_FILE', `${label}: ~/.ssh/${notFile[0]} is not a regular file; left alone`, { hint: 'move it away on that host, then run again' });
  const owner = wrongOwner(state);
  if (owner) throw new CheckError('SSH_TRUST_OWNER', `${label}: ${owner} is not owned by ${host.entry.user} (uid ${state.uid}); sshd's StrictModes would refuse it`, { hint: `as root on that host: chown -R ${host.entry.user} ~${host.entry.user}/.ssh` });
}

/** Reads each host's `~/.ssh` (modes, owners, hashes, authorized_keys, known_hosts, key pair). */
export async function inspect(ctx: SshTrustContext): Promise<StepResult> {
  const { failed } = await eachHost(ctx, 'inspect', async (host) => {
    const result = await host.remote!.exec(INSPECT, { timeoutMs: 60_000 });
    const state = parseInspect(result.stdout);
    if (typeof state === 'string') throw new RemoteError('SSH_TRUST_UNEXPECTED', `${host.entry.label}: reading ~/.ssh: ${state}${result.stderr ? ` (${result.stderr.trim().slice(0, 200)})` : ''}`, { hint: 'the host needs a POSIX shell with coreutils (stat, sha256sum, base64) and OpenSSH' });
    check(host, state);
    host.state = state;
  });
  return doneMessage(ctx, 'inspected', failed);
}
