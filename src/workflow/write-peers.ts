import { samePeerList, type PeerEntry } from '../domain/peers.js';
import type { JournalUndo } from '../domain/journal.js';
import { CheckError } from '../errors/index.js';
import type { Manager } from '../ports/manager.js';
import { journalRestartCommand, setRestartCommand } from './restart-krb.js';
import type { RunJournal } from './run-journal.js';

/** One cluster's whole-value `peer_realms` save, as a plan computed it. */
export interface PeerWrite {
  cluster: string;
  /** The config version and rows the plan was computed from. */
  configVersion: string;
  peersBefore: PeerEntry[];
  peersAfter: PeerEntry[];
  /** What rollback needs; journaled before the save. */
  undo: JournalUndo;
  /** The journal step id the write belongs to. */
  step: string;
}

function drift(name: string, why: string): CheckError {
  return new CheckError('CONFIG_DRIFT', `${name}: peer_realms changed since it was read (${why}); nothing was written`, {
    hint: 'someone else changed the KrbServer configuration: run the command again to plan from the new state',
    details: { cluster: name },
  });
}

/**
 * Re-reads one cluster's `peer_realms` and refuses (exit 3) when its configuration moved since the
 * plan was made. Link and mesh run it on every side before writing any.
 */
export async function assertUnchanged(manager: Pick<Manager, 'readPeerRealms'>, w: Pick<PeerWrite, 'cluster' | 'configVersion' | 'peersBefore'>): Promise<string> {
  const now = await manager.readPeerRealms();
  if (now.configVersion !== w.configVersion) throw drift(w.cluster, `config version ${w.configVersion} → ${now.configVersion}`);
  if (!samePeerList(now.peers, w.peersBefore)) throw drift(w.cluster, 'different rows');
  return `config version ${now.configVersion} unchanged`;
}

/**
 * Saves the whole target `peer_realms` with `restart_affected_components: true` (the documented
 * way). The undo data and the pending restart go into the journal before the save, the restart's
 * command id right after it, so a crash at any point can be rolled back and its restart finished.
 */
export async function savePeersWithRestart(manager: Manager, journal: RunJournal, w: PeerWrite): Promise<{ configVersion?: string }> {
  // One journal write holds all three before the save: the undo data, the pending restart, and
  // no command id of an earlier run (stale once this save restarts KrbServer again).
  const recorded = journal.recordStep({ id: w.step, scope: w.cluster, status: 'started', undo: w.undo }, (doc) => {
    if (!doc.restartPending.includes(w.cluster)) doc.restartPending.push(w.cluster);
    setRestartCommand(doc, w.cluster, undefined);
  });
  // The Manager re-reads the configuration while that record goes to disk, and sends the save
  // only once it is there (`ready`); a failed journal write stops the save unsent.
  recorded.catch(() => undefined); // observed by savePeerRealms (and awaited again below)
  const saved = await manager.savePeerRealms(w.peersAfter, { expectedVersion: w.configVersion, restart: true, ready: recorded });
  await recorded;
  if (saved.commandId) await journalRestartCommand(journal, w.cluster, { id: saved.commandId, via: 'save' });
  return saved.configVersion ? { configVersion: saved.configVersion } : {};
}
