import { join } from 'node:path';
import { ensureDir } from '../files.js';
import { SandboxError } from '../names.js';
import { SSH_FILES } from '../ssh/index.js';
import { writeConsoleFile } from './console-file.js';
import { installOmNode, omsStatusTable } from './om-node-files.js';
import { RealmConfigWatcher, writeNodeKrb5, type RealmConfigDeps } from './realm-config.js';

export { consoleClusters, consoleDownload, consoleSave, type ConsoleEdit } from './console.js';

/**
 * The MRS 3.x side of a sandbox (docs/sandbox.md "MRS 3.x"), after the plugins started: each 3.x
 * cluster's nodes get omm's `su`, its two management nodes (master1, master2) the OMS scripts
 * with one of them active; its console starts with the Manager's peers saved and all clusters
 * running; the watcher answers restart-RealmConfig.sh.
 */
export async function startMrs3(deps: RealmConfigDeps & { sshRunning: boolean }): Promise<{ stop(): Promise<void> }> {
  const mrs3 = deps.sims.filter((s) => s.mrs3);
  if (mrs3.length === 0) return { stop: async () => undefined };
  if (!deps.sshRunning) throw new SandboxError('SANDBOX_MRS3', `MRS 3.x clusters (${mrs3.map((s) => s.name).join(', ')}) need their nodes (the ssh plugin): drop --no-plugins`);
  const started = new Date();
  ensureDir(join(deps.stateDir, 'console'));
  for (const sim of mrs3) {
    const [master1, master2, ...others] = sim.layout.nodes;
    const managers = [master1, master2].filter((n): n is NonNullable<typeof n> => n !== undefined);
    const activeName = `${sim.omActive}.${sim.name}`;
    const table = omsStatusTable(managers.map((n) => ({ ip: n.ip, host: n.name, active: n.name === activeName })), started);
    for (const node of managers) await installOmNode(join(deps.stateDir, SSH_FILES.hostRoot(node.name)), { table, active: node.name === activeName });
    for (const node of others) await installOmNode(join(deps.stateDir, SSH_FILES.hostRoot(node.name)), undefined);
    // The peers the cluster starts with (--seed-peer) are applied ones: the nodes list them.
    await writeNodeKrb5(deps, sim);
    sim.console.peers = sim.peers.map((p) => ({ ...p }));
    writeConsoleFile(deps.stateDir, sim.name, { peers: sim.console.peers, clustersRunning: true, saves: 0, updatedAt: started.toISOString() });
  }
  const watcher = new RealmConfigWatcher(deps);
  watcher.start();
  return { stop: () => watcher.stop() };
}
