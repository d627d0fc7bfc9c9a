import { appendix, authorizedKeysToAdd, knownHostsName, knownHostsToAdd, MARK_FROM, type PublicKey } from '../../../domain/ssh-trust.js';
import type { StepResult } from '../../engine.js';
import { eachHost } from '../each-host.js';
import type { TrustFile } from '../remote.js';
import { live, type HostRun, type SshTrustContext } from '../types.js';
import type { TrustWriter } from '../writer.js';

function peersOf(ctx: SshTrustContext, host: HostRun): HostRun[] {
  return live(ctx).filter((h) => h !== host);
}

function expectedSha(host: HostRun, file: TrustFile): string {
  const stat = host.state?.files[file];
  return stat && stat !== 'not-a-file' ? stat.sha256 : 'absent';
}

async function appendAll(ctx: SshTrustContext, writer: TrustWriter, step: string, file: TrustFile, linesFor: (host: HostRun) => string[]): Promise<StepResult> {
  let changed = 0;
  const { failed } = await eachHost(ctx, step, async (host) => {
    const lines = linesFor(host);
    if (lines.length === 0) return;
    const text = host.state!.text[file];
    await writer.append(host, file, lines, appendix(text, lines), expectedSha(host, file));
    changed += 1;
  });
  const tail = failed > 0 ? `, ${failed} failed` : '';
  if (changed === 0) return { skipped: `every host already has every line${tail}` };
  return { message: `${ctx.request.dryRun ? 'would add lines on' : 'lines added on'} ${changed} host${changed === 1 ? '' : 's'}${tail}` };
}

/** Every host's public key, once, in every other host's authorized_keys (marked as ours). */
export function writeAuthorizedKeys(ctx: SshTrustContext, writer: TrustWriter): Promise<StepResult> {
  return appendAll(ctx, writer, 'write-authorized-keys', 'authorized_keys', (host) => {
    const peers = peersOf(ctx, host);
    const known = peers.flatMap((p) => (p.key && p.key !== 'pending' ? [{ label: p.entry.label, key: p.key as PublicKey }] : []));
    const lines = authorizedKeysToAdd(host.state!.text.authorized_keys, known);
    // Dry run: a key that would be generated has no bytes yet; the line is shown as a placeholder.
    const pending = peers.filter((p) => p.key === 'pending').map((p) => `ssh-ed25519 <new key of ${p.entry.label}> ${MARK_FROM}${p.entry.label}`);
    return [...lines, ...pending];
  });
}

/** The names a user types for a peer: its address (`[ip]:port` off port 22), and its host name with --set-hostnames. */
export function namesOf(ctx: SshTrustContext, peer: HostRun): string[] {
  const names = [knownHostsName(peer.entry.host, peer.entry.port)];
  const hostname = peer.state?.hostname;
  if (ctx.request.setHostnames && hostname && hostname !== peer.entry.host) names.push(knownHostsName(hostname, peer.entry.port));
  return names;
}

/** Every peer's verified host key in every host's known_hosts, so strict checking passes without a question. */
export function writeKnownHosts(ctx: SshTrustContext, writer: TrustWriter): Promise<StepResult> {
  return appendAll(ctx, writer, 'write-known-hosts', 'known_hosts', (host) => {
    const peers = peersOf(ctx, host).flatMap((p) => (p.hostKey ? [{ label: p.entry.label, names: namesOf(ctx, p), key: p.hostKey }] : []));
    const plan = knownHostsToAdd(host.state!.text.known_hosts, peers, ctx.deps.io.knownKeysFor);
    for (const c of plan.conflicts) {
      const message = `~/.ssh/known_hosts line ${c.line} binds ${c.name} to another key: ssh from here to ${c.label} will refuse it (left alone; remove it with ssh-keygen -R '${c.name}' if that host was rebuilt)`;
      host.conflicts.push(message);
      ctx.deps.log(`${host.entry.label}: ${message}`);
      ctx.deps.events.emit({ type: 'warning', scope: host.entry.label, message });
    }
    return plan.lines;
  });
}
