import { KRB_SERVICE } from '../../../domain/plan.js';
import type { Step } from '../../engine.js';
import { finishRestart } from '../../restart-krb.js';
import { sides, type LinkState } from '../context.js';

/**
 * Finishes the KrbServer restart where `peer_realms` changed — in this run (the save asked the
 * Manager to restart the affected services and the journal holds its command id), or in an
 * earlier run that died before its restart finished. Both sides in parallel, bounded by
 * --restart-timeout; KrbServer must report GOOD afterwards.
 */
export const restart: Step<LinkState> = {
  id: 'restart',
  title: 'Restart KrbServer so the new peer_realms take effect',
  scopes: sides,
  would: () => `would restart ${KRB_SERVICE}`,
  skip: (s, scope) => (s.restartPending.has(scope as string) ? undefined : 'nothing changed on this side'),
  async run(s, scope) {
    const name = scope as string;
    const { deps } = s;
    const manager = s.managers[name] as NonNullable<LinkState['managers'][string]>;
    // verify re-reads peer_realms after the restart: started here, alongside the health wait.
    const commandDone = () => {
      const read = manager.readPeerRealms();
      read.catch(() => undefined); // verify reports its error; a run that stops earlier does not read it
      s.reread = { ...s.reread, [name]: read };
    };
    const outcome = await finishRestart({ manager, journal: s.journal, clock: deps.clock, events: deps.events, signal: deps.signal, step: 'restart', timeoutMs: s.request.restartTimeoutMs, commandDone }, name);
    s.restarted.add(name);
    s.restartPending.delete(name);
    return { message: outcome.message, journal: outcome.journal };
  },
};
