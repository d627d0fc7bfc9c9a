import pLimit from 'p-limit';
import { diagnosePair } from '../../domain/ssh-doctor/diagnose.js';
import { parseInspect, parseProbes } from '../../domain/ssh-doctor/facts.js';
import { inspectScript, probeScript, type ProbeTarget } from '../../domain/ssh-doctor/scripts.js';
import { shellQuote } from '../../domain/shell.js';
import { knownHostsName } from '../../domain/ssh-trust.js';
import { isMrsTrustError } from '../../errors/index.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import type { DoctorState, HostView, LoginFailure } from './types.js';

/** The doctor's checks, shared by the first pass and the re-check after `--fix`. */

export function failureOf(error: unknown): LoginFailure {
  if (isMrsTrustError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export function eachHost(state: DoctorState, run: (h: HostView, index: number) => Promise<void>): Promise<void> {
  const limit = pLimit(state.request.parallel);
  return Promise.all(state.hosts.map((h, i) => limit(() => run(h, i)))).then(() => undefined);
}

/** Runs `script` as the trust user: over its own login, else through root's (`runuser`). */
function asUser(h: HostView, script: string): { host: RemoteHost; command: string } | undefined {
  if (h.login) return { host: h.login, command: script };
  if (h.admin && h.facts?.asRoot && h.facts.home) return { host: h.admin, command: `runuser -u ${shellQuote(h.entry.user)} -- env HOME=${shellQuote(h.facts.home)} /bin/sh -c ${shellQuote(script)}` };
  return undefined;
}

export async function inspectHost(state: DoctorState, h: HostView): Promise<void> {
  delete h.facts;
  delete h.factsError;
  const via = h.admin ?? h.login;
  if (!via) return;
  const nonce = state.deps.nonce();
  try {
    // raw: output before the first section header is this login's start-up file noise (a finding).
    const result = await via.exec(inspectScript({ user: h.entry.user, port: h.entry.port, nonce }), { timeoutMs: 60_000, signal: state.deps.signal, raw: true });
    const facts = parseInspect(result.stdout, nonce, h.entry.user);
    if (facts) h.facts = facts;
    else h.factsError = `the inspection printed nothing usable (exit ${result.exitCode ?? result.signal ?? '?'}): ${result.stderr.trim().slice(0, 200)}`;
  } catch (error) {
    h.factsError = failureOf(error).message;
  }
}

function candidatePorts(state: DoctorState): number[] {
  return [...new Set([22, ...state.hosts.map((h) => h.entry.port)])];
}

/** The peers of host `index`, starting after it: hosts probe in a rotated order, so no host is probed by all at once. */
function targetsOf(state: DoctorState, index: number): ProbeTarget[] {
  const n = state.hosts.length;
  const targets: ProbeTarget[] = [];
  for (let k = 1; k < n; k += 1) {
    const j = (index + k) % n;
    const e = state.hosts[j]?.entry;
    if (!e) continue;
    targets.push({ index: j, user: e.user, host: e.host, port: e.port, knownName: knownHostsName(e.host, e.port), isName: e.kind === 'name' });
  }
  return targets;
}

export async function probeHost(state: DoctorState, h: HostView, index: number): Promise<void> {
  delete h.probes;
  delete h.probeError;
  const targets = targetsOf(state, index);
  if (targets.length === 0) return void (h.probes = new Map());
  const nonce = state.deps.nonce();
  const t = state.request.connectTimeoutS;
  const script = probeScript({ targets, candidatePorts: candidatePorts(state), connectTimeoutS: t, nonce });
  const run = asUser(h, script);
  if (!run) return void (h.probeError = h.loginError?.message ?? 'no login');
  try {
    const perPeer = (2 * t + 2 + 3 * candidatePorts(state).length + 5) * 1000;
    const result = await run.host.exec(run.command, { timeoutMs: perPeer * targets.length + 30_000, signal: state.deps.signal });
    h.probes = parseProbes(result.stdout, nonce);
    if (h.probes.size === 0) h.probeError = `the probe printed nothing usable (exit ${result.exitCode ?? '?'}): ${result.stderr.trim().slice(0, 200)}`;
  } catch (error) {
    h.probeError = failureOf(error).message;
  }
}

/** Every ordered pair's verdict from what the hosts reported. */
export function diagnoseAll(state: DoctorState): void {
  state.pairs = [];
  state.hosts.forEach((x, i) => {
    state.hosts.forEach((y, j) => {
      if (i === j) return;
      const probe = x.probes?.get(j);
      const toError = y.facts ? undefined : (y.factsError ?? y.loginError?.message);
      state.pairs.push(
        diagnosePair({
          from: x.entry,
          to: y.entry,
          ...(probe ? { probe } : { probeError: x.probeError ?? x.loginError?.message ?? 'not run' }),
          ...(x.facts ? { fromFacts: x.facts } : {}),
          ...(y.facts ? { toFacts: y.facts } : {}),
          ...(toError ? { toError } : {}),
          ...(y.pin ? { pin: y.pin } : {}),
        }),
      );
    });
  });
}
