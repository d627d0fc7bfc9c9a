import { isIpv4, isIpv6 } from '../../../domain/ip-port.js';
import { planEtcHosts } from '../../../domain/ssh-trust.js';
import { RemoteError } from '../../../errors/index.js';
import type { StepResult } from '../../engine.js';
import { eachHost } from '../each-host.js';
import { live, type SshTrustContext } from '../types.js';

/**
 * `--set-hostnames` (root only, checked by the CLI): every host's `/etc/hosts` maps every host's
 * name (`hostname` on that host) to its address from the host file, as gs_sshexkey does.
 * Hosts given by name need no mapping; a name another line maps elsewhere is reported, not changed.
 */
export async function setHostnames(ctx: SshTrustContext): Promise<StepResult> {
  const entries = live(ctx).flatMap((h) => {
    const name = h.state?.hostname ?? '';
    const byAddress = isIpv4(h.entry.host) || isIpv6(h.entry.host);
    return byAddress && name !== '' && name !== 'localhost' && name !== h.entry.host ? [{ ip: h.entry.host, name }] : [];
  });
  let changed = 0;
  const { failed } = await eachHost(ctx, 'set-hostnames', async (host) => {
    const current = host.state!.etcHosts;
    if (!current) throw new RemoteError('SSH_TRUST_NO_ETC_HOSTS', `${host.entry.label}: /etc/hosts is missing or unreadable`, { hint: 'leave out --set-hostnames, or create /etc/hosts on that host' });
    const plan = planEtcHosts(current.text, entries, ctx.request.deduplicate !== false);
    for (const c of plan.conflicts) {
      host.conflicts.push(`/etc/hosts: ${c}`);
      ctx.deps.events.emit({ type: 'warning', scope: host.entry.label, message: `/etc/hosts: ${c}` });
    }
    if (plan.added.length === 0 && plan.removed.length === 0) return;
    await ctx.writer.etcHosts(host, plan, plan.text, current.sha256);
    changed += 1;
  });
  if (changed === 0) return { skipped: `every /etc/hosts already maps every name${failed > 0 ? ` (${failed} failed)` : ''}` };
  return { message: `/etc/hosts ${ctx.request.dryRun ? 'would change' : 'changed'} on ${changed} host${changed === 1 ? '' : 's'}` };
}
