/**
 * MRS version profiles. 2.x (and 1.x from 1.9.2, same procedure) allows 16 peer clusters; 3.x
 * documents 500 (one note on the same page still says 16 — docs/assumptions.md).
 */
export type ProfileName = '2.x' | '3.x';

export interface VersionProfile {
  name: ProfileName;
  peerLimit: number;
  /** Whether this tool can write trust on it today. 3.x needs SSH steps as omm (later issue). */
  supported: boolean;
}

export const PROFILES: Record<ProfileName, VersionProfile> = {
  '2.x': { name: '2.x', peerLimit: 16, supported: true },
  '3.x': { name: '3.x', peerLimit: 500, supported: false },
};

/** `MRS 2.1.0`, `2.1.0`, `3.1.5-LTS.1` … → major version, or undefined if unreadable. */
export function majorOf(version: string): number | undefined {
  const match = /(\d+)\.\d+/.exec(version);
  return match ? Number(match[1]) : undefined;
}

export function profileFor(version: string): VersionProfile | undefined {
  const major = majorOf(version);
  if (major === undefined) return undefined;
  if (major <= 2 && major >= 1) return PROFILES['2.x'];
  if (major >= 3) return PROFILES['3.x'];
  return undefined;
}

export function peerLimitFor(version: string, override?: number): number {
  return override ?? profileFor(version)?.peerLimit ?? PROFILES['2.x'].peerLimit;
}
