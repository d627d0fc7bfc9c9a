import { defaultPasswordCheck, type DefaultPasswordSide } from '../../../domain/default-password.js';
import type { Step } from '../../engine.js';
import { checkDefaultPassword } from '../../trust/default-password.js';
import { pair, peerOf, wants, type PrecheckState } from '../context.js';

/**
 * Does each KDC still accept MRS's default cross-realm password? The rule `status` and `verify`
 * apply (domain/default-password.ts): only where admin access is configured and the pair is
 * linked on that side; one kinit per KDC. Reads only.
 */
export const checkDefaultPasswords: Step<PrecheckState> = {
  id: 'default-password',
  title: "Check the cross-realm principals no longer accept MRS's default password",
  skip: (s) => (wants(s, 'rules') ? undefined : 'not asked for (--only)'),
  async run(s) {
    const names = pair(s);
    const sides: DefaultPasswordSide[] = [];
    for (const name of names) {
      const me = s.facts[name];
      const peer = s.facts[peerOf(s, name)];
      if (!me?.realm || !peer?.realm) continue; // unread: manager-login already fails, rules are unknown
      sides.push({ cluster: name, realm: me.realm, peerRealm: peer.realm, mrsVersion: me.mrsVersion });
    }
    const admins = s.deps.kdcAdmin ?? {};
    const linked = (side: DefaultPasswordSide) => (s.facts[side.cluster]?.peers ?? []).some((p) => p.realm_name === side.peerRealm);
    const findings = await checkDefaultPassword(admins, sides.filter((x) => linked(x)));
    for (const side of sides) {
      const finding = findings.find((f) => f.cluster === side.cluster);
      s.checks.push(defaultPasswordCheck(side, finding ?? (admins[side.cluster] ? 'not-linked' : 'no-admin'), [s.request.a, s.request.b]));
    }
    return { message: sides.map((x) => `${x.cluster}: ${findings.find((f) => f.cluster === x.cluster)?.accepted === true ? 'default password ACCEPTED' : 'checked'}`).join('; ') || 'no cluster read' };
  },
};
