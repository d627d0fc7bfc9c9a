import { defaultPasswordProbe, type DefaultPasswordFinding, type DefaultPasswordSide } from '../../domain/default-password.js';
import { Secret } from '../../domain/secret.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';

export type { DefaultPasswordFinding, DefaultPasswordSide } from '../../domain/default-password.js';

/**
 * Whether each KDC still accepts MRS's default password for the cross-realm principal it issues
 * (the rule: domain/default-password.ts): one kinit per KDC, so a run never guesses on a KDC more
 * than once. Only sides with admin access are asked.
 */
export async function checkDefaultPassword(admins: Record<string, KdcAdmin>, sides: DefaultPasswordSide[]): Promise<DefaultPasswordFinding[]> {
  const asked = sides.filter((s) => admins[s.cluster]);
  return Promise.all(asked.map(async (s) => {
    const probe = defaultPasswordProbe(s);
    const accepted = await (admins[s.cluster] as KdcAdmin).acceptsPassword(probe.principal, new Secret(probe.password, 'MRS default cross-realm password'));
    return { cluster: s.cluster, principal: probe.principal, accepted };
  }));
}
