import { journaledRules } from '../precheck/rollback.js';
import { CheckError } from '../../errors/index.js';
import type { Step } from '../engine.js';
import type { LinkState } from '../link/context.js';

const count = (rules: Record<string, string[]>) => Object.values(rules).reduce((n, ids) => n + ids.length, 0);

/** The rule ids the journal owes a removal of (added by `precheck --fix`, not yet rolled back). */
export const owedRules = (s: LinkState): Record<string, string[]> => journaledRules(s.journal.snapshot);

/**
 * Removes exactly the security-group rules the journal records as added (by id; one already
 * gone counts as removed), and nothing else.
 */
export const removeSecurityGroupRules: Step<LinkState> = {
  id: 'remove-security-group-rules',
  title: 'Remove the security-group rules precheck --fix added',
  skip: (s) => (count(owedRules(s)) === 0 ? 'no security-group rules journaled' : undefined),
  would: (s) => `would remove ${count(owedRules(s))} security-group rule(s)`,
  async run(s) {
    const rules = owedRules(s);
    s.removedRules = Object.entries(rules).flatMap(([cluster, ids]) => ids.map((ruleId) => ({ cluster, ruleId })));
    if (s.request.dryRun) return {};
    s.removedRules = await (s.deps.removeRules as NonNullable<typeof s.deps.removeRules>)(rules);
    return { message: `removed ${s.removedRules.length} rule(s): ${s.removedRules.map((r) => r.ruleId).join(', ')}` };
  },
};

/** Checked when the rollback plan is made, before any write: rules are owed but no cloud access is configured. */
export function assertCanRemoveRules(s: LinkState): void {
  const rules = owedRules(s);
  if (count(rules) === 0 || s.deps.removeRules) return;
  const clusters = Object.keys(rules).join(', ');
  const ids = Object.values(rules).flat().join(', ');
  throw new CheckError('CLOUD_NOT_CONFIGURED', `the journal lists security-group rules added on ${clusters}, but clusters.<name>.cloud is not configured to remove them; nothing was written`, {
    hint: `add the cloud block for ${clusters} to clusters.yaml (check it with \`mrs-trust config check\`), or remove the rules ${ids} in the VPC console`,
  });
}
