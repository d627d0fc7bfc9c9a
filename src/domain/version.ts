/**
 * MRS version profiles. 2.x (and 1.x from 1.9.2, same procedure) allows 16 peer clusters. 3.x:
 * "Configuring Cross-Manager Mutual Trust Between Clusters" says "A maximum of 500 mutually
 * trusted clusters" at the top, and "A maximum of 16 systems can be mutually trusted" in the note
 * under the Peer Mutual Trust Domain table — the form the rows are typed into. The tool takes 16:
 * the smaller number is the one that can never make the console refuse a row the plan counted on;
 * `peerLimit` in clusters.yaml overrides it for a Manager known to take more (docs/assumptions.md).
 */
export type ProfileName = '2.x' | '3.x';

export interface VersionProfile {
  name: ProfileName;
  peerLimit: number;
  /** Whether `link` can set trust on it (3.x: the assisted procedure, docs/mrs3.md). */
  supported: boolean;
}

export const PROFILES: Record<ProfileName, VersionProfile> = {
  '2.x': { name: '2.x', peerLimit: 16, supported: true },
  '3.x': { name: '3.x', peerLimit: 16, supported: true },
};

/** `MRS 2.1.0`, `2.1.0`, `3.1.5-LTS.1`, `2.x` … → major version, or undefined if unreadable. */
export function majorOf(version: string): number | undefined {
  const match = /(\d+)\.(?:\d+|x\b)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

export function profileFor(version: string): VersionProfile | undefined {
  const major = majorOf(version);
  if (major === undefined) return undefined;
  if (major <= 2 && major >= 1) return PROFILES['2.x'];
  if (major >= 3) return PROFILES['3.x'];
  return undefined;
}

/**
 * clusters.yaml `mrsVersion` says 3.x: the Manager is FusionInsight Manager 8.x (Basic auth on
 * /web/api/v2, no CAS) and realm, KDCs and peers come from a node's krb5.conf. The profile is
 * chosen by the configured version only: nothing is sent to a Manager to guess it.
 */
export function isMrs3(mrsVersion: string | undefined): boolean {
  return profileFor(mrsVersion ?? '')?.name === '3.x';
}

export function peerLimitFor(version: string, override?: number): number {
  return override ?? profileFor(version)?.peerLimit ?? PROFILES['2.x'].peerLimit;
}

/** Where the MRS version the tool works with came from (clusters.yaml always wins). */
export type VersionSource = 'clusters.yaml' | 'manager' | 'cloud' | 'assumed';

export interface ResolvedVersion {
  /** `2.1.0` (no `MRS ` prefix). */
  version: string;
  source: VersionSource;
}

/**
 * The Manager's `version` is trusted only in the form `MRS x.y[.z]`: a 2.x Manager may report
 * an internal build string (`6.5.1`, `V100R002C80…`) that says nothing about the MRS release.
 */
export function mrsVersionOfManager(reported: string): string | undefined {
  return /^\s*MRS\s+(\d+\.\d+(?:\.\d+)?)(?![\d.])/i.exec(reported)?.[1];
}

/** The cloud API's `clusterVersion` (`MRS 2.1.0`, or bare `2.1.0`). */
export function mrsVersionOfCloud(clusterVersion: string): string | undefined {
  return /^\s*(?:MRS\s*)?(\d+\.\d+(?:\.\d+)?)(?![\d.])/i.exec(clusterVersion)?.[1];
}

/**
 * clusters.yaml `mrsVersion`, else the Manager's `MRS x.y.z`, else the cloud `clusterVersion`,
 * else undefined (the caller decides; a Manager that answered the 2.x login and API is 2.x).
 */
export function resolveVersion(sources: { configured?: string; manager?: string; cloud?: string }): ResolvedVersion | undefined {
  if (sources.configured) return { version: sources.configured, source: 'clusters.yaml' };
  const fromManager = sources.manager === undefined ? undefined : mrsVersionOfManager(sources.manager);
  if (fromManager) return { version: fromManager, source: 'manager' };
  const fromCloud = sources.cloud === undefined ? undefined : mrsVersionOfCloud(sources.cloud);
  if (fromCloud) return { version: fromCloud, source: 'cloud' };
  return undefined;
}
