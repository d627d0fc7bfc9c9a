import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterFragment } from './plugins.js';

/** Files of the state directory (docs/sandbox.md "State directory"). */
export const FILES = {
  config: 'clusters.yaml',
  state: 'state.json',
  pid: 'sandbox.pid',
  log: 'sandbox.log',
  secrets: 'secrets',
  certs: 'certs',
} as const;

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/** Atomic write (temp file + rename), so readers never see half a file. */
export function writeAtomic(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}

export interface ConfigCluster {
  name: string;
  type: 'analysis' | 'streaming' | 'hybrid';
  managerUrl: string;
  /** Empty on MRS 3.x (no CAS). */
  casUrl: string;
  /** Written as `mrsVersion` (a 3.x value selects the tool's 3.x profile). */
  mrsVersion?: string;
  user: string;
  passwordFile: string;
  fingerprint: string;
  fragment: ClusterFragment;
}

/**
 * clusters.yaml in the format of src/config/schema.ts: passwords as `{file}` references
 * (relative to the state dir), the certificate pinned, never `insecure`. `peerRealmsEncoding:
 * confirmed`: the simulated Manager parses `peer_realms` with the very encoding the tool writes,
 * so the first write onto an empty value is safe here (docs/assumptions.md, "no blind first write").
 */
export function writeClustersYaml(stateDir: string, clusters: ConfigCluster[]): string {
  const doc = {
    version: 1,
    clusters: Object.fromEntries(
      clusters.map((c) => [
        c.name,
        {
          type: c.type,
          // MRS 3.x: Basic auth on the Manager URL only; no CAS, no peer_realms encoding, no 2.x download call.
          manager: c.casUrl
            ? { url: c.managerUrl, cas: c.casUrl, user: c.user, password: { file: c.passwordFile }, tls: { fingerprint: c.fingerprint }, peerRealmsEncoding: 'confirmed', clientDownload: 'assumed-api' }
            : { url: c.managerUrl, user: c.user, password: { file: c.passwordFile }, tls: { fingerprint: c.fingerprint } },
          ...(c.mrsVersion ? { mrsVersion: c.mrsVersion } : {}),
          ...(c.fragment.cloud ? { cloud: c.fragment.cloud } : {}),
          ...(c.fragment.nodes ? { nodes: c.fragment.nodes } : {}),
          ...(c.fragment.clients ? { clients: c.fragment.clients } : {}),
          ...(c.fragment.verify ? { verify: c.fragment.verify } : {}),
          ...(c.fragment.kerberos ? { kerberos: c.fragment.kerberos } : {}),
        },
      ]),
    ),
  };
  const path = join(stateDir, FILES.config);
  writeAtomic(path, `# Written by mrs-trust sandbox; see docs/sandbox.md. Regenerated on every \`sandbox up\`.\n${stringify(doc)}`, 0o600);
  return path;
}
