import { isMrsTrustError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { finishRestart } from '../../restart-krb.js';
import { assertUnchanged, savePeersWithRestart } from '../../write-peers.js';
import { live, sideOf, type MeshState } from '../context.js';

/** A failing cluster leaves the run; the others go on (exit 5 at the end). */
function dropOnFailure(step: string) {
  return (s: MeshState, scope: string, error: unknown) => {
    const described = isMrsTrustError(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: String(error) };
    s.failed.set(scope, { ...described, step });
  };
}

const writesOn = (s: MeshState, name: string) => sideOf(s, name).changes.length > 0;

/**
 * Before writing any cluster, re-read every cluster that will be written and refuse if any moved:
 * a concurrent change stops the whole mesh with nothing written anywhere.
 */
export const checkDrift: Step<MeshState> = {
  id: 'check-drift',
  title: 'Re-read every cluster before writing',
  readOnly: true,
  scopes: live,
  skip: (s, scope) => (writesOn(s, scope as string) ? undefined : 'nothing to write on this cluster'),
  run: (s, scope) => s.limit(async () => ({ message: await assertUnchanged(s.managers[scope as string]!, sideOf(s, scope as string)) })),
};

/** One whole-value save per cluster, every row of the mesh at once, restarting KrbServer (documented). */
export const writePeerRealms: Step<MeshState> = {
  id: 'write-peer-realms',
  title: 'Write peer_realms (once per cluster)',
  scopes: live,
  recordsStart: true,
  skip: (s, scope) => {
    if (!writesOn(s, scope as string)) return 'already as planned';
    return s.request.dryRun ? `dry run: would write ${sideOf(s, scope as string).changes.map((c) => `${c.kind} ${c.realm}`).join(', ')}` : undefined;
  },
  onScopeFailed: dropOnFailure('write-peer-realms'),
  run: (s, scope) =>
    s.limit(async () => {
      const name = scope as string;
      const side = sideOf(s, name);
      const undo = { kind: 'peer-changes' as const, cluster: name, changes: side.changes };
      const saved = await savePeersWithRestart(s.managers[name]!, s.journal, { ...side, undo, step: 'write-peer-realms' });
      if (saved.configVersion) s.configVersionAfter[name] = saved.configVersion;
      s.restartPending.add(name);
      return { message: side.changes.map((c) => `${c.kind} ${c.realm}`).join(', '), undo: { ...undo, ...(saved.configVersion ? { configVersionAfter: saved.configVersion } : {}) } };
    }),
};

/** Each written cluster (or one left pending by an earlier run) restarts KrbServer exactly once. */
export const restart: Step<MeshState> = {
  id: 'restart',
  title: 'Restart KrbServer (once per cluster)',
  scopes: live,
  skip: (s, scope) => {
    if (!s.restartPending.has(scope as string)) return 'nothing changed on this cluster';
    return s.request.dryRun ? 'dry run: would restart KrbServer' : undefined;
  },
  onScopeFailed: dropOnFailure('restart'),
  run: (s, scope) =>
    s.limit(async () => {
      const name = scope as string;
      const { deps } = s;
      const outcome = await finishRestart({ manager: s.managers[name]!, journal: s.journal, clock: deps.clock, events: deps.events, signal: deps.signal, step: 'restart', timeoutMs: s.request.restartTimeoutMs }, name);
      s.restarted.add(name);
      s.restartPending.delete(name);
      return { message: outcome.message, journal: outcome.journal };
    }),
};
