import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { clientKrb5Conf } from '../client-config.js';
import { SSH_FILES } from '../ssh/index.js';
import { CLIENT_DIR, CLIENT_KRB5 } from '../ssh/client-install.js';
import type { SimCluster } from '../manager/state.js';
import { consoleFileOf, readConsoleFile } from './console-file.js';
import { REALM_SUCCESS } from './om-node-files.js';

/**
 * The sandbox process's side of MRS 3.x (docs/sandbox.md "MRS 3.x"):
 * - picks up the console state `sandbox console-save|console-stop|console-start` wrote
 *   (`console/<cluster>.json` in the state dir);
 * - answers restart-RealmConfig.sh: the script on the active management node drops a request
 *   file in its `/.sandbox`; this applies the console's saved Peer Mutual Trust Domain — the
 *   Manager's peers change (so the real KDC gets the cross-realm principals, through the kdc
 *   plugin, before the script returns) and every node's Kerberos client krb5.conf lists the peers
 *   (ASSUMED, docs/assumptions.md "MRS 3.x") — and writes the output the script prints.
 * Polls every 100 ms; nothing runs after stop().
 */
export interface RealmConfigDeps {
  stateDir: string;
  sims: SimCluster[];
  /** Sets the applied peers and waits until every listener (the kdc plugin) has followed. */
  applyPeers(sim: SimCluster): Promise<void>;
  /** All clusters of this Manager stopped or started on the console: their KDCs follow (kdc plugin). */
  clustersRunning(sim: SimCluster, running: boolean): Promise<void>;
  onChange(): void;
}

const POLL_MS = 100;

/** Every node's Kerberos client krb5.conf with the applied peers (what the tool's node discovery reads). */
export async function writeNodeKrb5(deps: Pick<RealmConfigDeps, 'stateDir'>, sim: SimCluster): Promise<void> {
  const text = clientKrb5Conf({ cluster: sim.name, realm: sim.realm, kdcs: sim.kdcs, peers: sim.peers });
  await Promise.all(sim.layout.nodes.map(async (node) => {
    const path = join(deps.stateDir, SSH_FILES.hostRoot(node.name), CLIENT_DIR, CLIENT_KRB5);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, text, { mode: 0o644 });
    await rename(`${path}.tmp`, path);
  }));
}

async function answer(control: string, id: string, code: number, output: string): Promise<void> {
  await writeFile(join(control, `realm-exit.${id}`), `${code}\n`);
  await writeFile(join(control, `realm-result.${id}.tmp`), output);
  await rename(join(control, `realm-result.${id}.tmp`), join(control, `realm-result.${id}`));
}

async function runRealmConfig(deps: RealmConfigDeps, sim: SimCluster, node: string, control: string, id: string): Promise<void> {
  const peers = sim.console.peers.map((p) => ({ ...p }));
  let code = 0;
  let output: string;
  try {
    sim.peers = peers;
    await deps.applyPeers(sim);
    await writeNodeKrb5(deps, sim);
    output = `Modify realm on ${peers.length} peer domain(s).\n${REALM_SUCCESS}\n`;
  } catch (error) {
    code = 1;
    output = `Modify realm failed: ${error instanceof Error ? error.message : String(error)}\n`;
  }
  sim.realmConfigRuns.push({ node, at: new Date().toISOString(), peers, clustersRunning: sim.console.clustersRunning, ok: code === 0, output: output.trim() });
  deps.onChange();
  await answer(control, id, code, output);
}

export class RealmConfigWatcher {
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  readonly #consoleMtime = new Map<string, number>();

  constructor(readonly deps: RealmConfigDeps) {}

  start(): void {
    this.#timer = setInterval(() => void this.tick(), POLL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    while (this.#busy) await new Promise((r) => setTimeout(r, 10));
  }

  /** One pass: console files first (a save just made is what the script applies), then requests. */
  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (const sim of this.deps.sims.filter((s) => s.mrs3)) {
        await this.syncConsole(sim);
        await this.serveRequests(sim);
      }
    } catch {
      // A half-written file is read again on the next pass.
    } finally {
      this.#busy = false;
    }
  }

  private async syncConsole(sim: SimCluster): Promise<void> {
    const path = consoleFileOf(this.deps.stateDir, sim.name);
    const mtime = (await stat(path).catch(() => undefined))?.mtimeMs;
    if (mtime === undefined || mtime === this.#consoleMtime.get(sim.name)) return;
    const state = await readConsoleFile(path);
    this.#consoleMtime.set(sim.name, mtime);
    if (!state) return;
    // The KDCs have stopped or started before the console command returns (it waits for `saves`).
    if (state.clustersRunning !== sim.console.clustersRunning) await this.deps.clustersRunning(sim, state.clustersRunning);
    Object.assign(sim.console, { peers: state.peers, clustersRunning: state.clustersRunning, saves: state.saves });
    this.deps.onChange();
  }

  private async serveRequests(sim: SimCluster): Promise<void> {
    for (const node of sim.layout.nodes.slice(0, 2)) {
      const control = join(this.deps.stateDir, SSH_FILES.hostRoot(node.name), '.sandbox');
      const names = await readdir(control).catch(() => [] as string[]);
      for (const name of names.filter((n) => /^realm-request\.[\w-]+$/.test(n)).sort()) {
        await unlink(join(control, name)).catch(() => undefined);
        await runRealmConfig(this.deps, sim, node.name, control, name.slice('realm-request.'.length));
      }
    }
  }
}
