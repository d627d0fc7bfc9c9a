import type { PrincipalKeys } from '../domain/cross-realm.js';
import type { Secret } from '../domain/secret.js';

/**
 * Admin access to one cluster's KDC (`clusters.<name>.kerberos.admin`): kadmin as the admin
 * principal, run on a configured host. Every secret (admin password, principal passwords) goes
 * to kadmin or kinit on stdin, never in argv. Errors are RemoteError (login refused, host
 * unreachable) or CheckError `KDC_REFUSED` (the KDC refused the change; `details.reason`).
 */
export interface KdcAdmin {
  /** The host that runs kadmin, for messages. */
  readonly host: string;
  /** kvno and enctypes of the newest key; undefined when the principal does not exist. */
  getPrincipal(principal: string): Promise<PrincipalKeys | undefined>;
  /** kadmin `cpw [-keepold]`: a new key from `password` at kvno + 1 (old keys kept with keepOld). */
  changePassword(principal: string, password: Secret, options: { keepOld: boolean }): Promise<void>;
  /** kadmin `modprinc -kvno`: relabels the principal's keys with `kvno` (restore after a failed rotation). */
  setKvno(principal: string, kvno: number): Promise<void>;
  /**
   * Whether the KDC accepts `password` for `principal` (kinit on the admin host, one AS request).
   * undefined when it could not tell (KDC unreachable, other error).
   */
  acceptsPassword(principal: string, password: Secret): Promise<boolean | undefined>;
  close(): Promise<void>;
}
