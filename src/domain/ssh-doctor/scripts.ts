import { shellQuote } from '../shell.js';

/**
 * The two shell scripts the doctor runs on the hosts, as text (the caller sends them over SSH).
 * Each prints its findings as sections headed `@@<nonce> <name>`; anything printed before the
 * first header came from the login shell's start-up files (a noisy rc). Only POSIX sh and the
 * tools every OpenSSH host has (stat, getent, ssh, ssh-keygen, ssh-keyscan) are used; what a
 * host lacks (ss, getenforce, a root login) leaves its section empty: "not checked", never "fine".
 */

/** Private key names the OpenSSH client tries by default, in its order (ssh_config IdentityFile). */
export const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'] as const;

/** The section printer shared by both scripts (a newline first: earlier output may lack one). */
function prelude(nonce: string): string[] {
  return [`N=${shellQuote(nonce)}`, `m() { printf '\\n@@%s %s\\n' "$N" "$1"; }`, 'm begin'];
}

export interface InspectRequest {
  /** The user whose trust is diagnosed on this host (may differ from the login user: root inspecting omm). */
  user: string;
  /** The port the host file names: the sshd listening there is the one whose `sshd -T` is read. */
  port: number;
  nonce: string;
}

/**
 * Facts about one host for one user: account, home and `~/.ssh` modes and owners, SELinux
 * labels, authorized keys (every file sshd reads), the user's key pairs (public half derived
 * from the private key with `ssh-keygen -y`), and, when running as root, the running sshd's
 * effective configuration (`sshd -T` with the daemon's own `-f`) and the shadow entry (hash
 * replaced by `H`: it is a secret and never leaves the host).
 */
export function inspectScript(r: InspectRequest): string {
  const files = ['"$H"', '"$H/.ssh"', '"$H/.ssh/authorized_keys"', '"$H/.ssh/authorized_keys2"', '"$H/.ssh/known_hosts"', ...DEFAULT_IDENTITIES.map((k) => `"$H/.ssh/${k}"`)];
  return [
    ...prelude(r.nonce),
    `U=${shellQuote(r.user)}; P=${r.port}`,
    'm id; id -u; id -un',
    'm passwd; getent passwd "$U"',
    'H=$(getent passwd "$U" | cut -d: -f6)',
    'if [ -z "$H" ]; then m end; exit 0; fi',
    'm today; echo $(( $(date +%s) / 86400 ))',
    `m stat; for p in ${files.join(' ')}; do stat -c '%a %u %g %U %G %F|%n' -- "$p" 2>/dev/null || echo "missing|$p"; done`,
    'm selinux; getenforce 2>/dev/null || echo absent',
    'm lsZ; ls -dZ -- "$H/.ssh" "$H/.ssh/authorized_keys" 2>/dev/null',
    `for k in ${DEFAULT_IDENTITIES.join(' ')}; do [ -f "$H/.ssh/$k" ] || continue; m "derived $k"; ssh-keygen -y -P '' -f "$H/.ssh/$k" 2>&1; m "pub $k"; cat -- "$H/.ssh/$k.pub" 2>&1; done`,
    'AKF=',
    'if [ "$(id -u)" = 0 ]; then',
    '  m listener; ss -Hltnp "sport = :$P" 2>/dev/null',
    '  pid=$(ss -Hltnp "sport = :$P" 2>/dev/null | sed -n \'s/.*pid=\\([0-9]*\\).*/\\1/p\' | head -n 1)',
    '  cmd=; [ -n "$pid" ] && cmd=$(tr \'\\0\' \' \' < "/proc/$pid/cmdline")',
    '  m sshd-cmdline; printf \'%s\\n\' "$cmd"',
    '  conf=$(printf \'%s\\n\' "$cmd" | sed -n \'s/.* -f \\([^ ]*\\).*/\\1/p\')',
    '  SSHD=$(command -v sshd || echo /usr/sbin/sshd)',
    '  m sshd-T; "$SSHD" -T ${conf:+-f "$conf"} -C "user=$U,host=localhost,addr=127.0.0.1" 2>&1 | grep -E \'^(authorizedkeysfile|maxstartups|pubkeyacceptedalgorithms|pubkeyauthentication|strictmodes|usepam|port|allowusers|denyusers|allowgroups|denygroups) \'',
    '  AKF=$("$SSHD" -T ${conf:+-f "$conf"} -C "user=$U,host=localhost,addr=127.0.0.1" 2>/dev/null | sed -n \'s/^authorizedkeysfile //p\')',
    '  m shadow; getent shadow "$U" | awk -F: \'BEGIN{OFS=":"} {h=$2; gsub(/[^!*]/, "", h); if (length($2) > length(h)) h = h "H"; $2 = h; print}\'',
    '  m passwd-S; passwd -S "$U" 2>&1',
    'fi',
    // The files sshd reads: its AuthorizedKeysFile when known, else OpenSSH's default pair.
    // Every file sshd may read (its AuthorizedKeysFile when known) and OpenSSH's default pair,
    // so a key sitting in a file sshd does not read can be named as such.
    'seen=" "',
    'for t in $AKF .ssh/authorized_keys .ssh/authorized_keys2; do f=$(printf \'%s\' "$t" | sed "s|%h|$H|g; s|%u|$U|g"); case "$f" in /*) ;; *) f="$H/$f" ;; esac; case "$seen" in *" $f "*) continue ;; esac; seen="$seen$f "; [ -e "$f" ] || continue; m "akstat $f"; stat -c \'%a %u %g %U %G %F|%n\' -- "$f"; m "ak $f"; cat -- "$f" 2>/dev/null; done',
    'm end',
  ].join('\n');
}

export interface ProbeTarget {
  /** Index of the peer in the host list: section names carry it. */
  index: number;
  user: string;
  host: string;
  port: number;
  /** `host` or `[host]:port`: how known_hosts names it. */
  knownName: string;
  /** Host names are also looked up by address (CheckHostIP), separately. */
  isName: boolean;
}

export interface ProbeRequest {
  targets: ProbeTarget[];
  /** Ports tried for an SSH banner when the host file's port is refused (wrong-port vs sshd down). */
  candidatePorts: number[];
  connectTimeoutS: number;
  nonce: string;
}

/**
 * The exact client command the probe runs: plain `ssh`, no password, strict host keys, verbose.
 * `UpdateHostKeys=no`: OpenSSH 8.5+ would otherwise append the server's other host keys to
 * known_hosts after a login, and the doctor writes nothing without --fix.
 */
export function probeSshArgs(t: { user: string; host: string; port: number }, connectTimeoutS: number): string {
  return `ssh -v -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o UpdateHostKeys=no -o ConnectTimeout=${connectTimeoutS} -o ConnectionAttempts=1 -p ${t.port} -l ${shellQuote(t.user)} ${shellQuote(t.host)} true`;
}

function probeOne(t: ProbeTarget, r: ProbeRequest): string[] {
  const i = t.index;
  const ssh = probeSshArgs(t, r.connectTimeoutS);
  const ports = r.candidatePorts.filter((p) => p !== t.port);
  const lines = [
    `m "probe ${i}"; ${ssh} >"$d/o" 2>"$d/e"; rc=$?`,
    `m "rc ${i}"; echo $rc`,
    `m "out ${i}"; head -c 2048 "$d/o"`,
    `m "err ${i}"; tail -c 16000 "$d/e"`,
    // Dropped before the banner: retried once alone, to tell a full MaxStartups from a dead sshd.
    `if [ $rc -ne 0 ] && grep -q kex_exchange_identification "$d/e"; then sleep 1; ${ssh} >/dev/null 2>&1; m "retry ${i}"; echo $?; fi`,
    `m "known ${i}"; ssh-keygen -l -F ${shellQuote(t.knownName)} -f "$kh" 2>/dev/null`,
  ];
  if (t.isName) {
    lines.push(`ip=$(getent ahosts ${shellQuote(t.host)} | awk 'NR==1{print $1}')`, `m "ip ${i}"; echo "$ip"`);
    lines.push(`if [ -n "$ip" ]; then n="$ip"; [ ${t.port} -ne 22 ] && n="[$ip]:${t.port}"; m "known-ip ${i}"; ssh-keygen -l -F "$n" -f "$kh" 2>/dev/null; fi`);
  }
  if (ports.length > 0) {
    lines.push(`if [ $rc -ne 0 ] && grep -q 'Connection refused' "$d/e"; then m "ports ${i}"; for c in ${ports.join(' ')}; do ssh-keyscan -T 3 -p "$c" ${shellQuote(t.host)} 2>&1 >/dev/null | grep '^# ' | head -n 1; done; fi`);
  }
  return lines;
}

/**
 * Runs on host X as the trust user: for every peer Y, plain `ssh` with X's own keys,
 * known_hosts and ssh_config (what the user experiences), then X's known_hosts entries for Y
 * by name and, for a host name, by address. Peers are probed one after another, so X never
 * adds more than one unauthenticated connection to any host (sshd MaxStartups).
 */
export function probeScript(r: ProbeRequest): string {
  return [...prelude(r.nonce), 'd=$(mktemp -d) || exit 1', 'trap \'rm -rf "$d"\' EXIT', 'kh="$HOME/.ssh/known_hosts"', ...r.targets.flatMap((t) => probeOne(t, r)), 'm end'].join('\n');
}
