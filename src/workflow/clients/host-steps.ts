import { posix } from 'node:path';
import { RemoteError } from '../../errors/index.js';
import type { ProfileName } from '../../domain/version.js';
import type { ClientEntry } from '../../config/schema.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import { judgeApply, lastLine } from './apply-outcome.js';
import { namedRealms, parseKrb5Realms } from './krb5.js';
import type { HostJob } from './routing.js';
import { StepFailure } from './step-failure.js';
import { applyCommand, applyScript, fields, parseSections, readScript } from './scripts.js';
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
  /** Milliseconds left of the per-host limit (the host-side `timeout` of the apply script). */
  remainingMs(): number;
  /**
   * Work dirs made by this run's attempts that no script has used yet: removed by the next
   * attempt's read script, or at the end when the apply script never started. Emptied as soon
   * as the apply script starts (from then on only that script removes its dir).
   */
  cleanup: string[];
  /** The work dir of this attempt (made by `mktemp -d` in the read script). */
  work?: string;
  tools: Set<string>;
  uploads: Map<string, string>;
  realms?: string[];
}

export type StepOutcome = void | { skip: string };

/**
 * One step of the per-host procedure. `prepare` steps may be retried from `connect` after a
 * transport error; `apply` starts refreshConfig.sh and is never retried.
 */
export interface HostStep {
  id: string;
  title: string;
  phase: 'prepare' | 'apply';
  run(r: HostRun): Promise<StepOutcome>;
}


const fail = (code: string, message: string, hint?: string) => new RemoteError(code, message, hint ? { hint } : {});

const tarball = (r: HostRun, source: string): PreparedTarball => {
  const t = r.tarballs.get(source);
  if (!t) throw new RemoteError('INTERNAL', `no tarball prepared for ${source}`);
  return t;
};

/** The marker a refreshed host holds: one `<cluster> <sha256>` line per source. */
export function markerText(r: Pick<HostRun, 'job' | 'tarballs'>): string {
  return ['# written by mrs-trust after a successful client refresh', ...r.job.sources.map((s) => `${s} ${r.tarballs.get(s)?.sha256 ?? ''}`)].join('\n');
}

/** A host is current when its marker lists every source's hash and krb5.conf names the peers. */
function isCurrent(r: HostRun, marker: string, krb5: string): boolean {
  const recorded = new Map(marker.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 2 && !p[0]?.startsWith('#')).map((p) => [p[0], p[1]]));
  const allRecorded = r.job.sources.every((s) => recorded.get(s) === r.tarballs.get(s)?.sha256);
  const realms = namedRealms(parseKrb5Realms(krb5));
  return allRecorded && r.expectRealms.every((realm) => realms.includes(realm)) && !r.absentRealms.some((realm) => realms.includes(realm));
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const connect: HostStep = { id: 'connect', title: 'connect (host key verified)', phase: 'prepare', run: (r) => r.host.connect() };

async function readHost(r: HostRun, force: boolean) {
  const result = await r.host.exec(readScript({ clientDir: r.job.host.clientDir, uploadDir: r.job.host.uploadDir, expectedMarker: markerText(r), force, staleDirs: r.cleanup }), { signal: r.signal });
  const s = parseSections(result.stdout);
  if (!s.has('end')) throw new StepFailure('check-upload-dir', 'prepare', fail('HOST_READ_FAILED', `the read script ended early (exit ${result.exitCode ?? result.signal ?? '?'}): ${lastLine(result.stderr) || lastLine(result.stdout) || 'no output'}`, 'the host needs a POSIX sh with coreutils'));
  const swept = new Set((s.get('swept') ?? '').split('\n').filter(Boolean));
  const keep = r.cleanup.filter((d) => !swept.has(d));
  r.cleanup.splice(0, r.cleanup.length, ...keep);
  return s;
}

/**
 * Session 1: is the host current, is the upload dir usable, which tools are there; and the
 * mktemp work dir for the upload. Failures are reported as `check-upload-dir`.
 */
/** Throws the upload dir's problem as `check-upload-dir`, or returns the new work dir. */
function uploadDirProblem(r: HostRun, s: Map<string, string>, f: Map<string, string>): string {
  const dir = r.job.host.uploadDir;
  const problem = (code: string, message: string, hint: string) => new StepFailure('check-upload-dir', 'prepare', fail(code, message, hint));
  const state = f.get('state');
  if (state === 'MISSING') throw problem('UPLOAD_DIR_MISSING', `upload directory ${dir} does not exist`, 'create it or set uploadDir of this client');
  if (state === 'NOT_DIR') throw problem('UPLOAD_DIR_MISSING', `upload directory ${dir} is not a directory`, 'set uploadDir of this client');
  if (state === 'NOT_WRITABLE') throw problem('UPLOAD_DIR_NOT_WRITABLE', `upload directory ${dir} is not writable by ${r.job.host.user} (mktemp -d failed)`, 'fix its permissions or set uploadDir of this client');
  const work = f.get('work');
  if (state !== 'OK' || !work) throw problem('UPLOAD_DIR_CHECK_FAILED', `cannot check upload directory ${dir}: ${lastLine(s.get('upload-dir') ?? '') || 'no answer'}`, 'the host needs coreutils (df, mktemp)');
  return work;
}

function checkSpace(r: HostRun, f: Map<string, string>): void {
  const dir = r.job.host.uploadDir;
  const problem = (code: string, message: string, hint: string) => new StepFailure('check-upload-dir', 'prepare', fail(code, message, hint));
  const freeKiB = Number(f.get('free_kib'));
  if (!Number.isFinite(freeKiB)) throw problem('UPLOAD_DIR_CHECK_FAILED', `cannot read the free space of ${dir} (df printed "${f.get('free_kib') ?? ''}")`, 'the host needs POSIX df');
  // 3.x extracts next to the upload (twice the tarball); plus 1 MiB of slack.
  const need = r.job.sources.reduce((sum, src) => sum + tarball(r, src).bytes * (r.profiles.get(src) === '3.x' ? 3 : 1), 0) + 1024 * 1024;
  if (freeKiB * 1024 < need) throw problem('UPLOAD_DIR_FULL', `upload directory ${dir} has ${mb(freeKiB * 1024)} free, needs ${mb(need)}`, 'free space or set uploadDir of this client');
  if (!r.tools.has('openssl') && !r.tools.has('sha256sum')) throw problem('HOST_TOOL_MISSING', `${r.host.label} has neither openssl nor sha256sum to check the upload`, 'install coreutils on the host');
}

const readHostStep: HostStep = {
  id: 'read-host',
  title: 'read the host: marker, krb5.conf, upload dir, tools (one session)',
  phase: 'prepare',
  async run(r) {
    const dir = r.job.host.uploadDir;
    if (!dir.startsWith('/') || dir.length > 256) throw new StepFailure('check-upload-dir', 'prepare', fail('UPLOAD_DIR_INVALID', `upload directory ${dir} must be absolute and at most 256 characters`, 'set uploadDir of this client'));
    let s = await readHost(r, r.force);
    if (!r.force && isCurrent(r, s.get('marker') ?? '', s.get('krb5') ?? '')) return { skip: 'already current' };
    let f = fields(s.get('upload-dir'));
    // The marker matched but krb5.conf no longer names the peers: read again, making the work dir.
    if (f.get('state') === 'OK' && !f.has('work')) {
      s = await readHost(r, true);
      f = fields(s.get('upload-dir'));
    }
    const work = uploadDirProblem(r, s, f);
    r.work = work;
    r.cleanup.push(work);
    r.tools = new Set((s.get('tools') ?? '').split('\n').map((t) => t.trim()).filter(Boolean));
    checkSpace(r, f);
  },
};

function uploadStep(source: string): HostStep {
  return {
    id: 'upload',
    title: `upload ${source} configuration (SFTP into the work dir)`,
    phase: 'prepare',
    async run(r) {
      const t = tarball(r, source);
      const remote = posix.join(r.work as string, `${t.cluster}-${t.fileName}`);
      try {
        await r.host.sendFile(t.path, remote, { signal: r.signal });
      } catch (error) {
        if (error instanceof RemoteError && /permission denied|EACCES/i.test(error.message)) {
          throw fail('UPLOAD_DIR_NOT_WRITABLE', `cannot write ${remote}: ${error.message}`, 'fix the permissions of uploadDir of this client');
        }
        throw error;
      }
      r.uploads.set(source, remote);
    },
  };
}

/**
 * Session 2: hash check, 3.x extraction, refreshConfig.sh, krb5.conf check, marker, clean-up —
 * one script under the host's `timeout`, its stdin held open for the watchdog (scripts.ts).
 */
const applyStep: HostStep = {
  id: 'apply',
  title: 'apply: check the upload, sh refreshConfig.sh, check krb5.conf, record (one session)',
  phase: 'apply',
  async run(r) {
    const script = applyScript({
      clientDir: r.job.host.clientDir,
      work: r.work as string,
      sources: r.job.sources.map((s) => ({ cluster: s, file: r.uploads.get(s) as string, sha256: tarball(r, s).sha256, extract: r.profiles.get(s) === '3.x' })),
      marker: markerText(r),
      expectRealms: r.expectRealms,
      absentRealms: r.absentRealms,
    });
    // From here on the script owns its work dir: nothing else may remove it.
    r.cleanup.splice(0);
    const seconds = r.tools.has('timeout') ? r.remainingMs() / 1000 + 1 : undefined;
    const result = await r.host.exec(applyCommand(script, seconds), { signal: r.signal, holdStdin: true });
    r.realms = judgeApply(r, result);
  },
};

/** The per-host procedure, in order. Reading this array tells what a refresh does on a host. */
export function hostSteps(sources: readonly string[]): HostStep[] {
  return [connect, readHostStep, ...sources.map(uploadStep), applyStep];
}
