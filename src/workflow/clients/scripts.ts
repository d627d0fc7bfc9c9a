import { REFRESH_SUCCESS_LINE, clientKrb5Path, markerPath, shQuote } from './shell.js';

/**
 * The two shell sessions of a host refresh (issue #18), as text. Each is one POSIX `sh` script
 * whose output is a series of sections, `@@mrs-trust:<name>` on a line of its own followed by
 * that section's lines, so one session answers everything a step needs. Every login shell on a
 * client host may read a start-up file (MRS hosts source `bigdata_env`; some load version
 * managers), so each session costs that start-up again: two per host, not eight.
 */
export const SECTION = '@@mrs-trust:';

/** Where the work directories live: `<uploadDir>/.mrs-trust.XXXXXXXX`, made by `mktemp -d`. */
export const WORK_PREFIX = '.mrs-trust.';

/** `name → lines` of a script's output; a section printed twice keeps the last one. */
export function parseSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) sections.set(name, lines.join('\n').replace(/\n+$/, ''));
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(SECTION)) {
      flush();
      name = line.slice(SECTION.length).trim();
      lines = [];
    } else if (name !== undefined) {
      lines.push(line);
    }
  }
  flush();
  return sections;
}

/** `key value` lines of a section (first space splits). */
export function fields(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
    else if (line) out.set(line, '');
  }
  return out;
}

const PRELUDE = [`section() { printf '\\n${SECTION}%s\\n' "$1"; }`];

export interface ReadScriptInput {
  clientDir: string;
  uploadDir: string;
  /** The marker a current host holds; when it matches (and not `force`), no work dir is made. */
  expectedMarker: string;
  force: boolean;
  /** Work dirs of this run's earlier attempts (no script ever ran in them): removed first. */
  staleDirs: string[];
}

/**
 * Session 1, before the upload: the marker and the client krb5.conf (is the host current?), the
 * tools the apply script can use, a sweep of work dirs left by earlier runs whose script is
 * gone, the upload directory's state and free space, and a new private work dir made with
 * `mktemp -d` (mode 0700, a name nobody can predict) for the SFTP upload.
 */
export function readScript(input: ReadScriptInput): string {
  const u = shQuote(input.uploadDir);
  return [
    '# mrs-trust read (one session before the upload)',
    ...PRELUDE,
    `upload_dir=${u}`,
    `section marker; cat -- ${shQuote(markerPath(input.clientDir))} 2>/dev/null`,
    `section krb5; cat -- ${shQuote(clientKrb5Path(input.clientDir))} 2>/dev/null`,
    'section tools; for t in timeout openssl sha256sum mktemp tar; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done',
    'section swept',
    ...input.staleDirs.map((d) => `d=${shQuote(d)}; if [ -d "$d" ] && [ ! -L "$d" ]; then rm -rf -- "$d" && echo "$d"; fi`),
    // A work dir whose apply script died (its pid file names a process that is gone), or one an
    // upload never got past for an hour: nothing reads it any more.
    `for d in "$upload_dir"/${WORK_PREFIX}*; do`,
    '  [ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ] || continue',
    '  if [ -f "$d/.pid" ]; then p=$(cat "$d/.pid" 2>/dev/null); [ -n "$p" ] && kill -0 "$p" 2>/dev/null && continue',
    '  elif [ -z "$(find "$d" -maxdepth 0 -mmin +60 2>/dev/null)" ]; then continue; fi',
    '  rm -rf -- "$d" && echo "$d"',
    'done',
    'section upload-dir',
    'if [ ! -e "$upload_dir" ]; then echo "state MISSING"',
    'elif [ ! -d "$upload_dir" ]; then echo "state NOT_DIR"',
    'elif [ ! -w "$upload_dir" ]; then echo "state NOT_WRITABLE"',
    'else',
    `  echo "free_kib $(df -Pk -- "$upload_dir" | awk 'NR==2 {print $4}')"`,
    `  current=no; [ "$(cat -- ${shQuote(markerPath(input.clientDir))} 2>/dev/null)" = ${shQuote(input.expectedMarker)} ] && current=yes`,
    `  if [ "$current" = yes ] && [ ${input.force ? 'yes' : 'no'} = no ]; then echo "state OK"`,
    // NOTE: `test -w` is true for root on any read-write mount; mktemp is the real test.
    `  elif w=$(mktemp -d "$upload_dir/${WORK_PREFIX}XXXXXXXX" 2>/dev/null); then echo "state OK"; echo "work $w"`,
    '  else echo "state NOT_WRITABLE"; fi',
    'fi',
    'section end',
  ].join('\n');
}

export interface ApplySource {
  cluster: string;
  /** The uploaded tar inside the work dir. */
  file: string;
  sha256: string;
  /** 3.x: extract first and pass the `*_ClientConfig_ConfigFiles` directory. */
  extract: boolean;
}

export interface ApplyScriptInput {
  clientDir: string;
  work: string;
  sources: ApplySource[];
  /** The marker's content, written only when the checks below pass. */
  marker: string;
  /** Realms the client krb5.conf must name (`[realms]` block or default_realm), and must not. */
  expectRealms: string[];
  absentRealms: string[];
}

/** An ERE matching a realm's `[realms]` block opener or `default_realm = R`. Realms are [A-Z0-9._-]. */
export function realmPattern(realm: string): string {
  const r = realm.replace(/[^A-Za-z0-9_-]/g, (c) => `\\${c}`);
  return `^[[:space:]]*(${r}[[:space:]]*=[[:space:]]*[{]|default_realm[[:space:]]*=[[:space:]]*${r}[[:space:]]*$)`;
}

function sourceBlock(s: ApplySource, i: number, clientDir: string): string[] {
  const f = shQuote(s.file);
  return [
    `section verify-${i}`,
    // openssl uses the CPU's SHA extensions (5x faster than sha256sum for 20 MB); either will do.
    `s=$(openssl dgst -sha256 -r ${f} 2>/dev/null); s=\${s%% *}`,
    `[ \${#s} -eq 64 ] || { s=$(sha256sum -- ${f} 2>/dev/null); s=\${s#\\\\}; s=\${s%% *}; }`,
    `echo "sha256 $s"; [ "$s" = ${s.sha256} ] || finish`,
    `arg=${f}`,
    ...(s.extract
      ? [
          `section extract-${i}`,
          // Its own mktemp dir; the inner *_ClientConfig_ConfigFiles.tar as the manual does by hand.
          `x=$(mktemp -d "$work/extract.XXXXXX") || finish`,
          `( cd "$x" && tar -x -o -f ${f} && for t in *_ClientConfig_ConfigFiles.tar; do if [ -f "$t" ]; then tar -x -o -f "$t" || exit 1; fi; done ) 2>"$work/extract.err" || { echo "error $(tail -n 1 "$work/extract.err")"; finish; }`,
          'n=0; for d in "$x"/*_ClientConfig_ConfigFiles; do if [ -d "$d" ] && [ ! -L "$d" ]; then n=$((n+1)); arg=$d; echo "dir $d"; fi; done',
          '[ "$n" -eq 1 ] || finish',
        ]
      : []),
    `section refresh-${i}`,
    `( cd ${shQuote(clientDir)} && sh refreshConfig.sh ${shQuote(clientDir)} "$arg" ) 2>"$work/refresh.err"; rc=$?`,
    `section refresh-${i}-stderr; tail -n 20 "$work/refresh.err"`,
    `section refresh-${i}-exit; echo "$rc"`,
    `[ "$rc" -eq 0 ] || finish`,
  ];
}

/**
 * Session 2, after the SFTP upload into the work dir: per source the hash check, the 3.x
 * extraction and `refreshConfig.sh`; then the client krb5.conf check and the marker; the work
 * dir is removed on the way out. Stops at the first failure (later sections are absent).
 *
 * A hung `refreshConfig.sh` must die on the host (closing the SSH channel does not stop a
 * command on OpenSSH): the script runs under `timeout` (its own process group, killed whole),
 * and a watchdog reading stdin — which the tool holds open — kills the group when the channel
 * closes (Ctrl-C, the per-host timeout, a lost connection). After such a kill the work dir is
 * NOT removed by the signal path: a process that ignored TERM may still read it; its `.pid`
 * lets the next run's read script remove it once nothing runs there.
 */
export function applyScript(input: ApplyScriptInput): string {
  const krb5 = shQuote(clientKrb5Path(input.clientDir));
  const marker = shQuote(markerPath(input.clientDir));
  return [
    '# mrs-trust apply (one session after the upload)',
    ...PRELUDE,
    'umask 077',
    `work=${shQuote(input.work)}`,
    `case "$work" in */${WORK_PREFIX}*) ;; *) echo "not a work dir: $work" >&2; exit 2 ;; esac`,
    '[ -d "$work" ] && [ ! -L "$work" ] || { echo "work dir missing: $work" >&2; exit 2; }',
    'echo $$ > "$work/.pid"',
    'finish() { section end; exit 0; }',
    'cleanup() { [ "${killed:-}" = yes ] || rm -rf -- "$work"; }',
    'trap cleanup EXIT',
    "trap 'killed=yes; exit 143' TERM",
    "trap 'killed=yes; exit 129' HUP",
    "trap 'killed=yes; exit 130' INT",
    'main=$$',
    'exec 3<&0',
    "( trap '' TERM HUP INT; cat <&3 >/dev/null 2>&1; kill -0 \"$main\" 2>/dev/null || exit 0; kill -TERM 0; sleep 5; kill -KILL 0 ) </dev/null >/dev/null 2>&1 &",
    'exec 3<&- </dev/null',
    ...input.sources.flatMap((s, i) => sourceBlock(s, i, input.clientDir)),
    `section krb5; cat -- ${krb5} 2>/dev/null || section krb5-missing`,
    'section krb5-check',
    ...input.expectRealms.map((r) => `grep -Eq ${shQuote(realmPattern(r))} ${krb5} 2>/dev/null || { echo "missing ${r}"; finish; }`),
    ...input.absentRealms.map((r) => `! grep -Eq ${shQuote(realmPattern(r))} ${krb5} 2>/dev/null || { echo "named ${r}"; finish; }`),
    'section marker',
    // A new file renamed over the marker: a symlink planted at the marker's path is replaced, never followed.
    `m=$(mktemp ${shQuote(`${input.clientDir.replace(/\/+$/, '')}/.mrs-trust-client-config.XXXXXX`)}) && printf '%s\\n' ${shQuote(input.marker)} > "$m" && chmod 644 "$m" && mv -f -- "$m" ${marker} && echo written || { rm -f -- "$m"; echo "failed"; }`,
    'finish',
  ].join('\n');
}

/** Wraps the apply script so the host kills its whole process group at `seconds` (coreutils timeout). */
export function applyCommand(script: string, seconds: number | undefined): string {
  const sh = `sh -c ${shQuote(script)} mrs-trust-apply`;
  return seconds === undefined ? `exec ${sh}` : `exec timeout -k 5 ${Math.max(1, Math.ceil(seconds))} ${sh}`;
}

export { REFRESH_SUCCESS_LINE };
