import { parsePublicKey, type PublicKey } from '../../domain/ssh-trust.js';
import { RemoteError } from '../../errors/index.js';
import { appendCommand, chmodCommand, etcHostsCommand, keygenCommand, removeKeyCommand, replaceCommand, type TrustFile } from './remote.js';
import type { HostRun, SshTrustContext, TrustChange } from './types.js';

/**
 * The one gate every write of `ssh trust` / `ssh revoke` goes through. Each write is recorded as
 * a `TrustChange` on its host (the `--json` and `--log` account) and, unless this is a dry run,
 * made. Nothing else in the workflow writes to a host.
 */
export interface TrustWriter {
  /** The new public key, or undefined in a dry run (nothing generated). */
  generateKey(host: HostRun, comment: string): Promise<PublicKey | undefined>;
  append(host: HostRun, file: TrustFile, lines: string[], bytes: string, expected: string): Promise<void>;
  replace(host: HostRun, file: TrustFile, removed: string[], text: string, expected: string): Promise<void>;
  chmod(host: HostRun, changes: { path: string; mode: number }[]): Promise<void>;
  removeKeyPair(host: HostRun, publicLine: string): Promise<void>;
  etcHosts(host: HostRun, change: { added: string[]; removed: string[] }, text: string, expected: string): Promise<void>;
}

async function run(host: HostRun, what: string, command: string, stdin?: string): Promise<string> {
  const remote = host.remote;
  if (!remote) throw new Error(`${host.entry.label}: not logged in`);
  const result = await remote.exec(command, { timeoutMs: 60_000, ...(stdin === undefined ? {} : { stdin }) });
  if (result.exitCode === 0) return result.stdout;
  const why = result.stderr.trim().split('\n').pop() || `exit ${result.exitCode ?? result.signal ?? '?'}`;
  if (result.exitCode === 17) throw new RemoteError('SSH_TRUST_CONFLICT', `${host.entry.label}: ${what}: ${why}`, { hint: 'something else changed the file meanwhile: run the same command again' });
  throw new RemoteError('SSH_TRUST_WRITE_FAILED', `${host.entry.label}: ${what} failed: ${why}`, { hint: `mrs-trust ssh doctor -f HOSTFILE names the cause on that host (disk, owner, modes)` });
}

export function trustWriter(ctx: SshTrustContext): TrustWriter {
  const dry = ctx.request.dryRun;
  const record = (host: HostRun, change: TrustChange) => {
    host.changes.push(change);
    const detail = change.lines ? ` (${change.lines.length} line${change.lines.length === 1 ? '' : 's'})` : change.mode ? ` ${change.mode}` : '';
    ctx.deps.log(`${host.entry.label}: ${dry ? 'would ' : ''}${change.action} ${change.path.startsWith('/') ? '' : '~/'}${change.path}${detail}${change.lines ? `\n${change.lines.map((l) => `    ${l}`).join('\n')}` : ''}`);
  };
  const b64 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('base64');
  return {
    async generateKey(host, comment) {
      if (!dry) {
        const out = await run(host, 'generate ~/.ssh/id_ed25519', keygenCommand(comment));
        const key = parsePublicKey(out.trim());
        if (!key) throw new RemoteError('SSH_TRUST_WRITE_FAILED', `${host.entry.label}: ssh-keygen printed no public key`, { hint: 'check that OpenSSH (ssh-keygen) is installed on the host' });
        record(host, { action: 'generate-key', path: '.ssh/id_ed25519', lines: [out.trim()] });
        return { type: key.type, base64: key.base64 };
      }
      record(host, { action: 'generate-key', path: '.ssh/id_ed25519' });
      return undefined;
    },
    async append(host, file, lines, bytes, expected) {
      if (!dry) await run(host, `append to ~/.ssh/${file}`, appendCommand(file, expected), b64(bytes));
      record(host, { action: 'append', path: `.ssh/${file}`, lines });
    },
    async replace(host, file, removed, text, expected) {
      if (!dry) await run(host, `rewrite ~/.ssh/${file}`, replaceCommand(file, expected), b64(text));
      record(host, { action: 'remove-lines', path: `.ssh/${file}`, lines: removed });
    },
    async chmod(host, changes) {
      if (!dry) await run(host, 'chmod', chmodCommand(changes));
      for (const c of changes) record(host, { action: 'chmod', path: c.path, mode: c.mode.toString(8) });
    },
    async etcHosts(host, change, text, expected) {
      if (!dry) await run(host, 'rewrite /etc/hosts', etcHostsCommand(expected), b64(text));
      record(host, { action: 'set-hostnames', path: '/etc/hosts', lines: [...change.removed.map((l) => `- ${l}`), ...change.added.map((l) => `+ ${l}`)] });
    },
    async removeKeyPair(host, publicLine) {
      if (!dry) await run(host, 'remove ~/.ssh/id_ed25519', removeKeyCommand(publicLine));
      record(host, { action: 'remove-key-pair', path: '.ssh/id_ed25519' });
    },
  };
}
