import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeClientConfigTarball } from '../client-config.js';
import { FILES } from '../files.js';
import { SSH_FILES } from '../ssh/index.js';
import { peerRealmsProblem, type PeerRow } from '../manager/rules.js';
import { SandboxError } from '../names.js';
import { consoleFileOf, readConsoleFile, writeConsoleFile, type ConsoleState } from './console-file.js';

/**
 * The person at an MRS 3.x console, for a running sandbox (docs/sandbox.md "MRS 3.x"): saving
 * the Peer Mutual Trust Domain (System > Permission > Domain and Mutual Trust) and stopping or
 * starting all clusters on the home page. The Manager's own rules apply to a save (the sandbox's
 * rules.ts, not the tool's code), with the 16-row limit of the page's note. The command returns
 * once the sandbox process has taken the change in (state.json shows it).
 */
export const CONSOLE_PEER_LIMIT = 16;

export interface ConsoleEdit {
  /** Rows to add, or to replace (same realm_name). */
  set: PeerRow[];
  /** realm_name of rows to delete. */
  remove: string[];
}

interface StateDoc {
  pid: number;
  running: boolean;
  clusters: { name: string; realm: string; kdcs?: string[]; peers?: PeerRow[]; mrs3?: { console: { saves: number } } }[];
}

function readState(stateDir: string): StateDoc {
  let doc: StateDoc;
  try {
    doc = JSON.parse(readFileSync(join(stateDir, FILES.state), 'utf8')) as StateDoc;
  } catch {
    throw new SandboxError('SANDBOX_NOT_RUNNING', `no sandbox state in ${stateDir}`);
  }
  let alive = doc.running;
  try {
    process.kill(doc.pid, 0);
  } catch (error) {
    alive = alive && (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!alive) throw new SandboxError('SANDBOX_NOT_RUNNING', `the sandbox of ${stateDir} is not running`);
  return doc;
}

function mrs3Cluster(doc: StateDoc, cluster: string): StateDoc['clusters'][number] {
  const found = doc.clusters.find((c) => c.name === cluster);
  if (!found) throw new SandboxError('SANDBOX_CONSOLE', `no cluster "${cluster}" in this sandbox (${doc.clusters.map((c) => c.name).join(', ')})`);
  if (!found.mrs3) throw new SandboxError('SANDBOX_MRS3', `${cluster} is an MRS 2.x cluster; the console commands stand in for the MRS 3.x console (sandbox up --mrs-version 3.1.0, or mrsVersion in the faults file)`);
  return found;
}

async function commit(stateDir: string, cluster: string, next: Omit<ConsoleState, 'saves' | 'updatedAt'>, before: ConsoleState): Promise<ConsoleState> {
  const state: ConsoleState = { ...next, saves: before.saves + 1, updatedAt: new Date().toISOString() };
  mkdirSync(join(stateDir, 'console'), { recursive: true, mode: 0o700 });
  writeConsoleFile(stateDir, cluster, state);
  for (let i = 0; i < 100; i += 1) {
    const seen = readState(stateDir).clusters.find((c) => c.name === cluster)?.mrs3?.console.saves;
    if (seen !== undefined && seen >= state.saves) return state;
    await sleep(50);
  }
  throw new SandboxError('SANDBOX_NOT_RUNNING', `the sandbox did not take in the console change of ${cluster} within 5 s`);
}

async function current(stateDir: string, cluster: string): Promise<{ realm: string; state: ConsoleState }> {
  const found = mrs3Cluster(readState(stateDir), cluster);
  const state = await readConsoleFile(consoleFileOf(stateDir, cluster));
  if (!state) throw new SandboxError('SANDBOX_NOT_RUNNING', `no console state for ${cluster} in ${stateDir}`);
  return { realm: found.realm, state };
}

/** The console's "OK" on Peer Mutual Trust Domain: the whole edited list is saved, or refused as a whole. */
export async function consoleSave(stateDir: string, cluster: string, edit: ConsoleEdit): Promise<ConsoleState> {
  if (edit.set.length === 0 && edit.remove.length === 0) throw new SandboxError('SANDBOX_CONSOLE', 'nothing to save: give --peer REALM=ip:port,… or --remove REALM');
  const { realm, state } = await current(stateDir, cluster);
  let peers = state.peers.filter((p) => !edit.remove.includes(p.realm_name));
  for (const row of edit.set) {
    const at = peers.findIndex((p) => p.realm_name === row.realm_name);
    peers = at < 0 ? [...peers, row] : peers.map((p, i) => (i === at ? row : p));
  }
  const problem = peerRealmsProblem(peers, realm, CONSOLE_PEER_LIMIT);
  if (problem) throw new SandboxError('SANDBOX_CONSOLE', `${cluster}: the console refuses the save: ${problem}`);
  return commit(stateDir, cluster, { peers, clustersRunning: state.clustersRunning }, state);
}

/** Home page > Stop (running false) or Start (true) of all clusters. */
export async function consoleClusters(stateDir: string, cluster: string, running: boolean): Promise<ConsoleState> {
  const { state } = await current(stateDir, cluster);
  return commit(stateDir, cluster, { peers: state.peers, clustersRunning: running }, state);
}

/** Where "Save to Path on Server" puts the configuration-only client on the first management node. */
export const CONSOLE_CLIENT_PATH = '/tmp/FusionInsight-Client/FusionInsight_Cluster_1_Services_Client.tar';

/**
 * Home page > More > Download Client > Configuration Files Only > Save to Path on Server: the
 * cluster's client configuration as it is now (its realm, KDCs and the peers restart-RealmConfig.sh
 * applied, not rows merely saved in the console) written onto master1. As on a real Manager it
 * needs started clusters.
 */
export async function consoleDownload(stateDir: string, cluster: string): Promise<{ node: string; path: string; peers: string[] }> {
  const found = mrs3Cluster(readState(stateDir), cluster);
  const { state } = await current(stateDir, cluster);
  if (!state.clustersRunning) throw new SandboxError('SANDBOX_CONSOLE', `${cluster}: the clusters are stopped; start them first (sandbox console-start ${cluster})`);
  const node = `master1.${cluster}`;
  const local = join(stateDir, SSH_FILES.hostRoot(node), CONSOLE_CLIENT_PATH);
  mkdirSync(dirname(local), { recursive: true });
  const peers = found.peers ?? [];
  await writeClientConfigTarball(local, { cluster, realm: found.realm, kdcs: found.kdcs ?? [], peers });
  return { node, path: CONSOLE_CLIENT_PATH, peers: peers.map((p) => p.realm_name) };
}
