import { defaultCrossRealmPassword } from '../../domain/cross-realm.js';
import { Secret } from '../../domain/secret.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';

export interface DefaultPasswordSide {
  cluster: string;
  /** Its realm and its peer's realm in this pair. */
  realm: string;
  peerRealm: string;
  mrsVersion: string;
}

export interface DefaultPasswordFinding {
  cluster: string;
  principal: string;
  /** true: the KDC accepted MRS's default password; undefined: could not tell. */
  accepted: boolean | undefined;
}

/**
 * Whether each KDC still accepts MRS's default password for the cross-realm principal it issues
 * (`krbtgt/<peer>@<own realm>`): one kinit per KDC, so a run never guesses on a KDC more than
 * once. Only sides with admin access are asked.
 */
export async function checkDefaultPassword(admins: Record<string, KdcAdmin>, sides: DefaultPasswordSide[]): Promise<DefaultPasswordFinding[]> {
  const asked = sides.filter((s) => admins[s.cluster]);
  return Promise.all(asked.map(async (s) => {
    const principal = `krbtgt/${s.peerRealm}@${s.realm}`;
    const password = new Secret(defaultCrossRealmPassword(s.mrsVersion), 'MRS default cross-realm password');
    const accepted = await (admins[s.cluster] as KdcAdmin).acceptsPassword(principal, password);
    return { cluster: s.cluster, principal, accepted };
  }));
}

/** The warning status, verify and precheck print for a finding (undefined = nothing to warn about). */
export function defaultPasswordWarning(f: DefaultPasswordFinding, pair: [string, string]): { code: string; cluster: string; message: string } | undefined {
  if (f.accepted !== true) return undefined;
  return {
    code: 'DEFAULT_CROSS_REALM_PASSWORD',
    cluster: f.cluster,
    message: `${f.principal} in ${f.cluster}'s KDC still accepts MRS's default cross-realm password: run \`mrs-trust rotate ${pair[0]} ${pair[1]}\``,
  };
}
