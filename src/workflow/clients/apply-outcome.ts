import { RemoteError } from '../../errors/index.js';
import type { ExecResult } from '../../ports/remote-host.js';
import type { HostRun } from './host-steps.js';
import { StepFailure } from './step-failure.js';
import { namedRealms, parseKrb5Realms } from './krb5.js';
import { fields, parseSections } from './scripts.js';
import { REFRESH_SUCCESS_LINE, clientKrb5Path, refreshCommand } from './shell.js';

export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const line = lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

const fail = (code: string, message: string, hint?: string) => new RemoteError(code, message, hint ? { hint } : {});

/** The step a failure inside the apply script belongs to, as the per-host result names it. */
const failed = (step: string, error: RemoteError, phase: 'prepare' | 'apply' = 'apply') => new StepFailure(step, phase, error);

const ended = (result: ExecResult) => `exit ${result.exitCode ?? result.signal ?? '?'}`;

function judgeVerify(r: HostRun, result: ExecResult, s: Map<string, string>, source: string, i: number): void {
  const sha256 = r.tarballs.get(source)?.sha256 ?? '';
  if (!s.has(`verify-${i}`)) throw failed('upload', fail('APPLY_INCOMPLETE', `the apply script stopped before checking the ${source} upload (${ended(result)}): ${lastLine(result.stderr) || 'no output'}`));
  const seen = fields(s.get(`verify-${i}`)).get('sha256') ?? '';
  if (!/^[0-9a-f]{64}$/.test(seen)) throw failed('upload', fail('UPLOAD_VERIFY_FAILED', `${r.host.label}: cannot check the upload with openssl or sha256sum`, 'the host needs coreutils sha256sum (or openssl)'));
  // Nothing ran on a damaged upload: worth a new connection, like a dropped one.
  if (seen !== sha256) throw failed('upload', fail('UPLOAD_MISMATCH', `${r.host.label}: the ${source} upload arrived damaged (sha256 ${seen.slice(0, 12)}…, sent ${sha256.slice(0, 12)}…)`, 'retry; check the disk space on the host'), 'prepare');
}

function judgeExtract(s: Map<string, string>, source: string, i: number): void {
  const text = s.get(`extract-${i}`);
  const error = fields(text).get('error');
  const dirs = (text ?? '').split('\n').filter((l) => l.startsWith('dir '));
  if (text === undefined || error !== undefined || dirs.length !== 1) {
    throw failed('extract', fail('EXTRACT_FAILED', `cannot find one *_ClientConfig_ConfigFiles directory in the ${source} tarball (${error || `${dirs.length} found`})`));
  }
}

function judgeRefresh(r: HostRun, result: ExecResult, s: Map<string, string>, source: string, i: number): void {
  const exit = s.get(`refresh-${i}-exit`)?.trim();
  const stdout = s.get(`refresh-${i}`) ?? '';
  const hint = `run it by hand on the host: ${refreshCommand(r.job.host.clientDir, `<${source} configuration>`)}`;
  if (exit === undefined) throw failed('run-refresh', fail('REFRESH_INTERRUPTED', `refreshConfig.sh (${source} configuration) did not finish (${ended(result)}): ${lastLine(stdout) || 'no output'}`, hint));
  if (exit !== '0') throw failed('run-refresh', fail('REFRESH_FAILED', `refreshConfig.sh exited ${exit}: ${lastLine(s.get(`refresh-${i}-stderr`) ?? '') || lastLine(stdout) || 'no output'}`, hint));
  if (!stdout.includes(REFRESH_SUCCESS_LINE)) {
    throw failed('run-refresh', fail('REFRESH_UNCONFIRMED', `refreshConfig.sh exited 0 but did not print "${REFRESH_SUCCESS_LINE}" (last line: "${lastLine(stdout)}")`));
  }
}

function judgeKrb5(r: HostRun, result: ExecResult, s: Map<string, string>, realms: string[]): void {
  const path = clientKrb5Path(r.job.host.clientDir);
  if (!s.has('krb5')) throw failed('check-krb5', fail('APPLY_INCOMPLETE', `the apply script stopped before reading ${path}: ${lastLine(result.stderr) || 'no output'}`));
  if (s.has('krb5-missing')) throw failed('check-krb5', fail('KRB5_MISSING', `refresh reported success but ${path} cannot be read`));
  const missing = r.expectRealms.filter((realm) => !realms.includes(realm));
  if (missing.length > 0) throw failed('check-krb5', fail('KRB5_PEER_MISSING', `${path} does not name ${missing.join(', ')} after the refresh`, 'download the client configuration again after the trust was saved (--tarball), then re-run'));
  const stale = r.absentRealms.filter((realm) => realms.includes(realm));
  if (stale.length > 0) throw failed('check-krb5', fail('KRB5_PEER_STILL_NAMED', `${path} still names ${stale.join(', ')} after the refresh`, 'download the client configuration again after the trust was removed (--tarball), then re-run'));
  // The host's own check (grep) decides whether the marker is written; it must agree.
  const check = fields(s.get('krb5-check'));
  if (check.has('missing') || check.has('named')) throw failed('check-krb5', fail('KRB5_CHECK_DISAGREES', `${path}: the host's check found ${check.has('missing') ? `no ${check.get('missing')} block` : `a ${check.get('named')} block`}; not recorded as current`));
}

/**
 * Reads the sections of the apply script (scripts.ts) into the per-host outcome: the realms the
 * client krb5.conf names, or a StepFailure naming the documented step that failed
 * (upload, extract, run-refresh, check-krb5, record-current).
 */
export function judgeApply(r: HostRun, result: ExecResult): string[] {
  const s = parseSections(result.stdout);
  r.job.sources.forEach((source, i) => {
    judgeVerify(r, result, s, source, i);
    if (r.profiles.get(source) === '3.x') judgeExtract(s, source, i);
    judgeRefresh(r, result, s, source, i);
  });
  const realms = s.has('krb5') && !s.has('krb5-missing') ? namedRealms(parseKrb5Realms(s.get('krb5') ?? '')) : [];
  if (r.expectRealms.length > 0 || r.absentRealms.length > 0) judgeKrb5(r, result, s, realms);
  if (s.get('marker')?.trim() !== 'written') throw failed('record-current', fail('MARKER_WRITE_FAILED', `refreshed, but cannot record it in ${r.job.host.clientDir} (${lastLine(result.stderr) || lastLine(s.get('marker') ?? '') || 'the script stopped'})`));
  return realms;
}
