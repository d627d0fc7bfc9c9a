import type { SidePlan } from '../../../domain/plan.js';
import type { Step } from '../../engine.js';
import { assertUnchanged, savePeersWithRestart } from '../../write-peers.js';
import { sides, type LinkState } from '../context.js';

function sideOf(s: LinkState, name: string): SidePlan {
  const side = s.plan?.sides.find((x) => x.cluster === name);
  if (!side) throw new Error(`no plan for ${name}`);
  return side;
}

const writes = (side: SidePlan) => side.change.kind === 'added' || side.change.kind === 'updated' || side.change.kind === 'removed';

/**
 * Before writing either side, re-read both and refuse if anything moved since discovery, so a
 * concurrent change stops the run with nothing written on either cluster.
 */
export const checkDrift: Step<LinkState> = {
  id: 'check-drift',
  title: 'Re-read both clusters before writing',
  readOnly: true,
  scopes: sides,
  skip: (s, scope) => (writes(sideOf(s, scope as string)) ? undefined : 'nothing to write on this side'),
  async run(s, scope) {
    const name = scope as string;
    const side = sideOf(s, name);
    return { message: await assertUnchanged(s.managers[name] as NonNullable<LinkState['managers'][string]>, side) };
  },
};

/**
 * Saves the merged `peer_realms` (one whole-value save: never half-written) with
 * `restart_affected_components: true`. The undo data and the pending restart go into the journal
 * before the write, the restart's command id right after it, so a crash right after the save can
 * still be rolled back and its restart finished.
 */
export const writePeerRealms: Step<LinkState> = {
  id: 'write-peer-realms',
  title: 'Write peer_realms',
  scopes: sides,
  recordsStart: true,
  would: (s, scope) => {
    const change = sideOf(s, scope as string).change;
    return `would ${change.kind === 'removed' ? 'remove' : change.kind === 'added' ? 'add' : 'update'} ${change.realm}`;
  },
  skip: (s, scope) => {
    const side = sideOf(s, scope as string);
    if (writes(side)) return undefined;
    return side.change.kind === 'absent' ? 'already absent' : 'already present';
  },
  async run(s, scope) {
    const name = scope as string;
    const side = sideOf(s, name);
    const undo = { kind: 'peer-change' as const, cluster: name, change: side.change };
    // The documented way: the save itself restarts the affected services (the console's
    // "Restart the affected services or instances"); its command id is journaled at once, so a
    // run that dies while waiting lets the next one poll the same command.
    const manager = s.managers[name] as NonNullable<LinkState['managers'][string]>;
    const saved = await savePeersWithRestart(manager, s.journal, { cluster: name, configVersion: side.configVersion, peersBefore: side.peersBefore, peersAfter: side.peersAfter, undo, step: 'write-peer-realms' });
    if (saved.configVersion) s.configVersionAfter[name] = saved.configVersion;
    s.restartPending.add(name);
    const verb = side.change.kind === 'removed' ? 'removed' : side.change.kind === 'added' ? 'added' : 'updated';
    return { message: `${verb} ${side.change.realm}`, undo: { ...undo, ...(saved.configVersion ? { configVersionAfter: saved.configVersion } : {}) } };
  },
};
