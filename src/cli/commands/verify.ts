import { clusterByName, loadConfig } from '../../config/load.js';
import { CheckError } from '../../errors/index.js';
import type { VerifyResult } from '../../workflow/verify/result.js';
import { runVerify } from '../../workflow/verify/run.js';
import { baseDeps, ticket } from '../link-wiring.js';
import { closeAll, kdcAdmins } from '../kdc-admin-wiring.js';
import type { CliContext } from '../context.js';
import { withSandbox } from '../with-sandbox.js';

const MARK = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' } as const;

export function verifyLines(result: VerifyResult): string[] {
  const lines = [`${result.ok ? 'Trust verified' : 'Trust NOT verified'}: ${result.clusters.join(' ↔ ')} (${result.checkedAt})`];
  for (const c of result.checks) {
    lines.push(`  ${MARK[c.status]} ${c.id}${c.scope ? ` ${c.scope}` : ''}: ${c.message ?? ''}${c.cause ? ` [${c.cause}]` : ''}`);
    if (c.status === 'failed' && c.hint) lines.push(`       hint: ${c.hint}`);
  }
  for (const w of result.warnings) lines.push(`  warning${w.cluster ? ` ${w.cluster}` : ''}: ${w.message}`);
  return lines;
}

export interface VerifyFlags {
  sandbox?: boolean;
}

/**
 * `mrs-trust verify A B`: re-reads both sides and proves the trust (ticket both ways, key
 * parity when admin access is configured). Writes nothing to the clusters. Exit 0 when every
 * check passed, 3 otherwise (after printing the result).
 */
export async function run(ctx: CliContext, a: string, b: string, flags: VerifyFlags = {}): Promise<void> {
  const result = await withSandbox(ctx, { enabled: Boolean(flags.sandbox), clusters: [a, b] }, async (configPath) => {
    const config = await loadConfig(configPath);
    const clusters = [clusterByName(config, a), clusterByName(config, b)];
    const deps = await baseDeps(ctx, config, clusters, { emit: (e) => ctx.out.event(e) }, async () => false);
    const admins = kdcAdmins(ctx, clusters);
    try {
      return await runVerify({ ...deps, ticket: ticket(ctx, clusters), kdcAdmin: admins }, { a, b });
    } finally {
      await closeAll(admins);
    }
  });
  ctx.out.result(result, () => verifyLines(result));
  if (!result.ok) {
    const failed = result.checks.filter((c) => c.status === 'failed');
    throw new CheckError('VERIFY_FAILED', `verify ${a} ${b} failed: ${failed.map((c) => `${c.id}${c.scope ? ` ${c.scope}` : ''} (${c.cause ?? 'failed'})`).join(', ')}`, {
      hint: failed.find((c) => c.hint)?.hint ?? 'see the checks above',
      details: { resultPrinted: true },
    });
  }
}
