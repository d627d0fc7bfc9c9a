import { posix } from 'node:path';
import { RemoteError } from '../../errors/index.js';
import type { ProfileName } from '../../domain/version.js';
import type { ClientEntry } from '../../config/schema.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { namedRealms, parseKrb5Realms } from './krb5.js';
import type { HostJob } from './routing.js';
import {
  MARKER_SEPARATOR,
  REFRESH_SUCCESS_LINE,
  clientKrb5Path,
  extractCommand,
  readStateCommand,
  shQuote,
  refreshCommand,
  uploadDirCommand,
  writeMarkerCommand,
} from './shell.js';
import type { PreparedTarball } from './types.js';

/** Everything one host's steps read and write. */
export interface HostRun {
  job: HostJob<ClientEntry>;
  host: RemoteHost;
  tarballs: ReadonlyMap<string, PreparedTarball>;
  profiles: ReadonlyMap<string, ProfileName>;
  /** Realms the client krb5.conf must name afterwards (the peers, when known, after link). */
  expectRealms: string[];
  /** Realms it must no longer name (the peers, after unlink). */
  absentRealms: string[];
  force: boolean;
  signal: AbortSignal;
  /** Remote paths to delete at the end (uploads, extraction directories). */
  cleanup: string[];
  uploads: Map<string, string>;
  configArgs: Map<string, string>;
  realms?: string[];
}

export type StepOutcome = void | { skip: string };

/**
 * One step of the per-host procedure. `prepare` steps may be retried from `connect` after a
 * transport error; `apply` steps start refreshConfig.sh and are never retried.
 */
export interface HostStep {
  id: string;
  title: string;
  phase: 'prepare' | 'apply';
  run(r: HostRun): Promise<StepOutcome>;
}

const fail = (code: string, message: string, hint?: string) => new RemoteError(code, message, hint ? { hint } : {});

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const line = lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function run(r: HostRun, command: string, timeoutMs?: number) {
  return r.host.exec(command, timeoutMs === undefined ? { signal: r.signal } : { signal: r.signal, timeoutMs });
}

/** A host is current when its marker lists every source's hash and krb5.conf names the peers. */
function isCurrent(r: HostRun, output: string): boolean {
  const [marker = '', krb5 = ''] = output.split(MARKER_SEPARATOR);
  const recorded = new Map(marker.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 2 && !p[0]?.startsWith('#')).map((p) => [p[0], p[1]]));
  const allRecorded = r.job.sources.every((s) => recorded.get(s) === r.tarballs.get(s)?.sha256);
  const realms = namedRealms(parseKrb5Realms(krb5));
  return allRecorded && r.expectRealms.every((realm) => realms.includes(realm)) && !r.absentRealms.some((realm) => realms.includes(realm));
}

function uploadPath(r: HostRun, t: PreparedTarball): string {
  return posix.join(r.job.host.uploadDir, `mrs-trust-${t.cluster}-${t.sha256.slice(0, 12)}-${t.fileName}`);
}

const tarball = (r: HostRun, source: string): PreparedTarball => {
  const t = r.tarballs.get(source);
  if (!t) throw new RemoteError('INTERNAL', `no tarball prepared for ${source}`);
  return t;
};

const connect: HostStep = { id: 'connect', title: 'connect (host key verified)', phase: 'prepare', run: (r) => r.host.connect() };

const checkCurrent: HostStep = {
  id: 'check-current',
  title: 'compare with the last refresh',
  phase: 'prepare',
  async run(r) {
    if (r.force) return;
    const result = await run(r, readStateCommand(r.job.host.clientDir));
    if (isCurrent(r, result.stdout)) return { skip: 'already current' };
  },
};

const checkUploadDir: HostStep = {
  id: 'check-upload-dir',
  title: 'check the upload directory',
  phase: 'prepare',
  async run(r) {
    const dir = r.job.host.uploadDir;
    if (!dir.startsWith('/') || dir.length > 256) throw fail('UPLOAD_DIR_INVALID', `upload directory ${dir} must be absolute and at most 256 characters`, 'set uploadDir of this client');
    const out = (await run(r, uploadDirCommand(dir))).stdout.trim();
    if (out === 'MISSING') throw fail('UPLOAD_DIR_MISSING', `upload directory ${dir} does not exist`, 'create it or set uploadDir of this client');
    if (out === 'NOT_DIR') throw fail('UPLOAD_DIR_MISSING', `upload directory ${dir} is not a directory`, 'set uploadDir of this client');
    if (out === 'NOT_WRITABLE') throw fail('UPLOAD_DIR_NOT_WRITABLE', `upload directory ${dir} is not writable by ${r.job.host.user}`, 'fix its permissions or set uploadDir of this client');
    const free = /^OK (\d+)$/.exec(out);
    if (!free) throw fail('UPLOAD_DIR_CHECK_FAILED', `cannot read the free space of ${dir} (df printed "${lastLine(out)}")`);
    // 3.x extracts next to the upload (twice the tarball); plus 1 MiB of slack.
    const need = r.job.sources.reduce((sum, s) => sum + tarball(r, s).bytes * (r.profiles.get(s) === '3.x' ? 3 : 1), 0) + 1024 * 1024;
    const freeBytes = Number(free[1]) * 1024;
    if (freeBytes < need) throw fail('UPLOAD_DIR_FULL', `upload directory ${dir} has ${mb(freeBytes)} free, needs ${mb(need)}`, 'free space or set uploadDir of this client');
  },
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function uploadStep(source: string): HostStep {
  return {
    id: 'upload',
    title: `upload ${source} configuration`,
    phase: 'prepare',
    async run(r) {
      const t = tarball(r, source);
      const remote = uploadPath(r, t);
      r.cleanup.push(remote);
      let result;
      try {
        result = await r.host.uploadFile(t.path, remote, { signal: r.signal, sha256: t.sha256 });
      } catch (error) {
        if (error instanceof RemoteError && /permission denied|EACCES/i.test(error.message)) {
          throw fail('UPLOAD_DIR_NOT_WRITABLE', `cannot write ${remote}: ${error.message}`, 'fix the permissions of uploadDir of this client');
        }
        throw error;
      }
      // The adapter checks the SHA-256 on the host against the hash inspected before the run
      // (UPLOAD_MISMATCH, retried as a transport error), without hashing the file again per host.
      if (result.sha256 !== t.sha256) throw fail('CHECKSUM_MISMATCH', `${source} tarball changed on this machine while uploading (sha256 ${result.sha256.slice(0, 12)}…, expected ${t.sha256.slice(0, 12)}…)`);
      r.uploads.set(source, remote);
    },
  };
}

function extractStep(source: string): HostStep {
  return {
    id: 'extract',
    title: `extract ${source} configuration (MRS 3.x)`,
    phase: 'apply',
    async run(r) {
      const remote = r.uploads.get(source) as string;
      const workDir = `${remote.replace(/\.tar$/, '')}.d`;
      r.cleanup.push(workDir);
      const result = await run(r, extractCommand(remote, workDir));
      const dirs = result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
      if (result.exitCode !== 0 || dirs.length !== 1) {
        throw fail('EXTRACT_FAILED', `cannot find one *_ClientConfig_ConfigFiles directory in the ${source} tarball (${lastLine(result.stderr) || `${dirs.length} found`})`);
      }
      r.configArgs.set(source, dirs[0] as string);
    },
  };
}

function refreshStep(source: string): HostStep {
  return {
    id: 'run-refresh',
    title: `sh refreshConfig.sh (${source} configuration)`,
    phase: 'apply',
    async run(r) {
      const arg = r.configArgs.get(source) ?? (r.uploads.get(source) as string);
      const result = await run(r, refreshCommand(r.job.host.clientDir, arg));
      if (result.exitCode !== 0) {
        const why = lastLine(result.stderr) || lastLine(result.stdout) || (result.signal ? `signal ${result.signal}` : 'no output');
        throw fail('REFRESH_FAILED', `refreshConfig.sh exited ${result.exitCode ?? result.signal ?? '?'}: ${why}`, `run it by hand on the host: ${refreshCommand(r.job.host.clientDir, arg)}`);
      }
      if (!result.stdout.includes(REFRESH_SUCCESS_LINE)) {
        throw fail('REFRESH_UNCONFIRMED', `refreshConfig.sh exited 0 but did not print "${REFRESH_SUCCESS_LINE}" (last line: "${lastLine(result.stdout)}")`);
      }
    },
  };
}

const checkKrb5: HostStep = {
  id: 'check-krb5',
  title: 'check the client krb5.conf names the peer realm',
  phase: 'apply',
  async run(r) {
    const path = clientKrb5Path(r.job.host.clientDir);
    const result = await run(r, `cat ${shQuote(path)}`);
    r.realms = result.exitCode === 0 ? namedRealms(parseKrb5Realms(result.stdout)) : [];
    if (r.expectRealms.length === 0 && r.absentRealms.length === 0) return;
    if (result.exitCode !== 0) throw fail('KRB5_MISSING', `refresh reported success but ${path} cannot be read`);
    const missing = r.expectRealms.filter((realm) => !r.realms?.includes(realm));
    if (missing.length > 0) {
      throw fail('KRB5_PEER_MISSING', `${path} does not name ${missing.join(', ')} after the refresh`, 'download the client configuration again after the trust was saved (--tarball), then re-run');
    }
    const stale = r.absentRealms.filter((realm) => r.realms?.includes(realm));
    if (stale.length > 0) {
      throw fail('KRB5_PEER_STILL_NAMED', `${path} still names ${stale.join(', ')} after the refresh`, 'download the client configuration again after the trust was removed (--tarball), then re-run');
    }
  },
};

const recordCurrent: HostStep = {
  id: 'record-current',
  title: 'record the refreshed configuration',
  phase: 'apply',
  async run(r) {
    const lines = r.job.sources.map((s) => `${s} ${tarball(r, s).sha256}`);
    const result = await run(r, writeMarkerCommand(r.job.host.clientDir, lines));
    if (result.exitCode !== 0) throw fail('MARKER_WRITE_FAILED', `refreshed, but cannot record it in ${r.job.host.clientDir} (${lastLine(result.stderr)})`);
  },
};

/** The per-host procedure, in order. Reading this array tells what a refresh does on a host. */
export function hostSteps(sources: readonly string[], profiles: ReadonlyMap<string, ProfileName>): HostStep[] {
  return [
    connect,
    checkCurrent,
    checkUploadDir,
    ...sources.map(uploadStep),
    ...sources.flatMap((s) => (profiles.get(s) === '3.x' ? [extractStep(s), refreshStep(s)] : [refreshStep(s)])),
    checkKrb5,
    recordCurrent,
  ];
}
