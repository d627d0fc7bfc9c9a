import type { ManualStepRecord } from '../../domain/journal.js';
import { buildChecklist, type Checklist, type ChecklistPhase } from '../../domain/mrs3/checklist.js';
import { findPeer, rowAfter, type PeerEntry } from '../../domain/peers.js';
import type { LinkState } from '../link/context.js';
import { peerOf } from '../link/context.js';
import { roleOf, sidePlan } from './roles.js';

/** The row this 3.x side must show for the other realm after the console step. */
export function wantedRow(s: LinkState, name: string): PeerEntry {
  const side = sidePlan(s, name);
  const row = rowAfter(side.change);
  if (!row) throw new Error(`${name}: a link plan always leaves a row for ${side.change.realm}`);
  return row;
}

/** The checklist of one 3.x side and phase, with the values from the plan. */
export function checklistOf(s: LinkState, name: string, phase: ChecklistPhase): Checklist {
  const side = sidePlan(s, name);
  const row = wantedRow(s, name);
  const before = findPeer(side.peersBefore, row.realm_name);
  const url = s.deps.clusters[name]?.managerUrl;
  return buildChecklist(
    {
      cluster: name,
      realm: side.realm,
      ...(url ? { managerUrl: url } : {}),
      role: roleOf(s, name),
      row,
      ...(before && before.ip_port !== row.ip_port ? { rowBefore: before } : {}),
      keep: side.peersBefore.filter((p) => p.realm_name !== row.realm_name),
      peerCluster: peerOf(s, name),
    },
    phase,
  );
}

export const recordOf = (s: LinkState, id: string): ManualStepRecord | undefined => s.journal.snapshot.manualSteps?.[id];

export function recordUpdate(s: LinkState, id: string, change: (r: ManualStepRecord | undefined) => ManualStepRecord): Promise<void> {
  return s.journal.update((doc) => {
    doc.manualSteps = { ...(doc.manualSteps ?? {}), [id]: change(doc.manualSteps?.[id]) };
  });
}

/** A check found the step not done: it is asked again (terminal) or confirmed again by the next `resume`. */
export function unconfirm(s: LinkState, id: string): Promise<void> {
  return s.journal.update((doc) => {
    const record = doc.manualSteps?.[id];
    if (record) {
      delete record.confirmedAt;
      delete record.confirmedBy;
    }
  });
}
