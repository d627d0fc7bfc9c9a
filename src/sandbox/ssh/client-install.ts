import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The fake MRS client installed in every simulated host under `/opt/client`:
 * `refreshConfig.sh` (behaves like the real one, see REFRESH_SCRIPT), `bigdata_env`, and the
 * client `krb5.conf` at `KrbClient/kerberos/var/krb5kdc/krb5.conf` (ASSUMED MRS layout,
 * docs/assumptions.md "SSH hosts and the client install").
 */
export const CLIENT_DIR = '/opt/client';
export const CLIENT_KRB5 = 'KrbClient/kerberos/var/krb5kdc/krb5.conf';

/** The krb5.conf an MRS client of `realm` carries: its realm and KDCs, nothing else. */
export function clientKrb5Conf(realm: string, kdcs: string[]): string {
  return [
    '[libdefaults]',
    `  default_realm = ${realm}`,
    '  dns_lookup_kdc = false',
    '  dns_lookup_realm = false',
    '  udp_preference_limit = 1',
    '',
    '[realms]',
    `  ${realm} = {`,
    ...kdcs.map((kdc) => `    kdc = ${kdc}`),
    // MRS: kadmin listens on the first KerberosServer host, port 21730 (as the Manager's client config says).
    `    admin_server = ${(kdcs[0] ?? '').replace(/:\d+$/, '')}:21730`,
    '  }',
    '',
    '[domain_realm]',
    `  .${realm.toLowerCase()} = ${realm}`,
    '',
  ].join('\n');
}

/**
 * Simulated refreshConfig.sh. Like MRS 2.x it takes the client directory and the configuration
 * tar; like MRS 3.x it also takes an extracted `*_ClientConfig_ConfigFiles` directory. It copies
 * `<Component>/config/*` into the client directory and the first krb5.conf found into the
 * client krb5.conf, then prints the two documented success lines. A tar that does not extract,
 * or holds no krb5.conf, fails with exit 1 and `Failed to refresh components client config.`
 * Faults (docs/ssh.md): the file /.sandbox/refresh-fault on the host holds `hang`, `fail`,
 * `slow <ms>` or `stale` (prints success, changes nothing: a broken client).
 */
export const REFRESH_SCRIPT = `#!/bin/sh
# mrs-trust sandbox: simulated MRS client refreshConfig.sh
fail() { echo "$1" >&2; echo "Failed to refresh components client config." >&2; exit 1; }
[ $# -ge 2 ] || fail "Usage: sh refreshConfig.sh <client installation directory> <client configuration file>"
client_dir=$1
source=$2
fault=$(cat "$MRS_SANDBOX_CONTROL/refresh-fault" 2>/dev/null || true)
case "$fault" in
  hang*) echo "Refreshing components client config..."; while :; do sleep 1; done ;;
  fail*) fail "Refreshing failed (sandbox fault)." ;;
  slow*) sleep "$(echo "$fault" | awk '{ printf "%.3f", $2 / 1000 }')" ;;
  stale*) echo "ReFresh components client config is complete."; echo "Succeed to refresh components client config."; exit 0 ;;
esac
[ -d "$client_dir" ] || fail "The client directory $client_dir does not exist."
work=$(mktemp -d "\${TMPDIR:-/tmp}/refreshConfig.XXXXXX") || fail "Cannot create a work directory."
trap 'rm -rf "$work"' EXIT
if [ -d "$source" ]; then
  cp -R "$source/." "$work/" || fail "Cannot read $source."
elif [ -f "$source" ]; then
  tar -xf "$source" -C "$work" 2>/dev/null || fail "Failed to decompress $source."
  for t in "$work"/*_ClientConfig_ConfigFiles.tar; do
    if [ -f "$t" ]; then tar -xf "$t" -C "$work" 2>/dev/null || fail "Failed to decompress $t."; rm -f "$t"; fi
  done
else
  fail "The client configuration $source does not exist."
fi
conf=$work
for d in "$work"/*_ClientConfig_ConfigFiles; do [ -d "$d" ] && conf=$d; done
krb=$(find "$conf" -type f -name krb5.conf | sort | head -n 1)
[ -n "$krb" ] || fail "No krb5.conf in $source."
mkdir -p "$client_dir/KrbClient/kerberos/var/krb5kdc" || fail "Cannot write $client_dir."
cp "$krb" "$client_dir/${CLIENT_KRB5}" || fail "Cannot write $client_dir."
for c in "$conf"/*/; do
  name=$(basename "$c")
  if [ -d "$c/config" ]; then mkdir -p "$client_dir/$name/config" && cp -R "$c/config/." "$client_dir/$name/config/" || fail "Cannot write $client_dir/$name."; fi
done
echo "ReFresh components client config is complete."
echo "Succeed to refresh components client config."
`;

/** Writes the fake client install into a host root (`root` is the host's `/`). */
export async function installClient(root: string, realm: string, kdcs: string[]): Promise<void> {
  const dir = join(root, CLIENT_DIR);
  await mkdir(join(dir, 'KrbClient/kerberos/var/krb5kdc'), { recursive: true });
  await writeFile(join(dir, 'refreshConfig.sh'), REFRESH_SCRIPT, { mode: 0o755 });
  await chmod(join(dir, 'refreshConfig.sh'), 0o755);
  // Real paths: bigdata_env is read by the shell, not rewritten like a command line.
  await writeFile(
    join(dir, 'bigdata_env'),
    [`export KRB5_CONFIG=${join(dir, CLIENT_KRB5)}`, `export KRB5CCNAME=FILE:${join(root, 'tmp', 'krb5cc_0')}`, `export CLIENT_HOME=${dir}`, ''].join('\n'),
  );
  // Kept across sandbox restarts: a refresh may have replaced it.
  await writeFile(join(dir, CLIENT_KRB5), clientKrb5Conf(realm, kdcs), { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
