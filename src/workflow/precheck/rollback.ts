import type { JournalDoc } from '../../domain/journal.js';
import { CheckError } from '../../errors/index.js';
import type { Cloud } from '../../ports/cloud.js';

/** The security-group rule ids a journal says were created (by its run, or carried from earlier runs), per cluster. */
export function journaledRules(doc: JournalDoc): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const step of [...(doc.carried ?? []), ...doc.steps]) {
    if (step.undo?.kind !== 'security-group-rules') continue;
    const list = (out[step.undo.cluster] ??= []);
    for (const id of step.undo.ruleIds) if (!list.includes(id)) list.push(id);
  }
  return out;
}

/**
 * For `rollback`: removes exactly the security-group rules the journaled run created (any step
 * with undo kind `security-group-rules`, from `precheck --fix` or `link`), and nothing else. A
 * rule already gone counts as removed (the adapter treats 404 as done), so it can run twice.
 */
export function removeJournaledRules(clouds: Record<string, Cloud>, doc: JournalDoc): Promise<{ cluster: string; ruleId: string }[]> {
  return removeRules(clouds, journaledRules(doc));
}

/** Deletes the given rule ids per cluster, in order; a rule already gone counts as removed. */
export async function removeRules(clouds: Record<string, Cloud>, rules: Record<string, string[]>): Promise<{ cluster: string; ruleId: string }[]> {
  const removed: { cluster: string; ruleId: string }[] = [];
  for (const [cluster, ids] of Object.entries(rules)) {
    const cloud = clouds[cluster];
    if (!cloud) {
      throw new CheckError('CLOUD_NOT_CONFIGURED', `the journal lists security-group rules added on ${cluster} (${ids.join(', ')}), but clusters.${cluster}.cloud is not configured to remove them`, {
        hint: `add clusters.${cluster}.cloud to clusters.yaml, or remove the rules in the VPC console`,
      });
    }
    for (const ruleId of ids) {
      await cloud.deleteRule(ruleId);
      removed.push({ cluster, ruleId });
    }
  }
  return removed;
}
