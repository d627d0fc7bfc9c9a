import type { PairDiagnosis } from '../../domain/ssh-doctor/diagnose.js';
import { runSteps } from '../engine.js';
import type { SshDoctorResult } from './result.js';
import { sshDoctorSteps } from './steps.js';
import type { DoctorDeps, DoctorRequest, DoctorState } from './types.js';

function summarize(pairs: PairDiagnosis[]): SshDoctorResult['summary'] {
  const count = (s: PairDiagnosis['status']) => pairs.filter((p) => p.status === s).length;
  return { pairs: pairs.length, ok: count('ok'), failed: count('failed'), unchecked: count('unchecked') };
}

function resultOf(state: DoctorState, hostFile: string): SshDoctorResult {
  const summary = summarize(state.pairs);
  return {
    ok: summary.ok === summary.pairs,
    hostFile,
    hosts: state.hosts.map((h) => ({
      label: h.entry.label,
      login: h.login ? 'ok' : (h.loginError ?? { code: 'NOT_TRIED', message: 'not tried' }),
      inspected: h.facts !== undefined,
      ...(h.facts ? { inspectedAs: h.facts.loginUser } : {}),
      ...(h.factsError ? { inspectError: h.factsError } : {}),
    })),
    pairs: state.pairs,
    ...(state.before ? { before: state.before, beforeSummary: summarize(state.before) } : {}),
    fixes: state.fixes,
    summary,
  };
}

/** Runs the doctor's steps and returns the report; every login is closed, also on failure. */
export async function runSshDoctor(deps: DoctorDeps, request: DoctorRequest, hostFile: string): Promise<SshDoctorResult> {
  const state: DoctorState = { request, deps, hosts: request.hosts.map((entry) => ({ entry })), pairs: [], fixes: [] };
  try {
    await runSteps(sshDoctorSteps, state, { events: deps.events, signal: deps.signal });
  } finally {
    await Promise.all(state.hosts.flatMap((h) => [h.login?.close(), h.admin?.close()]).map((p) => p?.catch(() => undefined)));
  }
  return resultOf(state, hostFile);
}
