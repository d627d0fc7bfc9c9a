import { join } from 'node:path';
import { KDC_PORT, SSH_PORT, type SandboxLayout } from '../layout.js';
import type { ClusterFragment, SandboxHub, StartedPlugin } from '../plugins.js';
import { CLIENT_DIR } from './client-install.js';
import { SimSshHost, type SimHostSpec } from './host.js';
import { keyPairAt } from './keys.js';

export { SimSshHost, type SimHostSpec } from './host.js';
export { CLIENT_DIR, CLIENT_KRB5, clientKrb5Conf } from './client-install.js';
export { keyPairAt, fingerprintOfPublic } from './keys.js';
export { toLocal, mapCommand } from './paths.js';

/** Files of the ssh plugin under the sandbox state directory (docs/ssh.md). */
export const SSH_FILES = {
  /** The one client key pair mrs-trust logs in with (clusters.yaml `key:`, relative to the state dir). */
  clientKey: 'ssh/id_ed25519',
  hostKey: (host: string) => `ssh/host-keys/${host}`,
  /** A host's `/`. */
  hostRoot: (host: string) => `ssh/hosts/${host}`,
} as const;

/**
 * The sandbox plugin (plugins.ts "ssh"): an SSH server for every client host and cluster node
 * of the layout, on `<ip>:2222`. Returns per cluster the `clients:` and `nodes:` entries of
 * clusters.yaml: the sandbox client key, and each host key pinned with `hostKey` (never insecure).
 */
export async function startSshHosts(layout: SandboxLayout, stateDir: string, hub?: SandboxHub): Promise<StartedPlugin & { hosts: SimSshHost[] }> {
  const clientKey = await keyPairAt(join(stateDir, SSH_FILES.clientKey), 'mrs-trust-sandbox');
  const specs: SimHostSpec[] = [];
  for (const cluster of layout.clusters) {
    const kdcs = hub?.managers.find((m) => m.name === cluster.name)?.kdcs ?? cluster.kdcIps.map((ip) => `${ip}:${KDC_PORT}`);
    const hosts = [
      ...cluster.clientIps.map((ip, i) => ({ name: `client${i + 1}.${cluster.name}`, ip, role: 'client' as const })),
      ...cluster.nodes.map((node) => ({ name: node.name, ip: node.ip, role: 'node' as const })),
    ];
    for (const h of hosts) {
      const hostKey = await keyPairAt(join(stateDir, SSH_FILES.hostKey(h.name)), `root@${h.name}`);
      specs.push({ ...h, cluster: cluster.name, port: SSH_PORT, root: join(stateDir, SSH_FILES.hostRoot(h.name)), hostKey, authorizedKeys: [clientKey.publicLine], realm: cluster.realm, kdcs });
    }
  }
  const started: SimSshHost[] = [];
  try {
    for (const spec of specs) started.push(await SimSshHost.start(spec));
  } catch (error) {
    await Promise.allSettled(started.map((h) => h.stop()));
    throw error;
  }
  const clusters: Record<string, ClusterFragment> = {};
  for (const cluster of layout.clusters) {
    const mine = started.filter((h) => h.spec.cluster === cluster.name);
    const entry = (h: SimSshHost) => ({ host: h.spec.ip, port: h.spec.port, user: 'root', key: SSH_FILES.clientKey, hostKey: h.spec.hostKey.fingerprint });
    clusters[cluster.name] = {
      clients: mine.filter((h) => h.spec.role === 'client').map((h) => ({ ...entry(h), clientDir: CLIENT_DIR, uploadDir: '/tmp' })),
      nodes: mine.filter((h) => h.spec.role === 'node').map(entry),
    };
  }
  return {
    hosts: started,
    clusters,
    state: () => ({ hosts: started.map((h) => ({ name: h.spec.name, cluster: h.spec.cluster, role: h.spec.role, address: `${h.spec.ip}:${h.spec.port}`, root: h.spec.root, hostKey: h.spec.hostKey.fingerprint })) }),
    stop: async () => {
      await Promise.allSettled(started.map((h) => h.stop()));
    },
  };
}
