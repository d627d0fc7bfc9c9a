import { KRB_SERVICE } from '../../../domain/plan.js';
import { RemoteError } from '../../../errors/index.js';
import type { Step } from '../../engine.js';
import { sides, type LinkState } from '../context.js';

/**
 * Restarts KrbServer where `peer_realms` changed — in this run, or in an earlier run that died
 * before its restart finished (the journal carries that over). Both sides in parallel.
 */
export const restart: Step<LinkState> = {
  id: 'restart',
  title: 'Restart KrbServer so the new peer_realms take effect',
  scopes: sides,
  skip: (s, scope) => (s.restartPending.has(scope as string) ? undefined : 'nothing changed on this side'),
  async run(s, scope) {
    const name = scope as string;
    const manager = s.managers[name] as NonNullable<LinkState['managers'][string]>;
    const id = await manager.restartServices([KRB_SERVICE]);
    const events = s.deps.events;
    const result = await manager.waitForCommand(id, {
      timeoutMs: s.request.restartTimeoutMs,
      signal: s.deps.signal,
      onProgress: (p) => events.emit({ type: 'step-progress', step: 'restart', scope: name, message: p.state.toLowerCase().replace('_', ' '), percent: p.percent }),
    });
    if (result.state !== 'COMPLETE') {
      throw new RemoteError('RESTART_FAILED', `${name}: restart of ${KRB_SERVICE} ended ${result.state}${result.failures?.length ? `: ${result.failures.join('; ')}` : ''}`, {
        hint: `check the Manager's task list; \`mrs-trust link\` again restarts it (the journal remembers the pending restart)`,
      });
    }
    s.restarted.add(name);
    s.restartPending.delete(name);
    await s.journal.update((doc) => {
      doc.restartPending = doc.restartPending.filter((c) => c !== name);
    });
    return { message: `${KRB_SERVICE} restarted` };
  },
};
