import { checkPeerRow } from '../../../domain/mrs3/console-check.js';
import { REALM_SCRIPT, REALM_SCRIPT_SUCCESS } from '../../../domain/mrs3/node-commands.js';
import { runsRealmScript } from '../../../domain/mrs3/procedure.js';
import { CheckError } from '../../../errors/index.js';
import type { OmNodes } from '../../../ports/om-node.js';
import type { Step } from '../../engine.js';
import { sides, type LinkState } from '../../link/context.js';
import { checklistOf, unconfirm, wantedRow } from '../checklists.js';
import { mrs3Changing, notOnThisSide, resumeCommand, roleOf } from '../roles.js';

/** The script restarts the realm configuration; the page says services recover "in about 1 minute". */
const SCRIPT_TIMEOUT_MS = 15 * 60_000;

const scriptSides = (s: LinkState) => mrs3Changing(s).filter((n) => runsRealmScript(roleOf(s, n)));

function nodesOf(s: LinkState, name: string): OmNodes {
  const nodes = s.deps.mrs3?.nodes[name];
  if (!nodes) {
    throw new CheckError('NO_MANAGEMENT_NODE', `${name}: restart-RealmConfig.sh runs as omm on the active management node over SSH, and clusters.${name}.nodes lists none`, {
      hint: `add the management nodes (Master1 and Master2, user omm or root) under clusters.${name}.nodes, then run \`${resumeCommand(s)}\``,
    });
  }
  return nodes;
}

/** What the console step should have left, named for the person when it is not there. */
function notDone(s: LinkState, name: string, node: string, cause: string): CheckError {
  const row = wantedRow(s, name);
  const checklist = checklistOf(s, name, 'console');
  const step = `in ${name}'s FusionInsight Manager, System > Permission > Domain and Mutual Trust > Peer Mutual Trust Domain: realm_name ${row.realm_name}, ip_port ${row.ip_port}, then OK`;
  return new CheckError('CONSOLE_STEP_NOT_DONE', `${name}: the console step was not done: ${cause} after restart-RealmConfig.sh on ${node} — missing step: ${step}`, {
    hint: `do that step (checklist ${checklist.id}), then run \`${resumeCommand(s)}\`; nothing else was changed`,
    details: { cluster: name, step: checklist.id, row, cause },
  });
}

/**
 * The documented SSH step of a 3.x side, then the check of the console step before it: find the
 * active management node (status-oms.sh), run `sh ${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh`
 * as omm and require "Modify realm successfully", then read the node's krb5.conf: the peer realm
 * must be there with the planned KDCs. A missing or different realm names the console step.
 */
export const applyRealmConfig: Step<LinkState> = {
  id: 'apply-realm-config',
  title: 'Run restart-RealmConfig.sh as omm on the active management node; check the console step took effect',
  scopes: sides,
  skip: (s, scope) => notOnThisSide(s, scope as string) ?? (scriptSides(s).includes(scope as string) ? undefined : 'the accessed side of a one-way trust runs no script'),
  skipIfDoneBefore: true,
  async run(s, scope) {
    const name = scope as string;
    if (s.request.dryRun) return { skipped: `would run restart-RealmConfig.sh as omm on ${name}'s active management node` };
    const nodes = nodesOf(s, name);
    const node = await nodes.findActive({ signal: s.deps.signal });
    s.deps.events.emit({ type: 'step-progress', step: 'apply-realm-config', scope: name, message: `active management node ${node.label}: sh ${REALM_SCRIPT}` });
    await nodes.restartRealmConfig(node, { timeoutMs: SCRIPT_TIMEOUT_MS, signal: s.deps.signal });
    const conf = await nodes.readKrb5({ signal: s.deps.signal });
    const row = wantedRow(s, name);
    const check = checkPeerRow(conf.peers, row);
    if (!check.ok) {
      await unconfirm(s, checklistOf(s, name, 'console').id);
      const cause = check.cause === 'realm-missing' ? `${conf.source} does not list ${row.realm_name}` : `${conf.source} lists ${row.realm_name} with KDCs ${check.found ?? '?'}, not ${row.ip_port}`;
      throw notDone(s, name, node.label, cause);
    }
    return { message: `${node.label}: ${REALM_SCRIPT_SUCCESS}; ${conf.source} lists ${row.realm_name}` };
  },
};
