import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * What an MRS 3.x cluster's nodes carry in the sandbox (docs/sandbox.md "MRS 3.x"), following
 * the public pages:
 * - "Determining Active and Standby Management Nodes of Manager" (mrs_01_0086): on a management
 *   node, `su - omm`, then `sh ${BIGDATA_HOME}/om-server/om/sbin/status-oms.sh` prints a table
 *   whose `HAActive` column says `active` or `standby`;
 * - "Configuring Cross-Manager Mutual Trust Between Clusters" (admin_guide_000177): as omm on the
 *   active management node, `sh ${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh` prints
 *   `Modify realm successfully. Use the new password to log into FusionInsight again.`
 *
 * The sandbox hosts accept only root logins, so omm is reached the way the pages do it: `su - omm
 * -c '…'`, through an `su` in the host's `/.sandbox/bin` (first on its PATH) that knows only omm.
 * Both scripts refuse to run as anyone else, and restart-RealmConfig.sh refuses on the standby
 * node — stricter than nothing, never more forgiving than the real scripts.
 */
export const BIGDATA_HOME = '/opt/Bigdata';
export const OM_SBIN = `${BIGDATA_HOME}/om-server/om/sbin`;
export const REALM_SUCCESS = 'Modify realm successfully. Use the new password to log into FusionInsight again.';

/** `su` for the sandbox: only `su [-|-l] omm -c CMD`; sets omm's login environment (BIGDATA_HOME). */
const SU = `#!/bin/bash
# mrs-trust sandbox: stands in for su(1) on a simulated MRS 3.x node; only "su - omm -c CMD".
user=; cmd=; have=0
while [ $# -gt 0 ]; do
  case "$1" in
    -|-l|--login) ;;
    -c) shift; cmd=$1; have=1 ;;
    -*) echo "su: invalid option -- '$1' (sandbox su knows - and -c)" >&2; exit 1 ;;
    *) user=$1 ;;
  esac
  shift
done
[ "$user" = omm ] || { echo "su: user \${user:-root} does not exist" >&2; exit 1; }
[ "$have" = 1 ] || { echo "su: must be run from a terminal" >&2; exit 1; }
root=\${MRS_SANDBOX_CONTROL%/.sandbox}
export HOME="$root/home/omm" USER=omm LOGNAME=omm BIGDATA_HOME="$root${BIGDATA_HOME}"
cd "$HOME" 2>/dev/null || cd /
exec /bin/bash -c "$cmd"
`;

const AS_OMM = '[ "$USER" = omm ] || { echo "Please run this script as user omm (su - omm)." >&2; exit 1; }';

const STATUS_OMS = `#!/bin/sh
# mrs-trust sandbox: simulated status-oms.sh of an MRS 3.x management node.
${AS_OMM}
cat "$MRS_SANDBOX_CONTROL/oms-status"
`;

/**
 * Hands the request to the sandbox process (it applies the console's saved Peer Mutual Trust
 * Domain to the KDC and the nodes' krb5.conf) and prints what it answers.
 */
const RESTART_REALM = `#!/bin/sh
# mrs-trust sandbox: simulated restart-RealmConfig.sh of an MRS 3.x management node.
${AS_OMM}
ctl=$MRS_SANDBOX_CONTROL
[ "$(cat "$ctl/oms-role" 2>/dev/null)" = active ] || { echo "The current node is not the active OMS node; run this script on the active management node." >&2; exit 1; }
id="$$-$(date +%s%N)"
echo "Start to modify realm configuration..."
: > "$ctl/realm-request.$id.tmp" && mv "$ctl/realm-request.$id.tmp" "$ctl/realm-request.$id"
i=0
while [ ! -f "$ctl/realm-result.$id" ]; do
  i=$((i + 1))
  [ "$i" -gt 600 ] && { echo "Modify realm failed: timed out." >&2; exit 1; }
  sleep 0.1
done
code=$(cat "$ctl/realm-exit.$id" 2>/dev/null || echo 1)
cat "$ctl/realm-result.$id"
rm -f "$ctl/realm-result.$id" "$ctl/realm-exit.$id"
exit "$code"
`;

/** The status-oms.sh table (mrs_01_0086 layout): one row per management node. */
export function omsStatusTable(rows: { ip: string; host: string; active: boolean }[], startedAt: Date): string {
  const pad = (t: string, n: number) => t.padEnd(n);
  const when = startedAt.toISOString().slice(0, 19).replace('T', ' ');
  return [
    'Ha mode',
    'double',
    `${pad('NodeName', 22)}${pad('HostName', 30)}${pad('HAVersion', 19)}${pad('StartTime', 25)}${pad('HAActive', 21)}${pad('HAAllResOK', 21)}HARunPhase`,
    ...rows.map((r) => `${pad(r.ip.replace(/\./g, '-'), 22)}${pad(r.host, 30)}${pad('V100R001C01', 19)}${pad(when, 25)}${pad(r.active ? 'active' : 'standby', 21)}${pad('normal', 21)}${r.active ? 'Actived' : 'Deactived'}`),
    '',
  ].join('\n');
}

async function put(path: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode });
  await chmod(path, mode);
}

/** Every node of a 3.x cluster: the su shim and omm's home. Management nodes: the two scripts and their state. */
export async function installOmNode(root: string, management: { table: string; active: boolean } | undefined): Promise<void> {
  await put(join(root, '.sandbox', 'bin', 'su'), SU, 0o755);
  await mkdir(join(root, 'home', 'omm'), { recursive: true });
  if (!management) return;
  await put(join(root, OM_SBIN, 'status-oms.sh'), STATUS_OMS, 0o755);
  await put(join(root, OM_SBIN, 'restart-RealmConfig.sh'), RESTART_REALM, 0o755);
  await put(join(root, '.sandbox', 'oms-status'), management.table);
  await put(join(root, '.sandbox', 'oms-role'), management.active ? 'active\n' : 'standby\n');
}
