import { formatKdcAddress, parseIpPort } from '../../src/domain/ip-port.js';
import type { Checklist } from '../../src/domain/mrs3/checklist.js';
import type { PeerEntry } from '../../src/domain/peers.js';
import type { ActiveManagementNode, ManagementNodes } from '../../src/ports/management-node.js';
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

  nodes(): ManagementNodes {
    const node: ActiveManagementNode = {
      label: `omm@master1.${this.name}:22 (master1)`,
      runRealmScript: async () => {
        this.scriptRuns += 1;
        this.krbRealms = this.consoleRows.map((r) => ({ ...r }));
        this.manager.peers = this.consoleRows.map((r) => ({ ...r }));
        this.manager.configVersion += 1;
        return { exitCode: 0, stdout: this.scriptOutput, stderr: '' };
      },
      readKrb5Conf: async () => ({ source: `master1.${this.name}:/etc/krb5.conf`, text: this.krb5conf() }),
    };
    return { active: async () => node, close: async () => undefined };
  }

  krb5conf(): string {
    const own = this.manager.kdcs.map((k) => `  kdc = ${formatKdcAddress(k)}`).join('\n');
    const peers = this.krbRealms.map((r) => {
      const kdcs = parseIpPort(r.ip_port);
      return ` ${r.realm_name} = {\n${(kdcs.ok ? kdcs.value.map(formatKdcAddress) : [r.ip_port]).map((k) => `  kdc = ${k}`).join('\n')}\n }`;
    });
    return `[libdefaults]\n default_realm = ${this.manager.realm}\n[realms]\n ${this.manager.realm} = {\n${own}\n }\n${peers.join('\n')}\n`;
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
