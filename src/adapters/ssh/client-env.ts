import { shellQuote } from '../../domain/shell.js';

/**
 * The first lines of every Kerberos command run on an MRS client host: the client environment
 * (bigdata_env puts its kinit/kvno/kadmin first on PATH, as MRS documents), its krb5.conf
 * (ASSUMED location, docs/assumptions.md; set even if bigdata_env does not), and a private
 * credential cache destroyed on exit, so the host's own tickets are never touched.
 */
export function clientShellPreamble(clientDir: string): string[] {
  const dir = clientDir.replace(/\/+$/, '');
  return [
    `. ${shellQuote(`${dir}/bigdata_env`)} >/dev/null 2>&1`,
    `export KRB5_CONFIG=${shellQuote(`${dir}/KrbClient/kerberos/var/krb5kdc/krb5.conf`)}`,
    'cc=$(mktemp "${TMPDIR:-/tmp}/mrs-trust-cc.XXXXXX") || exit 1',
    'export KRB5CCNAME="FILE:$cc"',
    `trap 'kdestroy >/dev/null 2>&1; rm -f "$cc"' EXIT`,
  ];
}
