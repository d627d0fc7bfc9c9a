import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { KDC_PORT, type SandboxLayout } from '../layout.js';
import type { ClusterFragment, SandboxHub, StartedPlugin } from '../plugins.js';
import { RealmKdc } from './realm-kdc.js';

/**
 * MRS's default password for the cross-realm principals (`krbtgt/B@A`, `krbtgt/A@B`), as the MRS
 * mutual-trust guide documents it. Same password and same principal name (hence salt) on both
 * sides give the same keys: that is what makes the trust work (docs/assumptions.md).
 */
export const CROSS_REALM_PASSWORD = 'Crossrealm@123';

/** Files of the kdc plugin under the sandbox state directory (docs/sandbox.md "Real KDCs"). */
export const KDC_FILES = {
  dir: (cluster: string) => `kdc/${cluster}`,
  testerPassword: (cluster: string) => `secrets/${cluster}.tester.password`,
} as const;

export const testerOf = (realm: string) => `tester@${realm}`;
/** A host-based service name, because numeric IPs are not mapped by [domain_realm]. */
export const serviceOf = (cluster: string) => `hdfs/master1.${cluster}`;

function hasKrb5kdc(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v krb5kdc && command -v kdb5_util && command -v kadmin.local'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes the cross-realm principals of `kdc` match `peers`: adds the missing, removes the dropped. */
async function syncTrust(kdc: RealmKdc, peers: string[]): Promise<void> {
  const self = kdc.realm;
  const present = await kdc.principals('krbtgt/*');
  const wanted = new Set(peers.filter((p) => p !== self).flatMap((p) => [`krbtgt/${p}@${self}`, `krbtgt/${self}@${p}`]));
  for (const name of wanted) if (!present.includes(name)) await kdc.kadmin(`addprinc -pw ${CROSS_REALM_PASSWORD} ${name}`);
  for (const name of present) if (name !== `krbtgt/${self}@${self}` && !wanted.has(name)) await kdc.kadmin(`delprinc -force ${name}`);
}

/**
 * The sandbox plugin (plugins.ts "kdc"): a real MIT KDC per cluster on its two KDC addresses,
 * port 21732, with a test user and a service, and the cross-realm principals kept in step with
 * the Manager's `peer_realms` (hub.onPeerRealmsSaved). Does nothing without krb5kdc installed.
 * Returns per cluster the `verify:` block of clusters.yaml.
 */
export async function startKdcs(layout: SandboxLayout, stateDir: string, hub: SandboxHub): Promise<StartedPlugin> {
  if (!hasKrb5kdc()) return { clusters: {}, state: () => ({ available: false, reason: 'krb5kdc not found (Debian package krb5-kdc)' }), stop: async () => undefined };
  const kdcs = new Map<string, RealmKdc>();
  const clusters: Record<string, ClusterFragment> = {};
  const stop = async () => {
    await Promise.allSettled([...kdcs.values()].map((k) => k.stop()));
  };
  // A few realms at a time: `--count 200` must not fork 200 kdb5_util processes at once.
  const limit = pLimit(8);
  try {
    await Promise.all(layout.clusters.map((c) => limit(async () => {
      const kdc = new RealmKdc(c.realm, join(stateDir, KDC_FILES.dir(c.name)), c.kdcIps.map((ip) => `${ip}:${KDC_PORT}`));
      kdcs.set(c.name, kdc);
      await kdc.create();
      const password = `Tst-${randomBytes(9).toString('base64url')}@1`;
      writeFileSync(join(stateDir, KDC_FILES.testerPassword(c.name)), `${password}\n`, { mode: 0o600 });
      await kdc.kadmin(`addprinc -pw ${password} ${testerOf(c.realm)}`);
      await kdc.kadmin(`addprinc -randkey ${serviceOf(c.name)}@${c.realm}`);
      const peers = hub.managers.find((m) => m.name === c.name)?.peers() ?? [];
      await syncTrust(kdc, peers.map((p) => p.realm_name));
      await kdc.start();
      clusters[c.name] = { verify: { principal: testerOf(c.realm), password: { file: KDC_FILES.testerPassword(c.name) }, service: serviceOf(c.name) } };
    })));
  } catch (error) {
    await stop();
    throw error;
  }
  // Saves come one at a time per cluster; a chain keeps their kadmin calls in order.
  const chains = new Map<string, Promise<void>>();
  const errors: string[] = [];
  hub.onPeerRealmsSaved((cluster, peers) => {
    const kdc = kdcs.get(cluster);
    if (!kdc) return;
    const next = (chains.get(cluster) ?? Promise.resolve()).then(() => syncTrust(kdc, peers.map((p) => p.realm_name))).catch((error: Error) => {
      errors.push(`${cluster}: ${error.message}`);
    });
    chains.set(cluster, next);
  });
  return {
    clusters,
    state: () => ({ available: true, kdcs: [...kdcs.entries()].map(([name, k]) => ({ cluster: name, realm: k.realm, listen: k.listen, pid: k.pid, dir: k.dir })), errors }),
    stop: async () => {
      await Promise.allSettled([...chains.values()]);
      await stop();
    },
  };
}
