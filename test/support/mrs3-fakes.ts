import type { Checklist } from '../../src/domain/mrs3/checklist.js';
import type { PeerEntry } from '../../src/domain/peers.js';
import { RemoteError } from '../../src/errors/index.js';
import type { OmNodes } from '../../src/ports/om-node.js';
import type { ManualStepHost } from '../../src/ports/manual-steps.js';
import type { Mrs3Deps } from '../../src/workflow/link/context.js';
import { FakeManager } from './fake-manager.js';

const SERVICES = ['KrbServer', 'HDFS', 'Hive'];

/**
 * A 3.x cluster as the workflow sees it: the Manager (discovery, health), the rows a person saved
 * in the console (`consoleRows`, not readable by the tool), and the node krb5.conf that
 * restart-RealmConfig.sh writes from them. Stopping the clusters makes every service not GOOD.
 */
export class FakeMrs3Cluster {
  consoleRows: PeerEntry[] = [];
  krbRealms: PeerEntry[] = [];
  scriptRuns = 0;
  scriptOutput = 'Modify realm successfully. Use the new password to log into FusionInsight again.\n';
  stopped = false;
  readonly manager: FakeManager;

  constructor(
    readonly name: string,
    n: number,
    version = '3.1.0',
  ) {
    this.manager = new FakeManager(name, `${name.toUpperCase()}.MRS`, [{ ip: `10.${n}.0.21`, port: 21732 }, { ip: `10.${n}.0.22`, port: 21732 }], { version: `MRS ${version}`, services: SERVICES.map((s) => ({ name: s, health: 'GOOD' as const })) });
  }

  /** The person at the console: stop all clusters, add the row, OK. */
  consoleSave(row: PeerEntry, stop = true): void {
    if (stop) this.setStopped(true);
    this.consoleRows = [...this.consoleRows.filter((r) => r.realm_name !== row.realm_name), row];
  }

  setStopped(stopped: boolean): void {
    this.stopped = stopped;
    this.manager.opts.services = SERVICES.map((s) => ({ name: s, health: stopped ? ('UNKNOWN' as const) : ('GOOD' as const) }));
  }

  nodes(): OmNodes & { close(): Promise<void> } {
    const active = { index: 0, label: `root@master1.${this.name}:22 (master1)`, rows: [] };
    return {
      cluster: this.name,
      findActive: async () => active,
      restartRealmConfig: async () => {
        this.scriptRuns += 1;
        if (!this.scriptOutput.includes('Modify realm successfully')) throw new RemoteError('REALM_CONFIG_FAILED', `${this.name}: ${this.scriptOutput}`);
        this.krbRealms = this.consoleRows.map((r) => ({ ...r }));
        this.manager.peers = this.consoleRows.map((r) => ({ ...r }));
        this.manager.configVersion += 1;
        return { output: this.scriptOutput };
      },
      readKrb5: async () => ({ realm: this.manager.realm, kdcs: this.manager.kdcs, peers: this.krbRealms.map((r) => ({ ...r })), source: `root@master1.${this.name}:22:/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf` }),
      close: async () => undefined,
    };
  }
}

/** The CLI's side of the checklists: records what was shown; `answer` plays the person on a terminal (absent = no terminal). */
export function manualHost(answer?: (c: Checklist) => boolean | Promise<boolean>): ManualStepHost & { shown: { checklist: Checklist; lines: string[] }[] } {
  const shown: { checklist: Checklist; lines: string[] }[] = [];
  return {
    shown,
    show: async (checklist, lines) => void shown.push({ checklist, lines }),
    ...(answer ? { ask: async (c: Checklist) => answer(c) } : {}),
  };
}

export function mrs3Deps(clusters: FakeMrs3Cluster[], manual: ManualStepHost, over: Partial<Mrs3Deps> = {}): Mrs3Deps {
  return { nodes: Object.fromEntries(clusters.map((c) => [c.name, c.nodes()])), manual, resumeCommand: 'mrs-trust resume alpha beta --yes --config clusters.yaml', startTimeoutMs: 0, ...over };
}
