import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { defaultCrossRealmPassword } from '../../domain/cross-realm.js';
import { KDC_PORT, type SandboxLayout } from '../layout.js';
import type { ClusterFragment, PluginOptions, SandboxHub, StartedPlugin } from '../plugins.js';
import { RealmKdc } from './realm-kdc.js';

/** MRS's kadmin port (the client krb5.conf's admin_server; kpasswd is the next port). */
export const KADMIN_PORT = 21730;
/** The password policy that makes a KDC refuse key changes (fault `refuseKeyChange`). */
const REFUSE_POLICY = 'mrs-trust-refuse-key-change';

/** Files of the kdc plugin under the sandbox state directory (docs/sandbox.md "Real KDCs"). */
export const KDC_FILES = {
  dir: (cluster: string) => `kdc/${cluster}`,
  testerPassword: (cluster: string) => `secrets/${cluster}.tester.password`,
  adminPassword: (cluster: string) => `secrets/${cluster}.kadmin.password`,
} as const;

export const testerOf = (realm: string) => `tester@${realm}`;
/** A host-based service name, because numeric IPs are not mapped by [domain_realm]. */
export const serviceOf = (cluster: string) => `hdfs/master1.${cluster}`;

function hasKrb5kdc(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v krb5kdc && command -v kdb5_util && command -v kadmin.local && command -v kadmind'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface TrustOptions {
  /** MRS's default password for this version (Crossrealm@123 from 1.9.2, Admin@123 before). */
  password: string;
  refuseKeyChange: boolean;
}

/**
 * Makes the cross-realm principals of `kdc` match `peers`: adds the missing (with MRS's default
 * password, as MRS does: same password and name on both sides give the same keys), removes the
 * dropped. With the fault, its own `krbtgt/<peer>@<self>` gets a policy no new password meets.
 */
async function syncTrust(kdc: RealmKdc, peers: string[], options: TrustOptions): Promise<void> {
  const self = kdc.realm;
  const present = await kdc.principals('krbtgt/*');
  const wanted = new Set(peers.filter((p) => p !== self).flatMap((p) => [`krbtgt/${p}@${self}`, `krbtgt/${self}@${p}`]));
  for (const name of wanted) {
    if (present.includes(name)) continue;
    await kdc.kadmin(`addprinc -pw ${options.password} ${name}`);
    if (options.refuseKeyChange && name.endsWith(`@${self}`)) await kdc.kadmin(`modprinc -policy ${REFUSE_POLICY} ${name}`);
  }
  for (const name of present) if (name !== `krbtgt/${self}@${self}` && !wanted.has(name)) await kdc.kadmin(`delprinc -force ${name}`);
}

/**
 * The sandbox plugin (plugins.ts "kdc"): a real MIT KDC per cluster on its two KDC addresses,
 * port 21732, with a test user and a service, and the cross-realm principals kept in step with
 * the Manager's `peer_realms` (hub.onPeerRealmsSaved). Does nothing without krb5kdc installed.
 * Returns per cluster the `verify:` block of clusters.yaml.
 */
export async function startKdcs(layout: SandboxLayout, stateDir: string, hub: SandboxHub, pluginOptions: PluginOptions = {}): Promise<StartedPlugin> {
  if (!hasKrb5kdc()) return { clusters: {}, state: () => ({ available: false, reason: 'krb5kdc not found (Debian package krb5-kdc)' }), stop: async () => undefined };
  const kdcs = new Map<string, RealmKdc>();
  const clusters: Record<string, ClusterFragment> = {};
  const stop = async () => {
    await Promise.allSettled([...kdcs.values()].map((k) => k.stop()));
  };
  // A few realms at a time: `--count 200` must not fork 200 kdb5_util processes at once.
  const limit = pLimit(8);
  const trust = (cluster: string): TrustOptions => {
    const o = pluginOptions.kdc?.[cluster];
    return { password: defaultCrossRealmPassword(o?.version ?? '2.1.0'), refuseKeyChange: o?.refuseKeyChange === true };
  };
  try {
    // A faulted KDC port (closed or silent) gets no real KDC; the sandbox core handles it.
    const served = layout.clusters.filter((c) => !pluginOptions.kdcFaults?.[c.name] && hub.managers.some((m) => m.name === c.name && m.kdcs.length > 0));
    await Promise.all(served.map((c) => limit(async () => {
      const kdc = new RealmKdc(c.realm, join(stateDir, KDC_FILES.dir(c.name)), c.kdcIps.map((ip) => `${ip}:${KDC_PORT}`), `${c.kdcIps[0]}:${KADMIN_PORT}`);
      kdcs.set(c.name, kdc);
      await kdc.create();
      const password = `Tst-${randomBytes(9).toString('base64url')}@1`;
      writeFileSync(join(stateDir, KDC_FILES.testerPassword(c.name)), `${password}\n`, { mode: 0o600 });
      await kdc.kadmin(`addprinc -pw ${password} ${testerOf(c.realm)}`);
      await kdc.kadmin(`addprinc -randkey ${serviceOf(c.name)}@${c.realm}`);
      // The Kerberos administrator MRS documents (kadmin/admin), with a password of its own.
      const adminPassword = `Adm-${randomBytes(9).toString('base64url')}@1`;
      writeFileSync(join(stateDir, KDC_FILES.adminPassword(c.name)), `${adminPassword}\n`, { mode: 0o600 });
      await kdc.kadmin(`cpw -pw ${adminPassword} kadmin/admin@${c.realm}`);
      if (trust(c.name).refuseKeyChange) await kdc.kadmin(`addpol -minlength 128 ${REFUSE_POLICY}`);
      const peers = hub.managers.find((m) => m.name === c.name)?.peers() ?? [];
      await syncTrust(kdc, peers.map((p) => p.realm_name), trust(c.name));
      await kdc.start();
      clusters[c.name] = {
        verify: { principal: testerOf(c.realm), password: { file: KDC_FILES.testerPassword(c.name) }, service: serviceOf(c.name) },
        // kadmin runs on the first client host, whose client krb5.conf names admin_server = <first KDC>:21730.
        ...(c.clientIps[0] ? { kerberos: { admin: { principal: `kadmin/admin@${c.realm}`, password: { file: KDC_FILES.adminPassword(c.name) }, host: c.clientIps[0] } } } : {}),
      };
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
    const next = (chains.get(cluster) ?? Promise.resolve()).then(() => syncTrust(kdc, peers.map((p) => p.realm_name), trust(cluster))).catch((error: Error) => {
      errors.push(`${cluster}: ${error.message}`);
    });
    chains.set(cluster, next);
    return next;
  });
  // MRS 3.x console Stop/Start of all clusters: KrbServer stops with them, so does the real KDC.
  hub.onClustersRunning(async (cluster, running) => {
    const kdc = kdcs.get(cluster);
    if (!kdc) return;
    await (chains.get(cluster) ?? Promise.resolve());
    if (running && kdc.pid === undefined) await kdc.start();
    if (!running && kdc.pid !== undefined) await kdc.stop();
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
