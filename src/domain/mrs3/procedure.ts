import { versionTuple } from '../cross-realm-password.js';
import { profileFor } from '../version.js';

/**
 * How trust is set on one side. 2.x: `peer_realms` saved through the Manager API and KrbServer
 * restarted. 3.x ("Configuring Cross-Manager Mutual Trust Between Clusters", admin_guide_000177):
 * the peer is added in the console (System > Permission > Domain and Mutual Trust > Peer Mutual
 * Trust Domain) after stopping all clusters, `restart-RealmConfig.sh` runs as omm on the active
 * management node, then the clusters are started. Nothing public documents a Manager API for
 * the console part, so it is a checklist a person carries out; the tool checks it took effect.
 */
export type Procedure = '2.x' | '3.x';

/** The procedure of a cluster from its MRS version (clusters.yaml `mrsVersion` or discovered). */
export function procedureOf(version: string | undefined): Procedure {
  return version !== undefined && profileFor(version)?.name === '3.x' ? '3.x' : '2.x';
}

/**
 * The one-way variant ("Configuring Cross-Manager Cluster Mutual Trust for Unidirectional
 * Access", admin_guide_000429) "applies to MRS 3.6.0 or later": no cluster stop, the script and
 * a restart of the configuration-expired instances on the local (accessing) cluster only.
 */
export const ONE_WAY_MIN_VERSION: readonly [number, number, number] = [3, 6, 0];

export function supportsOneWay(version: string): boolean {
  const v = versionTuple(version);
  if (!v || version.includes('.x')) return false;
  for (let i = 0; i < 3; i++) if (v[i] !== ONE_WAY_MIN_VERSION[i]) return (v[i] as number) > (ONE_WAY_MIN_VERSION[i] as number);
  return true;
}

/**
 * "The current Kerberos server supports only the aes256-cts-hmac-sha1-96:normal and
 * aes128-cts-hmac-sha1-96:normal encryption types for encrypting cross-domain users, and the
 * encryption types cannot be changed" (Overview of Mutual Trust Between MRS Clusters, 3.x).
 */
export const MRS3_CROSS_REALM_ENCTYPES: readonly string[] = ['aes256-cts-hmac-sha1-96', 'aes128-cts-hmac-sha1-96'];

/** The role of one side in a link: both ways, or the local (accessing) / peer (accessed) side of a one-way link. */
export type Mrs3Role = 'two-way' | 'one-way-local' | 'one-way-peer';

/** Whether the side runs restart-RealmConfig.sh: both sides of a two-way link, only the local side of a one-way link. */
export const runsRealmScript = (role: Mrs3Role): boolean => role !== 'one-way-peer';

/** What the console procedure interrupts on that side (the downtime the person confirms). */
export function downtimeOf(role: Mrs3Role): string | undefined {
  if (role === 'two-way') return 'all clusters of this Manager are stopped until the checklist starts them again';
  if (role === 'one-way-local') return 'the configuration-expired instances of this Manager are restarted';
  return undefined;
}
