import type { Cause } from '../../../domain/ssh-doctor/causes.js';
import { fixCommand, fixKey, fixNeedsRoot } from '../../../domain/ssh-doctor/fixes.js';
import type { Step } from '../../engine.js';
import { diagnoseAll, eachHost, failureOf, inspectHost, probeHost } from '../checks.js';
import type { DoctorState, FixReport, HostView } from '../types.js';

interface Planned {
  cause: Cause;
  pairs: string[];
}

/** The safe fixes the diagnosis found, each once (several pairs often share one cause). */
function plannedFixes(state: DoctorState): Map<string, Planned> {
  const planned = new Map<string, Planned>();
  for (const pair of state.pairs) {
    for (const cause of pair.causes) {
      if (!cause.fixable || !cause.action) continue;
      const key = fixKey(cause.host, cause.action);
      const entry = planned.get(key) ?? { cause, pairs: [] };
      entry.pairs.push(`${pair.from} -> ${pair.to}`);
      planned.set(key, entry);
    }
  }
  return planned;
}

/** Owner changes need root; everything else runs as the user, or as root when that is the login that works. */
function runnerFor(h: HostView, cause: Cause): { run: (command: string) => Promise<void>; asRoot: boolean } | undefined {
  const root = h.admin && h.facts?.asRoot ? h.admin : undefined;
  const action = cause.action;
  if (!action) return undefined;
  const remote = fixNeedsRoot(action) ? root : action.kind === 'replace-known-host' ? h.login : (h.login ?? root);
  if (!remote) return undefined;
  return {
    asRoot: remote === root,
    run: async (command) => {
      const result = await remote.exec(command, { timeoutMs: 30_000 });
      if (result.exitCode !== 0) throw new Error(result.stderr.trim().split('\n').pop() || `exit ${result.exitCode ?? result.signal ?? '?'}`);
    },
  };
}

async function apply(h: HostView, p: Planned): Promise<FixReport> {
  const action = p.cause.action;
  const runner = runnerFor(h, p.cause);
  const base = { host: h.entry.label, cause: p.cause.id, pairs: p.pairs };
  if (!action || !runner) return { ...base, command: p.cause.fix, status: 'failed', message: 'no login on that host can apply it' };
  const command = fixCommand(action, runner.asRoot);
  try {
    await runner.run(command);
    return { ...base, command, status: 'applied' };
  } catch (error) {
    return { ...base, command, status: 'failed', message: failureOf(error).message };
  }
}

/** `--fix`: applies the safe fixes (modes, owners, this tool's keys, pinned host keys), host by host. */
export const fix: Step<DoctorState> = {
  id: 'fix',
  title: 'apply the safe fixes',
  skip: (state) => (state.request.fix ? undefined : 'not asked (--fix)'),
  async run(state) {
    const planned = [...plannedFixes(state).values()];
    if (planned.length === 0) return { skipped: 'nothing safe to fix' };
    await eachHost(state, async (h) => {
      // One host's fixes in order: an owner change before the mode change of the same path.
      const mine = planned.filter((p) => p.cause.host === h.entry.label).sort((a, b) => Number(b.cause.id === 'owner') - Number(a.cause.id === 'owner'));
      for (const p of mine) state.fixes.push(await apply(h, p));
    });
    const applied = state.fixes.filter((f) => f.status === 'applied').length;
    return { message: `${applied} of ${state.fixes.length} fixes applied` };
  },
};

/** After --fix: the same checks again; the first verdicts are kept as `before`. */
export const recheck: Step<DoctorState> = {
  id: 'recheck',
  title: 'check every pair again',
  skip: (state) => (!state.request.fix ? 'not asked (--fix)' : state.fixes.length === 0 ? 'nothing was fixed' : undefined),
  async run(state) {
    state.before = state.pairs;
    await eachHost(state, (h) => inspectHost(state, h));
    await eachHost(state, (h, i) => probeHost(state, h, i));
    diagnoseAll(state);
    const bad = state.pairs.filter((p) => p.status !== 'ok').length;
    return { message: `${state.pairs.length - bad} of ${state.pairs.length} pairs work after the fixes` };
  },
};
