import type { StepResult } from '../../engine.js';
import { eachHost } from '../each-host.js';
import type { HostState } from '../remote.js';
import type { SshTrustContext } from '../types.js';
import type { TrustWriter } from '../writer.js';

const GROUP_OTHER_WRITE = 0o022;

/**
 * What sshd's StrictModes (and the ssh client) demand: home, `~/.ssh` and authorized_keys not
 * writable by group or others; the private key readable by its owner only. Only the offending
 * bits are removed; files created by this run are already 700/600 (umask 077).
 */
export function modeFixes(state: HostState): { path: string; mode: number }[] {
  const fixes: { path: string; mode: number }[] = [];
  const strip = (path: string, mode: number | undefined, bits: number, to?: number) => {
    if (mode !== undefined && (mode & bits) !== 0) fixes.push({ path, mode: to ?? mode & ~bits });
  };
  strip('.', state.homeStat?.mode, GROUP_OTHER_WRITE);
  strip('.ssh', state.sshDir?.mode, GROUP_OTHER_WRITE);
  for (const name of ['authorized_keys', 'known_hosts'] as const) {
    const stat = state.files[name];
    if (stat && stat !== 'not-a-file') strip(`.ssh/${name}`, stat.mode, GROUP_OTHER_WRITE);
  }
  const key = state.files.id_ed25519;
  if (key && key !== 'not-a-file') strip('.ssh/id_ed25519', key.mode, 0o077, 0o600);
  return fixes;
}

export async function fixModes(ctx: SshTrustContext, writer: TrustWriter): Promise<StepResult> {
  let changed = 0;
  const { failed } = await eachHost(ctx, 'fix-modes', async (host) => {
    const fixes = modeFixes(host.state!);
    if (fixes.length === 0) return;
    await writer.chmod(host, fixes);
    changed += 1;
  });
  if (changed === 0) return { skipped: `modes already as StrictModes requires${failed > 0 ? ` (${failed} failed)` : ''}` };
  return { message: `modes fixed on ${changed} host${changed === 1 ? '' : 's'}` };
}
