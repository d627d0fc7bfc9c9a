import { verdictOf, type Check } from '../../domain/precheck/check.js';
import type { Manager } from '../../ports/manager.js';
import { runSteps } from '../engine.js';
import { RunJournal } from '../run-journal.js';
import type { PrecheckDeps, PrecheckRequest, PrecheckState } from './context.js';
import type { PrecheckCheck, PrecheckResult } from './result.js';
import { precheckSteps } from './steps.js';

/** The pre-check writes nothing, not even a journal: the engine gets one that stays in memory. */
const noStore = { read: async () => undefined, write: async () => undefined };
const noClock = { now: () => new Date(0), sleep: async () => undefined };

/** Runs the pre-check steps and always logs out of the Managers it logged in to. */
export async function runPrecheck(deps: PrecheckDeps, request: PrecheckRequest): Promise<PrecheckState> {
  const state: PrecheckState = { request, deps, facts: {}, unread: {}, checks: [] };
  const { journal } = await RunJournal.start(noStore, noClock, { action: 'precheck', clusters: [request.a, request.b], dryRun: true, runId: 'precheck' });
  try {
    await runSteps(precheckSteps, state, { events: deps.events, journal, signal: deps.signal });
  } finally {
    // logout() is safe without a login (the adapter only releases its connections then).
    await Promise.allSettled([request.a, request.b].map((n) => (deps.managers[n] as Manager | undefined)?.logout()));
  }
  return state;
}

function toJson(c: Check, s: PrecheckState): PrecheckCheck {
  const sg = c.id === 'security-groups' && s.sg ? { sides: s.sg.sides.map((x) => ({ cluster: x.name, securityGroupIds: x.securityGroupIds, nodeIps: x.nodeIps, kdcPorts: x.kdcPorts })), findings: s.sg.findings } : {};
  return { name: c.id, status: c.status, group: c.group, ...(c.cluster ? { cluster: c.cluster } : {}), title: c.title, expected: c.expected, found: c.found, fixSteps: c.fix, ...(c.code ? { code: c.code } : {}), ...sg };
}

/** The `--json` document: security groups first (as before this report grew), then the rest in run order. */
export function precheckResult(s: PrecheckState, options: { strict: boolean; source: PrecheckResult['source']; managerUrls: Record<string, string> }): PrecheckResult {
  const ordered = [...s.checks.filter((c) => c.id === 'security-groups'), ...s.checks.filter((c) => c.id !== 'security-groups')];
  const verdict = verdictOf(ordered, options.strict);
  return {
    ok: verdict.ok,
    strict: options.strict,
    clusters: [s.request.a, s.request.b],
    source: options.source,
    counts: verdict.counts,
    only: [...s.request.only],
    facts: [s.request.a, s.request.b].flatMap((n) => {
      const f = s.facts[n];
      return f ? [{ cluster: n, realm: f.realm, mrsVersion: f.mrsVersion, kdcs: f.kdcs.map((k) => `${k.ip}:${k.port}`), ...(options.managerUrls[n] ? { managerUrl: options.managerUrls[n] } : {}) }] : [];
    }),
    checks: ordered.map((c) => toJson(c, s)),
  };
}
