import { checkRealm } from './realm.js';
import { distinctPeerCount, mergePeer, peerEntry } from './peers.js';
import { profileFor } from './version.js';
import type { ClusterFacts } from './facts.js';
import type { SidePlan } from './plan.js';

/** One reason not to write. `code` is stable (tests and `--json` use it). */
export interface Problem {
  code: string;
  cluster?: string;
  message: string;
}

function sideProblems(self: ClusterFacts, peer: ClusterFacts): Problem[] {
  const problems: Problem[] = [];
  const at = { cluster: self.name };
  const profile = profileFor(self.mrsVersion);
  if (profile && !profile.supported) {
    problems.push({ code: 'MRS_VERSION_UNSUPPORTED', ...at, message: `${self.name}: MRS ${self.mrsVersion} (${profile.name}) is not supported yet; trust on 3.x is set under System > Permission > Domain and Mutual Trust` });
  }
  if (!self.kerberos) problems.push({ code: 'KERBEROS_OFF', ...at, message: `${self.name}: Kerberos authentication is not enabled (not a security cluster)` });
  const realm = checkRealm(self.realm);
  if (!realm.ok) problems.push({ code: 'REALM_INVALID', ...at, message: `${self.name}: ${realm.reason}` });
  if (self.kdcs.length === 0) problems.push({ code: 'NO_KDC', ...at, message: `${self.name}: no KerberosServer instance found` });
  const unhealthy = self.services.filter((s) => s.health !== 'GOOD');
  if (unhealthy.length > 0) {
    const list = unhealthy.map((s) => `${s.name} (${s.health})`).join(', ');
    problems.push({ code: 'SERVICE_UNHEALTHY', ...at, message: `${self.name}: services not healthy: ${list}` });
  }
  if (peer.realm && peer.kdcs.length > 0) {
    const after = mergePeer(self.peers, peerEntry(peer.realm, peer.kdcs)).peers;
    const count = distinctPeerCount(after);
    if (count > self.peerLimit) {
      problems.push({ code: 'PEER_LIMIT', ...at, message: `${self.name}: ${count} peer realms after adding ${peer.realm}; the limit is ${self.peerLimit}` });
    }
  }
  return problems;
}

function overlap(a: ClusterFacts, b: ClusterFacts): Problem[] {
  const problems: Problem[] = [];
  const namesB = new Set(b.hosts.map((h) => h.name.toLowerCase()));
  const ipsB = new Set([...b.hosts.map((h) => h.ip), ...b.kdcs.map((k) => k.ip)]);
  const sharedNames = [...new Set(a.hosts.map((h) => h.name.toLowerCase()).filter((n) => namesB.has(n)))];
  const sharedIps = [...new Set([...a.hosts.map((h) => h.ip), ...a.kdcs.map((k) => k.ip)].filter((ip) => ipsB.has(ip)))];
  if (sharedNames.length > 0) problems.push({ code: 'SHARED_HOSTNAMES', message: `${a.name} and ${b.name} share host names: ${sharedNames.join(', ')}` });
  if (sharedIps.length > 0) problems.push({ code: 'SHARED_IPS', message: `${a.name} and ${b.name} share IP addresses: ${sharedIps.join(', ')}` });
  return problems;
}

/**
 * The rules that stop `link` before any write. These never depend on the network pre-check, so
 * `--skip-precheck` cannot skip them.
 */
export function linkPreflight(a: ClusterFacts, b: ClusterFacts): Problem[] {
  const problems = [...sideProblems(a, b), ...sideProblems(b, a), ...overlap(a, b)];
  if (a.realm && a.realm === b.realm) {
    problems.push({ code: 'SAME_REALM', message: `${a.name} and ${b.name} both use realm ${a.realm}; cross-realm trust needs different realms` });
  }
  return problems;
}

/** `unlink` needs less: it only removes rows, so health, limits and overlap don't matter. */
export function unlinkPreflight(a: ClusterFacts, b: ClusterFacts): Problem[] {
  return [a, b].flatMap((self) => {
    const profile = profileFor(self.mrsVersion);
    return profile && !profile.supported
      ? [{ code: 'MRS_VERSION_UNSUPPORTED', cluster: self.name, message: `${self.name}: MRS ${self.mrsVersion} is not supported yet` }]
      : [];
  });
}

/**
 * No blind first write: the `peer_realms` encoding (docs/assumptions.md) is confirmed on a
 * cluster only by a non-empty value read from it and decoded, or by the user. Writing onto an
 * empty value with nothing confirmed is refused before any write.
 */
export function encodingProblems(sides: readonly SidePlan[], confirmed: (cluster: string) => boolean): Problem[] {
  return sides
    .filter((side) => side.change.kind === 'added' && side.peersBefore.length === 0 && !confirmed(side.cluster))
    .map((side) => ({
      code: 'PEER_ENCODING_UNCONFIRMED',
      cluster: side.cluster,
      message: `${side.cluster}: peer_realms is empty, so nothing read from this Manager confirms how it encodes peer rows; writing the first one blind could keep KrbServer from starting`,
    }));
}
