import { defaultCrossRealmPassword } from '../../domain/cross-realm.js';
import { Secret } from '../../domain/secret.js';
import { CheckError } from '../../errors/index.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { Step } from '../engine.js';
import type { LinkState } from '../link/context.js';
import { discover } from '../link/steps/discover.js';
import { verifyTicket } from '../link/steps/verify.js';
import { parity } from '../trust/parity.js';
import { keyOrder, slotKey, type RotateState } from './context.js';

const admin = (s: RotateState, cluster: string) => (s.deps.kdcAdmin as Record<string, KdcAdmin>)[cluster] as KdcAdmin;

/** The four principals must match before anything changes (an unfinished rotation excepted). */
const parityBefore: Step<RotateState> = {
  ...(parity as Step<RotateState>),
  skip: (s) => (Object.keys(s.rotate.resumed).length > 0 ? 'resuming an unfinished rotation: its keys differ until it is finished' : undefined),
};

/**
 * The keys as they are, and proof that the current password is known (restoring a key needs it):
 * one kinit per KDC with it, on the principal that KDC issues. Reads only.
 */
export const currentKeys: Step<RotateState> = {
  id: 'current-keys',
  title: 'Read the four keys and check the current password (needed to restore)',
  async run(s) {
    if (!s.rotate.currentPassword) {
      const version = s.facts[s.request.a]?.mrsVersion ?? '';
      s.rotate.currentPassword = new Secret(defaultCrossRealmPassword(version), 'MRS default cross-realm password');
      s.rotate.currentSource = `MRS's default password for ${version || 'this version'}`;
    }
    const current = s.rotate.currentPassword;
    for (const slot of keyOrder(s)) {
      const keys = await admin(s, slot.cluster).getPrincipal(slot.principal);
      if (!keys) throw new CheckError('NO_TRUST', `${slot.principal} does not exist in ${slot.cluster}'s KDC: there is no trust to rotate`, { hint: `run \`mrs-trust link ${s.request.a} ${s.request.b}\` first`, details: { cause: 'no-trust' } });
      const resumedFrom = s.rotate.resumed[slotKey(slot)];
      s.rotate.before[slotKey(slot)] = resumedFrom === undefined ? keys : { ...keys, kvno: resumedFrom };
      s.rotate.state[slotKey(slot)] = 'unchanged';
    }
    const issuers = keyOrder(s).filter((k) => k.principal.endsWith(`@${s.facts[k.cluster]?.realm ?? ''}`) && s.rotate.resumed[slotKey(k)] === undefined);
    for (const slot of issuers) {
      const accepted = await admin(s, slot.cluster).acceptsPassword(slot.principal, current);
      if (accepted !== true) {
        throw new CheckError('CURRENT_PASSWORD_UNKNOWN', `${slot.cluster}'s KDC ${accepted === false ? 'does not accept' : 'could not check'} the current password (${s.rotate.currentSource}) for ${slot.principal}: a failed rotation could not be restored`, {
          hint: 'pass the password the principals have now with --old-password-file FILE (mode 0600; e.g. the file an earlier --save-password wrote)',
          details: { cause: 'current-password-unknown' },
        });
      }
    }
    return { message: keyOrder(s).map((k) => `${k.cluster} ${k.principal} kvno ${s.rotate.before[slotKey(k)]?.kvno ?? '?'}`).join('; ') };
  },
};

/** Changes the key of the i-th slot (cpw -keepold), or finds it changed by the unfinished run. */
function changeKey(i: number): Step<RotateState> {
  return {
    id: 'change-key',
    title: 'Change one cross-realm key, keeping the old one (kadmin cpw -keepold)',
    scopes: (s) => [slotKey(keyOrder(s)[i] as never)],
    async run(s) {
      const slot = keyOrder(s)[i] as ReturnType<typeof keyOrder>[number];
      const key = slotKey(slot);
      const kvnoBefore = (s.rotate.before[key] as { kvno: number }).kvno;
      if (s.rotate.resumed[key] !== undefined) {
        const now = await admin(s, slot.cluster).getPrincipal(slot.principal);
        if (now?.kvno === kvnoBefore + 1) {
          s.rotate.state[key] = 'new';
          s.rotate.changed.push(slot);
          return { skipped: `already changed by the unfinished rotation (kvno ${now.kvno})`, undo: { kind: 'principal-key', cluster: slot.cluster, principal: slot.principal, kvnoBefore } };
        }
      }
      await admin(s, slot.cluster).changePassword(slot.principal, s.rotate.newPassword, { keepOld: true });
      s.rotate.state[key] = 'new';
      s.rotate.changed.push(slot);
      return { message: `${slot.principal} in ${slot.cluster}: kvno ${kvnoBefore} → ${kvnoBefore + 1} (old key kept)`, undo: { kind: 'principal-key', cluster: slot.cluster, principal: slot.principal, kvnoBefore } };
    },
  };
}

/** After the change: the same checks verify runs. */
export const parityAfter: Step<LinkState> = { ...parity, id: 'parity-after', title: 'Compare the four keys again (kvno and enctypes)' };

/**
 * What `rotate` does, in order. Every key change is journaled (its kvno before, never the
 * password) before the next one starts; on any failure the run restores, backwards, every key
 * it changed (run.ts).
 */
export const rotateSteps: readonly (Step<LinkState> | Step<RotateState>)[] = [
  discover, //     login; realms (A ∥ B)
  parityBefore, // the four keys match now (kerberos.admin)
  currentKeys, //  their kvno; the current password works (restore needs it)
  changeKey(0), // krbtgt/B@A in B (accepts it)
  changeKey(1), // krbtgt/B@A in A (issues it)
  changeKey(2), // krbtgt/A@B in A (accepts it)
  changeKey(3), // krbtgt/A@B in B (issues it)
  parityAfter, //  the four keys match again
  verifyTicket, // a real cross-realm ticket both ways
];
