import { shellQuote } from '../shell.js';
import { STATUS_OMS_SCRIPT } from './status-oms.js';

/**
 * The documented omm commands on a 3.x management node, as one shell line for an SSH exec.
 * Both pages say "log in to the active management node as user omm": a node entry whose user is
 * omm runs them directly; root switches with `su - omm -c` (omm's login environment). `${BIGDATA_HOME}`
 * is set in omm's environment on MRS nodes (ASSUMED, docs/assumptions.md: an SSH exec is no login
 * shell, so when it is empty omm's ~/.bashrc is read first); a node without it stops with exit 97.
 */
export const REALM_SCRIPT = '${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh';

/** "The command is executed successfully if the following information is displayed". */
export const REALM_SCRIPT_SUCCESS = 'Modify realm successfully';

export const NO_BIGDATA_HOME_EXIT = 97;

function scriptLine(script: string): string {
  const env = `if [ -z "\${BIGDATA_HOME:-}" ] && [ -r "$HOME/.bashrc" ]; then . "$HOME/.bashrc" >/dev/null 2>&1; fi`;
  const guard = `if [ -z "\${BIGDATA_HOME:-}" ]; then echo "BIGDATA_HOME is not set for $(id -un)" >&2; exit ${NO_BIGDATA_HOME_EXIT}; fi`;
  return `${env}; ${guard}; sh "${script}"`;
}

/** The line to exec as `user` (the node entry's login) so that the script runs as omm. */
export function asOmm(user: string, script: string): string {
  const line = scriptLine(script);
  return user === 'omm' ? line : `su - omm -c ${shellQuote(line)}`;
}

export const statusOmsCommand = (user: string): string => asOmm(user, STATUS_OMS_SCRIPT);
export const realmScriptCommand = (user: string): string => asOmm(user, REALM_SCRIPT);

/** Success is the documented line, not the exit status (the page names only the line). */
export function realmScriptSucceeded(stdout: string): boolean {
  return stdout.includes(REALM_SCRIPT_SUCCESS);
}
