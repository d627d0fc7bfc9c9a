/**
 * Names the cause of a failed cross-realm ticket test from what MIT Kerberos (kinit, kvno)
 * prints. The texts are MIT's own; the first matching row wins, so the more specific rows come
 * first. docs/kerberos.md lists them with the fix for each.
 */
export type TicketCause = 'no-trust' | 'realm-missing' | 'password-mismatch' | 'kvno-mismatch' | 'clock-skew' | 'kdc-unreachable' | 'bad-user-password' | 'unknown-principal' | 'unknown';

export interface TicketDiagnosis {
  cause: TicketCause;
  /** What to do about it, naming a field or command. */
  hint: string;
}

const TABLE: { pattern: RegExp; cause: TicketCause; hint: string }[] = [
  { pattern: /Server krbtgt\/\S+ not found in Kerberos database/i, cause: 'no-trust', hint: 'the cross-realm principals krbtgt/B@A and krbtgt/A@B are missing: create them in both KDCs (MRS: peer_realms saved and KrbServer restarted)' },
  { pattern: /Cannot find KDC for realm/i, cause: 'realm-missing', hint: "the client krb5.conf has no [realms] entry for the peer realm: refresh the client configuration (`mrs-trust clients refresh A B`)" },
  { pattern: /Decrypt integrity check failed/i, cause: 'password-mismatch', hint: 'the cross-realm principals have different passwords in the two KDCs: set the same password on both sides' },
  { pattern: /PROCESS_TGS/, cause: 'kvno-mismatch', hint: 'the cross-realm principals have different key version numbers (kvno) in the two KDCs: recreate them on both sides' },
  { pattern: /Clock skew too great/i, cause: 'clock-skew', hint: 'the clocks of the client host and a KDC differ by more than 5 minutes: fix NTP on both clusters' },
  { pattern: /Cannot contact any KDC for realm/i, cause: 'kdc-unreachable', hint: "a KDC on port 21732 cannot be reached: check the client krb5.conf (run link's refresh-clients again) and the security groups (`mrs-trust precheck`)" },
  { pattern: /Password incorrect|Preauthentication failed/i, cause: 'bad-user-password', hint: 'kinit refused the password: check verify.password in clusters.yaml' },
  { pattern: /not found in Kerberos database/i, cause: 'unknown-principal', hint: 'a principal does not exist: check verify.principal and verify.service in clusters.yaml' },
];

export function classifyTicketError(output: string): TicketDiagnosis {
  const row = TABLE.find((r) => r.pattern.test(output));
  return row ? { cause: row.cause, hint: row.hint } : { cause: 'unknown', hint: 'see the kinit/kvno output in the error details' };
}

/** kvno prints `<principal>: kvno = <n>` on success. */
export function kvnoOf(output: string): number | undefined {
  const match = /:\s*kvno\s*=\s*(\d+)/.exec(output);
  return match ? Number(match[1]) : undefined;
}
