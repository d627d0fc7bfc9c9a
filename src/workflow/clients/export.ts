import type { ClientEntry } from '../../config/schema.js';
import { UsageError } from '../../errors/index.js';
import type { EventSink } from '../../ports/events.js';
import { markerText } from './host-steps.js';
import { plannedJobs } from './index.js';
import { realmPattern } from './scripts.js';
import { prepareTarball } from './tarballs.js';
import { DEFAULTS, type ClientRefreshDeps, type ClientRefreshRequest, type PreparedTarball } from './types.js';

/** One host of the exported inventory: where to log in (keys by path, never a secret) and what it gets. */
export interface ExportHost {
  name: string;
  vars: Record<string, unknown>;
}

/** What `clients export --format ansible` writes: the inventory, the tarballs to copy, and notes. */
export interface AnsibleExport {
  hosts: ExportHost[];
  /** Local tarball → file name under `files/` next to the playbook. */
  files: { from: string; name: string; sha256: string }[];
  /** Things the inventory cannot carry (pinned host keys, passwords): said on stderr and in the inventory. */
  notes: string[];
  /** Removes downloaded tarballs (after they were copied next to the playbook). */
  cleanup(): Promise<void>;
}

const SAFE_NAME = /[^A-Za-z0-9_.-]/g;

function sshArgs(entry: ClientEntry, field: string, notes: string[]): string {
  const args = ['-o StrictHostKeyChecking=yes'];
  if (entry.knownHosts) args.push(`-o UserKnownHostsFile=${entry.knownHosts}`);
  // NOTE: OpenSSH has no option that pins a key by fingerprint; the host must be in known_hosts.
  else if (entry.hostKey) notes.push(`${field}: hostKey ${entry.hostKey} is pinned in clusters.yaml; ssh (and Ansible) need that key in known_hosts: check it with ssh-keygen -lf`);
  return args.join(' ');
}

function hostVars(entry: ClientEntry, field: string, notes: string[]): Record<string, unknown> {
  if (entry.password) notes.push(`${field}: password login: run ansible-playbook with --ask-pass (the password is not exported)`);
  if (entry.keyPassphrase) notes.push(`${field}: the key has a passphrase: load it into ssh-agent before ansible-playbook (the passphrase is not exported)`);
  return {
    ansible_host: entry.host,
    ansible_port: entry.port,
    ansible_user: entry.user,
    ...(entry.key ? { ansible_ssh_private_key_file: entry.key } : {}),
    ansible_ssh_common_args: sshArgs(entry, field, notes),
    mrs_client_dir: entry.clientDir,
    mrs_upload_dir: entry.uploadDir,
  };
}

/**
 * `clients export A [B] --format ansible` (issue #18): the same tarball sources, local package
 * check and routing as `clients refresh`, turned into inventory data for a playbook that does
 * the same per-host procedure (templates/ansible/). Connects to no client host.
 */
export async function buildAnsibleExport(deps: ClientRefreshDeps, request: ClientRefreshRequest, sink: EventSink): Promise<AnsibleExport> {
  const { jobs } = plannedJobs(request);
  if (jobs.length === 0) throw new UsageError('NO_CLIENT_HOSTS', `no client hosts to export (no clients: entries for ${request.clusters.map((c) => c.config.name).join(', ')})`, { hint: 'add clients: to clusters.yaml' });
  const needed = new Set(jobs.flatMap((j) => j.sources));
  const tempDir = await deps.files.makeTempDir('mrs-trust-client-export-');
  const tarballs = new Map<string, PreparedTarball>();
  for (const c of request.clusters.filter((x) => needed.has(x.config.name))) {
    const peers = request.clusters.filter((x) => x !== c).map((x) => x.realm).filter((r): r is string => Boolean(r));
    tarballs.set(c.config.name, await prepareTarball(deps, c, request.tarballs?.[c.config.name], { realms: peers, named: request.peerRealm !== 'absent' }, tempDir, sink, { ...(request.managerDownload ? { managerDownload: true } : {}) }));
  }
  const realmOf = (name: string) => request.clusters.find((c) => c.config.name === name)?.realm ?? tarballs.get(name)?.realm;
  const fileOf = (t: PreparedTarball) => `${t.cluster}-${t.sha256.slice(0, 12)}-${t.fileName}`.replace(SAFE_NAME, '_');
  const notes: string[] = [];
  const hosts = jobs.map((job): ExportHost => {
    const peers = request.clusters.map((c) => c.config.name).filter((n) => n !== job.cluster).map(realmOf).filter((r): r is string => Boolean(r));
    const absent = request.peerRealm === 'absent';
    return {
      name: `${job.cluster}_${job.host.host}_${job.host.port}`.replace(SAFE_NAME, '_'),
      vars: {
        ...hostVars(job.host, job.field, notes),
        mrs_cluster: job.cluster,
        mrs_sources: job.sources.map((s) => {
          const t = tarballs.get(s) as PreparedTarball;
          return { cluster: s, file: fileOf(t), sha256: t.sha256, extract: request.clusters.find((c) => c.config.name === s)?.profile === '3.x' };
        }),
        mrs_marker_text: markerText({ job, tarballs }),
        mrs_expect_realms: absent ? [] : peers,
        mrs_absent_realms: absent ? peers : [],
        // The same grep -E patterns as the apply script of `clients refresh` (scripts.ts).
        mrs_expect_patterns: (absent ? [] : peers).map(realmPattern),
        mrs_absent_patterns: (absent ? peers : []).map(realmPattern),
        mrs_host_timeout: Math.ceil((request.hostTimeoutMs ?? DEFAULTS.hostTimeoutMs) / 1000),
        ...(request.force ? { mrs_force: true } : {}),
      },
    };
  });
  const files = [...tarballs.values()].map((t) => ({ from: t.path, name: fileOf(t), sha256: t.sha256 }));
  return { hosts, files, notes: [...new Set(notes)], cleanup: () => deps.files.remove(tempDir) };
}
