import { journalKey, type JournalDoc } from '../../domain/journal.js';
import type { Secret } from '../../domain/secret.js';
import { CheckError, isMrsTrustError, PartialError, RemoteError, UsageError } from '../../errors/index.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { Manager } from '../../ports/manager.js';
import type { JournalStore } from '../../ports/state.js';
import { runSteps, type Step, type StepReport } from '../engine.js';
import { verifyTicket } from '../link/steps/verify.js';
import { RunJournal } from '../run-journal.js';
import type { VerifyDeps } from '../verify/context.js';
import type { VerifyResult } from '../verify/result.js';
import { collecting } from '../verify/run.js';
import { keyOrder, slotKey, type KeySlot, type RotateRequest, type RotateState } from './context.js';
import type { RotateResult } from './result.js';
import { parityAfter, rotateSteps } from './steps.js';

/** rotate keeps its own journal next to link's (`journal/<pair>.rotate.json`): link's undo data stays intact. */
export function rotateJournalStore(store: JournalStore): JournalStore {
  return { read: (key) => store.read(`${key}.rotate`), write: (key, doc) => store.write(`${key}.rotate`, doc) };
}

/** Keys an unfinished earlier rotation changed and did not restore: slotKey → kvno before. */
export function unfinishedKeys(previous: JournalDoc | undefined): Record<string, number> {
  if (!previous || previous.status === 'done') return {};
  const restored = new Set(previous.steps.filter((st) => st.id === 'restore-key' && st.status === 'done').map((st) => st.scope));
  const out: Record<string, number> = {};
  for (const st of previous.steps) {
    if (st.id === 'change-key' && st.undo?.kind === 'principal-key' && st.scope && !restored.has(st.scope)) out[st.scope] = st.undo.kvnoBefore;
  }
  return out;
}

/** Puts one changed key back: the previous password (hence the same keys), then the previous kvno. */
function restoreKey(slot: KeySlot): Step<RotateState> {
  return {
    id: 'restore-key',
    title: 'Restore the previous key (kadmin cpw, modprinc -kvno)',
    scopes: () => [slotKey(slot)],
    async run(s) {
      const key = slotKey(slot);
      const admin = (s.deps.kdcAdmin as Record<string, KdcAdmin>)[slot.cluster] as KdcAdmin;
      const kvno = (s.rotate.before[key] as { kvno: number }).kvno;
      try {
        await admin.changePassword(slot.principal, s.rotate.currentPassword as Secret, { keepOld: false });
        await admin.setKvno(slot.principal, kvno);
      } catch (error) {
        s.rotate.state[key] = 'unknown';
        s.rotate.errors[key] = error instanceof Error ? error.message : String(error);
        throw error;
      }
      s.rotate.state[key] = 'restored';
      return { message: `${slot.principal} in ${slot.cluster}: previous key back at kvno ${kvno}` };
    },
  };
}

async function each(steps: readonly Step<RotateState>[], s: RotateState, io: Parameters<typeof runSteps>[2], reports: StepReport[]): Promise<void> {
  for (const step of steps) {
    try {
      reports.push(...(await runSteps([step], s, io)));
    } catch {
      reports.push({ id: step.id, ...(step.scopes ? { scope: step.scopes(s)[0] as string } : {}), status: 'failed' });
    }
  }
}

function resultOf(s: RotateState, reports: StepReport[], ok: boolean, source: RotateResult['passwordSource']): RotateResult {
  const order = s.facts[s.request.a] && s.facts[s.request.b] ? keyOrder(s) : [];
  const failed = new Set(s.failures.map((f) => `${f.id}/${f.scope ?? ''}`));
  return {
    ok,
    clusters: [s.request.a, s.request.b],
    passwordSource: source,
    principals: order.map((k) => {
      const key = slotKey(k);
      const before = s.rotate.before[key]?.kvno;
      return { cluster: k.cluster, principal: k.principal, ...(before === undefined ? {} : { kvnoBefore: before }), state: s.rotate.state[key] ?? 'unchanged', ...(s.rotate.errors[key] ? { error: s.rotate.errors[key] } : {}) };
    }),
    steps: reports.map(({ id, scope, status, message }) => ({ id, ...(scope ? { scope } : {}), status, ...(message ? { message } : {}) })),
    checks: reports
      .filter((r) => r.id === 'parity-after' || r.id === 'verify-ticket')
      .map((r) => ({ id: r.id, ...(r.scope ? { scope: r.scope } : {}), status: r.status === 'done' ? 'passed' : r.status, ...(r.message ? { message: r.message } : {}), ...(failed.has(`${r.id}/${r.scope ?? ''}`) ? { cause: s.failures.find((f) => f.id === r.id)?.cause ?? 'failed' } : {}) })),
  };
}

interface FailureIo {
  journal: RunJournal;
  io: Parameters<typeof runSteps>[2];
  reports: StepReport[];
  source: RotateResult['passwordSource'];
}

/**
 * A step failed. Nothing changed yet: the error as is. Interrupted: stop where it is (the
 * journal lets the next run finish). Otherwise restore every changed key, newest first, and run
 * the checks again, so the result says which state each principal is in.
 */
async function afterFailure(s: RotateState, f: FailureIo, error: unknown): Promise<{ result: RotateResult; error: Error }> {
  const interrupted = isMrsTrustError(error) && error.code === 'INTERRUPTED';
  const names = [s.request.a, s.request.b];
  // Steps that ran before the failure (the engine returns its reports only on success).
  for (const st of f.journal.snapshot.steps) f.reports.push({ id: st.id, ...(st.scope ? { scope: st.scope } : {}), status: st.status === 'started' ? 'failed' : st.status, ...(st.message ? { message: st.message } : {}) });
  const finish = (status: 'failed' | 'interrupted') => f.journal.update((doc) => {
    doc.status = status;
  });
  if (s.rotate.changed.length === 0) {
    await finish(interrupted ? 'interrupted' : 'failed');
    throw error;
  }
  if (interrupted) {
    // Keys stay as they are: the journal lets `rotate --password-file` finish them.
    await finish('interrupted');
    throw error;
  }
  await each([...s.rotate.changed].reverse().map((slot) => restoreKey(slot)), s, f.io, f.reports);
  await each([parityAfter, verifyTicket].map((st) => collecting<RotateState>(st)), s, f.io, f.reports);
  await finish('failed');
  const complete = Object.values(s.rotate.state).every((st) => st !== 'unknown');
  const summary = `rotation failed (${error instanceof Error ? error.message : String(error)}); ${complete ? 'every changed key was restored' : 'some keys could not be restored'}`;
  const wrapped = complete
    ? new RemoteError('ROTATE_FAILED', summary, { hint: 'the principals are back on their previous keys; fix the cause and run rotate again', cause: error, details: { resultPrinted: true } })
    : new PartialError('ROTATE_PARTIAL', summary, { hint: 'see principals[].state; run rotate again with --password-file (the saved new password) to finish, or restore by hand', cause: error, details: { resultPrinted: true } });
  return { result: { ...resultOf(s, dedupe(f.reports), false, f.source), journal: journalPath(names) }, error: wrapped };
}

/**
 * `rotate A B`: one new password on the four cross-realm principals, in lockstep, keeping the
 * old keys; then parity and the ticket test. On any failure after the first change, every key
 * this run (or the unfinished one it resumes) changed is restored, newest first, and the checks
 * run again, so the result says which state each principal is in.
 */
export async function runRotate(deps: VerifyDeps, request: { a: string; b: string; passwordSource: RotateResult['passwordSource'] } & Omit<RotateRequest, 'resumed'>): Promise<{ result: RotateResult; error?: Error }> {
  const names = [request.a, request.b];
  if (request.a === request.b) throw new UsageError('SAME_CLUSTER', `cannot rotate ${request.a} with itself`, { hint: 'name two different clusters' });
  for (const n of names) if (!deps.kdcAdmin?.[n]) throw new UsageError('NO_KDC_ADMIN', `rotate needs admin access to both KDCs: clusters.${n}.kerberos.admin is not set`, { hint: 'add kerberos.admin (principal, password, host) to both clusters in clusters.yaml (README "clusters.yaml")' });
  const lock = await deps.locks.acquire(names, { command: `rotate ${names.join(' ')}` });
  const store = rotateJournalStore(deps.journal);
  try {
    const { journal, previous } = await RunJournal.start(store, deps.clock, { action: 'rotate', clusters: names, dryRun: false, runId: deps.newRunId() });
    const resumed = unfinishedKeys(previous);
    if (Object.keys(resumed).length > 0 && request.passwordSource === 'generated') {
      throw new CheckError('ROTATE_UNFINISHED', `an earlier rotation of ${names.join(' and ')} changed ${Object.keys(resumed).length} key(s) and did not finish: ${Object.keys(resumed).join(', ')}`, {
        hint: 'finish it with the same new password: `mrs-trust rotate A B --password-file FILE` (the file its --save-password wrote)',
      });
    }
    const s: RotateState = {
      request: { action: 'link', a: request.a, b: request.b, dryRun: false, restartTimeoutMs: 0, skipPrecheck: true },
      deps,
      journal,
      managers: Object.fromEntries(names.map((n) => [n, deps.managers[n] as Manager])),
      writes: [],
      facts: {},
      restartPending: new Set(),
      restarted: new Set(),
      configVersionAfter: {},
      failures: [],
      warnings: [],
      rotate: { ...request, resumed, before: {}, state: {}, errors: {}, changed: [] },
    };
    const io = { events: deps.events, journal, signal: deps.signal };
    const reports: StepReport[] = [];
    const steps = rotateSteps.map((st) => collecting<RotateState>(st));
    try {
      reports.push(...(await runSteps(steps, s, io)));
      await journal.update((doc) => {
        doc.status = 'done';
      });
      const result: RotateResult = { ...resultOf(s, reports, true, request.passwordSource), journal: journalPath(names) };
      await recordVerification(deps, s, result);
      return { result };
    } catch (error) {
      const failed = await afterFailure(s, { journal, io, reports, source: request.passwordSource }, error);
      await recordVerification(deps, s, failed.result);
      return failed;
    }
  } finally {
    await Promise.allSettled(names.map((n) => (deps.managers[n] as Manager).logout()));
    await lock.release();
  }
}

/**
 * rotate's closing checks (parity and the ticket test, after the change or after the restore)
 * become the pair's last verification, so `status` shows the fresh result (`by: rotate`).
 */
async function recordVerification(deps: VerifyDeps, s: RotateState, result: RotateResult): Promise<void> {
  const checks = result.checks.map((c) => (c.id === 'parity-after' ? { ...c, id: 'parity' } : c));
  if (checks.length === 0) return;
  await deps.verifications.write(journalKey(result.clusters), {
    ok: checks.every((c) => c.status !== 'failed'),
    clusters: result.clusters,
    checkedAt: deps.clock.now().toISOString(),
    by: 'rotate',
    checks,
    warnings: [],
    ...(s.tickets ? { tickets: s.tickets } : {}),
  } satisfies VerifyResult);
}

/** Relative to the state directory. */
const journalPath = (names: string[]) => `journal/${journalKey(names)}.rotate.json`;

/** The latest report per (id, scope), in first-seen order. */
function dedupe(reports: StepReport[]): StepReport[] {
  const map = new Map<string, StepReport>();
  for (const r of reports) map.set(`${r.id}/${r.scope ?? ''}`, r);
  return [...map.values()];
}
