import type { SecurityGroupRulePlan } from '../../domain/plan.js';
import { describeFix, isAnyRule, type SgFinding } from '../../domain/security-groups.js';
import { isMrsTrustError, PartialError } from '../../errors/index.js';
import type { Clock } from '../../ports/clock.js';
import type { Cloud } from '../../ports/cloud.js';
import type { EventSink } from '../../ports/events.js';
import type { JournalStore, LockManager } from '../../ports/state.js';
import { RunJournal } from '../run-journal.js';
import type { AddedRule } from './result.js';
import { journaledRules } from './rollback.js';

export const FIX_STEP = 'add-security-group-rules';
export const FIX_ACTION = 'precheck-fix';

export interface FixDeps {
  clouds: Record<string, Cloud>;
  journal: JournalStore;
  locks: LockManager;
  clock: Clock;
  events: EventSink;
  newRunId(): string;
}

/** The rules `--fix` would add: the fixes of failing and partial groups (never of unknown ones), once each. */
export function rulesToAdd(findings: readonly SgFinding[]): SecurityGroupRulePlan[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => f.status === 'fail' || f.status === 'partial')
    .flatMap((f) => f.fix)
    .filter((r) => {
      const key = `${r.cluster}|${r.securityGroupId}|${r.remoteGroupId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

async function undoCreated(deps: FixDeps, created: AddedRule[]): Promise<AddedRule[]> {
  const left: AddedRule[] = [];
  for (const rule of [...created].reverse()) {
    try {
      await (deps.clouds[rule.cluster] as Cloud).deleteRule(rule.ruleId as string);
    } catch {
      left.push(rule);
    }
  }
  return left;
}

/**
 * Adds one rule. When the call fails without a usable answer (malformed reply, timeout), the
 * rule may exist anyway: it was missing before, so an ANY rule from that peer group found now
 * is this run's, and is recorded so the cleanup removes it too.
 */
async function addOne(cloud: Cloud, rule: SecurityGroupRulePlan, done: AddedRule[]): Promise<{ created: boolean; ruleId?: string }> {
  try {
    return await cloud.addIngressFromGroup(rule.securityGroupId, rule.remoteGroupId, rule.description);
  } catch (error) {
    const orphan = await cloud
      .listRules(rule.securityGroupId)
      .then((rules) => rules.find((r) => r.direction === 'ingress' && r.remoteGroupId === rule.remoteGroupId && r.ethertype === 'IPv4' && isAnyRule(r)))
      .catch(() => undefined);
    if (orphan) done.push({ ...rule, created: true, ruleId: orphan.id });
    throw error;
  }
}

/** Rule ids this run created on `cluster`, after those an earlier run journaled and never removed. */
const undoOf = (cluster: string, rules: AddedRule[], inherited: Record<string, string[]>) => ({
  kind: 'security-group-rules' as const,
  cluster,
  ruleIds: [...new Set([...(inherited[cluster] ?? []), ...rules.filter((r) => r.cluster === cluster && r.created && r.ruleId).map((r) => r.ruleId as string)])],
});

type Record_ = (cluster: string, status: 'started' | 'done' | 'failed', extra?: { message?: string; error?: { code: string; message: string } }) => Promise<void>;

interface Run {
  deps: FixDeps;
  names: string[];
  rules: readonly SecurityGroupRulePlan[];
  inherited: Record<string, string[]>;
  done: AddedRule[];
  record: Record_;
}

/** One cluster's rules, in order; each created id is journaled before the next call. */
async function addForCluster(run: Run, cluster: string): Promise<void> {
  const { deps, done, record } = run;
  const mine = run.rules.filter((r) => r.cluster === cluster);
  if (mine.length === 0) {
    if (run.inherited[cluster]?.length) await record(cluster, 'done', { message: 'rules added by an earlier --fix' });
    return;
  }
  deps.events.emit({ type: 'step-start', step: FIX_STEP, scope: cluster, title: `add ${mine.length} security-group rule(s)` });
  await record(cluster, 'started');
  for (const rule of mine) {
    const result = await addOne(deps.clouds[cluster] as Cloud, rule, done);
    done.push({ ...rule, created: result.created, ...(result.ruleId ? { ruleId: result.ruleId } : {}) });
    if (result.created) await record(cluster, 'started');
    deps.events.emit({ type: 'step-progress', step: FIX_STEP, scope: cluster, message: `${describeFix(rule)}${result.created ? '' : ' (already there)'}` });
  }
  await record(cluster, 'done', { message: `${mine.length} rule(s)` });
  deps.events.emit({ type: 'step-done', step: FIX_STEP, scope: cluster, outcome: 'done' });
}

/** After a failure: delete what this run created, journal what is left, and pick the error to throw. */
async function cleanUp(run: Run, error: unknown): Promise<unknown> {
  const { deps, done, record } = run;
  const created = done.filter((r) => r.created && r.ruleId);
  const left = await undoCreated(deps, created);
  done.splice(0, done.length, ...left);
  const described = isMrsTrustError(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: String(error) };
  for (const cluster of run.names.filter((n) => run.rules.some((r) => r.cluster === n))) await record(cluster, 'failed', { error: described });
  if (left.length > 0) {
    const [a, b] = run.names;
    return new PartialError('SG_FIX_PARTIAL', `adding security-group rules failed (${described.message}) and ${left.length} rule(s) it added could not be removed again: ${left.map((r) => r.ruleId).join(', ')}`, {
      hint: `they are recorded in the journal; run \`mrs-trust rollback ${a} ${b}\` or remove them in the VPC console`,
      cause: error,
    });
  }
  if (isMrsTrustError(error) && created.length > 0) {
    deps.events.emit({ type: 'warning', message: `removed the ${created.length} rule(s) this run had added before the failure: nothing changed` });
  }
  return error;
}

/**
 * Adds exactly the given rules, under both clusters' locks, recording each created rule id in
 * the run journal as it is created (undo kind `security-group-rules`, one step scope per
 * cluster), so `rollback` removes those and nothing else. A rule already present (VPC.9902) is
 * not journaled. On a failure the rules this run created are deleted again, so no partial state
 * is left; if that cleanup fails too, the ids stay journaled and a PartialError says so.
 */
export async function fixSecurityGroups(deps: FixDeps, a: string, b: string, rules: readonly SecurityGroupRulePlan[]): Promise<{ added: AddedRule[]; journalKey: string }> {
  const names = [a, b];
  const lock = await deps.locks.acquire(names, { command: `precheck ${a} ${b} --fix` });
  try {
    const { journal, previous } = await RunJournal.start(deps.journal, deps.clock, { action: FIX_ACTION, clusters: names, dryRun: false, runId: deps.newRunId() });
    // The pair has one journal: rules an earlier --fix added (and no rollback removed) stay listed.
    const inherited = previous?.action === FIX_ACTION ? journaledRules(previous) : {};
    const done: AddedRule[] = [];
    const record: Record_ = (cluster, status, extra = {}) => journal.recordStep({ id: FIX_STEP, scope: cluster, status, undo: undoOf(cluster, done, inherited), ...extra });
    const run: Run = { deps, names, rules, inherited, done, record };
    try {
      for (const cluster of names) await addForCluster(run, cluster);
    } catch (error) {
      const thrown = await cleanUp(run, error);
      await journal.update((doc) => {
        doc.status = 'failed';
      });
      throw thrown;
    }
    await journal.update((doc) => {
      doc.status = 'done';
    });
    return { added: done, journalKey: journal.key };
  } finally {
    await lock.release();
  }
}
