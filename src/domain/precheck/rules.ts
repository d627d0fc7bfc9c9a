import { compareDefaults, type DefaultPassword } from '../cross-realm-password.js';
import type { ClusterFacts } from '../facts.js';
import { distinctPeerCount, mergePeer, peerEntry } from '../peers.js';
import { checkRealm } from '../realm.js';
import { profileFor } from '../version.js';
import type { Check } from './check.js';

/**
 * The rules of a pair that need only the Managers' facts: Kerberos mode, realms, KDCs found,
 * health, version, peer limit, shared hosts, and the default cross-realm passwords. The link
 * preflight is built from these (domain/preflight.ts), so `precheck` and `link` agree.
 */

const rule = (id: string, title: string, cluster?: string) => ({ id, group: 'rules' as const, title, ...(cluster ? { cluster } : {}) });
const pass = (base: ReturnType<typeof rule>, expected: string, found: string[]): Check => ({ ...base, status: 'pass', expected, found, fix: [] });
const fail = (base: ReturnType<typeof rule>, code: string, expected: string, found: string[], fix: string[]): Check => ({ ...base, status: 'fail', code, expected, found, fix });

function kerberosMode(self: ClusterFacts): Check {
  const base = rule('kerberos-mode', 'Kerberos authentication enabled', self.name);
  const expected = 'a security cluster (Kerberos authentication on)';
  if (self.kerberos) return pass(base, expected, ['Kerberos authentication is on']);
  return fail(base, 'KERBEROS_OFF', expected, [`${self.name}: Kerberos authentication is not enabled (not a security cluster)`], [
    `MRS cannot turn Kerberos on for an existing cluster: create ${self.name} again with "Kerberos Authentication" enabled (MRS console > Buy Cluster > Advanced Settings)`,
  ]);
}

function mrsVersion(self: ClusterFacts): Check {
  const base = rule('mrs-version', 'MRS version supported', self.name);
  const expected = 'MRS 1.9.2 to 3.x (3.x through the assisted console procedure)';
  const profile = profileFor(self.mrsVersion);
  if (!profile) return { ...base, status: 'unknown', expected, found: [`version "${self.mrsVersion}" is not readable`], fix: [`set clusters.${self.name}.mrsVersion in clusters.yaml to the version the MRS console shows`] };
  if (!profile.supported) {
    return fail(base, 'MRS_VERSION_UNSUPPORTED', expected, [`${self.name}: MRS ${self.mrsVersion} (${profile.name}) is not supported yet; trust on 3.x is set under System > Permission > Domain and Mutual Trust`], [
      'on MRS 3.x set the trust by hand: Manager > System > Permission > Domain and Mutual Trust (stop the clusters first)',
    ]);
  }
  const how = profile.name === '3.x' ? '; link prints the console checklist and runs restart-RealmConfig.sh (docs/mrs3.md)' : '';
  return pass(base, expected, [`MRS ${self.mrsVersion} (profile ${profile.name})${how}`]);
}

function realm(self: ClusterFacts): Check {
  const base = rule('realm', 'Realm name valid', self.name);
  const expected = 'upper-case letters, digits, "." and "_", starting with a letter or digit';
  const r = checkRealm(self.realm);
  if (r.ok) return pass(base, expected, [self.realm]);
  return fail(base, 'REALM_INVALID', expected, [`${self.name}: ${r.reason}`], [`the realm is set when ${self.name} is created; a cluster with an invalid realm cannot be linked`]);
}

function kdcsFound(self: ClusterFacts): Check {
  const base = rule('kdcs-found', 'KerberosServer instances found', self.name);
  const expected = 'the KerberosServer instances and their kdc_ports';
  if (self.kdcs.length > 0) return pass(base, expected, [self.kdcs.map((k) => `${k.ip}:${k.port}`).join(', ')]);
  return fail(base, 'NO_KDC', expected, [`${self.name}: no KerberosServer instance found`], [`check Services > KrbServer > Instance on the ${self.name} Manager`, `or read realm and KDCs from a node: clusters.${self.name}.manager.discovery: krb5conf`]);
}

function health(self: ClusterFacts): Check {
  const base = rule('health', 'All services healthy', self.name);
  const expected = 'every service Good';
  const unhealthy = self.services.filter((s) => s.health !== 'GOOD');
  if (unhealthy.length === 0) return pass(base, expected, [`${self.services.length} services Good`]);
  const list = unhealthy.map((s) => `${s.name} (${s.health})`).join(', ');
  return fail(base, 'SERVICE_UNHEALTHY', expected, [`${self.name}: services not healthy: ${list}`], [
    ...unhealthy.map((s) => `${self.name} Manager > Services > ${s.name}: clear its alarms, then More > Restart Service until its health is Good`),
    `then run \`mrs-trust status ${self.name}\` to see every service Good`,
  ]);
}

function peerLimit(self: ClusterFacts, peer: ClusterFacts): Check {
  const base = rule('peer-limit', 'Peer realms within the limit', self.name);
  const expected = `at most ${self.peerLimit} peer realms after adding ${peer.realm || peer.name}`;
  if (!peer.realm || peer.kdcs.length === 0) return { ...base, status: 'unknown', expected, found: [`${peer.name}'s realm or KDCs are unknown`], fix: [] };
  const count = distinctPeerCount(mergePeer(self.peers, peerEntry(peer.realm, peer.kdcs)).peers);
  if (count <= self.peerLimit) return pass(base, expected, [`${count} peer realm(s) after the change`]);
  return fail(base, 'PEER_LIMIT', expected, [`${self.name}: ${count} peer realms after adding ${peer.realm}; the limit is ${self.peerLimit}`], [
    `remove a peer ${self.name} no longer trusts: \`mrs-trust unlink ${self.name} <other>\``,
  ]);
}

function sharedHosts(a: ClusterFacts, b: ClusterFacts): Check[] {
  const namesB = new Set(b.hosts.map((h) => h.name.toLowerCase()));
  const ipsB = new Set([...b.hosts.map((h) => h.ip), ...b.kdcs.map((k) => k.ip)]);
  const names = [...new Set(a.hosts.map((h) => h.name.toLowerCase()).filter((n) => namesB.has(n)))];
  const ips = [...new Set([...a.hosts.map((h) => h.ip), ...a.kdcs.map((k) => k.ip)].filter((ip) => ipsB.has(ip)))];
  const fix = ['two clusters in a trust must not share host names or IP addresses: rename or re-address the nodes of one cluster (MRS creates them; usually a new cluster in another subnet)'];
  const nameBase = rule('shared-hostnames', 'No shared host names');
  const ipBase = rule('shared-ips', 'No shared IP addresses');
  return [
    names.length === 0 ? pass(nameBase, 'no host name on both clusters', [`${a.hosts.length} + ${b.hosts.length} hosts, none shared`]) : fail(nameBase, 'SHARED_HOSTNAMES', 'no host name on both clusters', [`${a.name} and ${b.name} share host names: ${names.join(', ')}`], fix),
    ips.length === 0 ? pass(ipBase, 'no IP address on both clusters', ['none shared']) : fail(ipBase, 'SHARED_IPS', 'no IP address on both clusters', [`${a.name} and ${b.name} share IP addresses: ${ips.join(', ')}`], fix),
  ];
}

function realmsDistinct(a: ClusterFacts, b: ClusterFacts): Check {
  const base = rule('realms-distinct', 'Realms differ');
  const expected = 'two different realms';
  if (!a.realm || a.realm !== b.realm) return pass(base, expected, [`${a.name}: ${a.realm}, ${b.name}: ${b.realm}`]);
  return fail(base, 'SAME_REALM', expected, [`${a.name} and ${b.name} both use realm ${a.realm}; cross-realm trust needs different realms`], [
    'the realm is set when a cluster is created: one of the two clusters needs a different realm (a new cluster)',
  ]);
}

const describeDefault = (name: string, version: string, d: DefaultPassword) =>
  d.certain ? `${name} (MRS ${version}): ${d.password} (${d.why})` : `${name} (MRS ${version}): ${d.candidates.join(' or ')} — ${d.why}`;

/** Both sides create the cross-realm principals with their version's default password; they must match. */
function crossRealmPassword(a: ClusterFacts, b: ClusterFacts): Check {
  const base = rule('cross-realm-password', 'Same default cross-realm password');
  const expected = `krbtgt/${b.realm}@${a.realm} and krbtgt/${a.realm}@${b.realm} get the same password on both clusters`;
  const cmp = compareDefaults(a.mrsVersion, b.mrsVersion);
  const found = [describeDefault(a.name, a.mrsVersion, cmp.a), describeDefault(b.name, b.mrsVersion, cmp.b), 'whether a default is still in use cannot be read from outside the KDC'];
  const cpw = (realm: string) => [
    `on a master node of the cluster in ${realm} (as omm, after \`source /opt/client/bigdata_env\`): kadmin -p kadmin/admin -q "cpw -pw <password of the other side> krbtgt/${a.realm}@${b.realm}"`,
    `and: kadmin -p kadmin/admin -q "cpw -pw <password of the other side> krbtgt/${b.realm}@${a.realm}"`,
  ];
  if (cmp.verdict === 'same') return pass(base, expected, found);
  const older = cmp.a.certain && cmp.a.password === 'Admin@123' ? a : b;
  const fix = [
    `after \`mrs-trust link ${a.name} ${b.name}\` created the principals, give both clusters the same password (and the same key version):`,
    ...cpw(older.realm),
    `then prove it: \`mrs-trust link ${a.name} ${b.name}\` again (verify-ticket gets a cross-realm ticket both ways)`,
  ];
  if (cmp.verdict === 'check') return { ...base, status: 'warn', expected, found, fix: [`check the default on the cluster(s) marked "or" (MRS console or support), then if they differ:`, ...fix.slice(1)] };
  return fail(base, 'CROSS_REALM_PASSWORD_MISMATCH', expected, [...found.slice(0, 2), `the versions use different defaults (${a.name}: ${cmp.a.certain ? cmp.a.password : '?'}, ${b.name}: ${cmp.b.certain ? cmp.b.password : '?'}): cross-realm tickets fail with "Decrypt integrity check failed"`, found[2] as string], fix);
}

function side(self: ClusterFacts, peer: ClusterFacts): Check[] {
  return [kerberosMode(self), mrsVersion(self), realm(self), kdcsFound(self), health(self), peerLimit(self, peer)];
}

/** Every rule check of the pair: side A, side B, then the pair checks. */
export function ruleChecks(a: ClusterFacts, b: ClusterFacts): Check[] {
  return [...side(a, b), ...side(b, a), realmsDistinct(a, b), ...sharedHosts(a, b), crossRealmPassword(a, b)];
}
