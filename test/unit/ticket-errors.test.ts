import { describe, expect, it } from 'vitest';
import { classifyTicketError, kvnoOf, type TicketCause } from '../../src/domain/ticket-errors.js';

// What MIT kinit/kvno print (krb5 1.20), one row per cause the tool names.
const TABLE: [string, TicketCause][] = [
  ['kvno: Server krbtgt/BETA.MRS@ALPHA.MRS not found in Kerberos database while getting credentials for hdfs/master1.beta@BETA.MRS', 'no-trust'],
  ['kvno: Decrypt integrity check failed while getting credentials for hdfs/master1.beta@BETA.MRS', 'password-mismatch'],
  ['kvno: KDC returned error string: PROCESS_TGS while getting credentials for hdfs/master1.beta@BETA.MRS', 'kvno-mismatch'],
  ['kvno: Cannot find KDC for realm "BETA.MRS" while getting credentials for hdfs/master1.beta@BETA.MRS', 'realm-missing'],
  ['kinit: Clock skew too great while getting initial credentials', 'clock-skew'],
  ['kvno: Cannot contact any KDC for realm \'BETA.MRS\' while getting credentials for hdfs/master1.beta@BETA.MRS', 'kdc-unreachable'],
  ['kinit: Password incorrect while getting initial credentials', 'bad-user-password'],
  ['kvno: Server hdfs/master9.beta@BETA.MRS not found in Kerberos database while getting credentials for hdfs/master9.beta@BETA.MRS', 'unknown-principal'],
  ['kinit: Client \'nobody@ALPHA.MRS\' not found in Kerberos database while getting initial credentials', 'unknown-principal'],
  ['bash: kinit: command not found', 'unknown'],
];

describe('classifyTicketError (MIT error text → cause)', () => {
  it.each(TABLE)('%s → %s', (output, cause) => {
    const d = classifyTicketError(`Password for tester@ALPHA.MRS: \n${output}`);
    expect(d.cause).toBe(cause);
    expect(d.hint.length).toBeGreaterThan(10);
  });

  it('reads the kvno kvno prints', () => {
    expect(kvnoOf('Password for tester@ALPHA.MRS: \nhdfs/master1.beta@BETA.MRS: kvno = 3\n')).toBe(3);
    expect(kvnoOf('kvno: Decrypt integrity check failed')).toBeUndefined();
  });
});
