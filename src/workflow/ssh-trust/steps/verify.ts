import { fillMatrix, rotation, summarize, type PairResult } from '../../../domain/ssh-matrix.js';
import type { StepResult } from '../../engine.js';
import { eachHost } from '../each-host.js';
import { parseTryLogins, TRY_LOGINS } from '../remote.js';
import { live, type SshTrustContext } from '../types.js';

/** Per login: ConnectTimeout (10 s) and a little more. */
const PER_LOGIN_MS = 15_000;

/**
 * Every host tries a non-interactive login (BatchMode, strict host key checking) to every other
 * with plain OpenSSH. Pairs with a failed side are `not-run`, never counted as trusted.
 */
export async function verifyLogins(ctx: SshTrustContext): Promise<StepResult> {
  const targets = live(ctx);
  const tried: PairResult[] = [];
  await eachHost(ctx, 'verify-logins', async (host) => {
    const order = rotation(targets, targets.indexOf(host));
    if (order.length === 0) return;
    const stdin = order.map((t) => `${t.entry.label}\t${t.entry.user}\t${t.entry.host}\t${t.entry.port}\n`).join('');
    const result = await host.remote!.exec(TRY_LOGINS, { stdin, timeoutMs: PER_LOGIN_MS * order.length });
    const seen = new Map(parseTryLogins(result.stdout).map((r) => [r.label, r]));
    for (const t of order) {
      const r = seen.get(t.entry.label);
      const pair: PairResult = r?.ok ? { from: host.entry.label, to: t.entry.label, status: 'ok' } : { from: host.entry.label, to: t.entry.label, status: 'failed', reason: r?.reason ?? 'no answer from the check' };
      tried.push(pair);
      ctx.deps.log(`${pair.from} -> ${pair.to}: ${pair.status === 'ok' ? 'ok' : `FAILED (${pair.reason})`}`);
    }
  });
  ctx.pairs = fillMatrix(
    ctx.hosts.map((h) => h.entry.label),
    tried,
    (from, to) => {
      const down = ctx.hosts.find((h) => (h.entry.label === from || h.entry.label === to) && h.failure);
      return down ? `${down.entry.label} failed in ${down.failure?.step}` : 'not checked';
    },
  );
  ctx.verified = true;
  const s = summarize(ctx.pairs);
  return { message: `${s.ok}/${s.total} ordered pairs log in without a password${s.failed ? `, ${s.failed} refused` : ''}${s.notRun ? `, ${s.notRun} not checked` : ''}` };
}
