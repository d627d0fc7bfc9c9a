/**
 * The commands `ssh trust` / `ssh revoke` run on each host, as text, and the parsers of what they
 * print. POSIX `sh` with coreutils (`stat -c`, `sha256sum`, `base64`, `mktemp`) and OpenSSH's
 * `ssh-keygen` / `ssh`. Every command runs as the login user, in `$HOME/.ssh`; file contents
 * travel base64-encoded both ways, so bytes (and a missing final newline) survive exactly.
 */
import { parsePublicKey, type PublicKey } from '../../domain/ssh-trust.js';
import { shellQuote } from '../../domain/shell.js';

export type TrustFile = 'authorized_keys' | 'known_hosts';
const FILES = ['authorized_keys', 'known_hosts', 'id_ed25519', 'id_ed25519.pub'] as const;
export type InspectedFile = (typeof FILES)[number];

export interface FileStat {
  mode: number;
  uid: number;
  /** Hex SHA-256 of the content: the write commands refuse to act if it changed since. */
  sha256: string;
}

export interface HostState {
  home: string;
  uid: number;
  hostname: string;
  homeStat?: { mode: number; uid: number };
  sshDir?: { mode: number; uid: number };
  files: Partial<Record<InspectedFile, FileStat | 'not-a-file'>>;
  /** Contents as latin1 text (one char per byte, so a round trip keeps every byte). */
  text: Record<TrustFile, string>;
  /** `~/.ssh/id_ed25519.pub` as written (its comment tells whether mrs-trust generated the pair). */
  publicLine?: string;
  /** `/etc/hosts` (latin1) and its hash, for `--set-hostnames`. */
  etcHosts?: { text: string; sha256: string };
  /** `id_ed25519`: absent, usable without a passphrase (with its public key), or encrypted. */
  privateKey: { kind: 'absent' } | { kind: 'plain'; publicKey: PublicKey } | { kind: 'encrypted' };
}

export const INSPECT = [
  'umask 077',
  'S="$HOME/.ssh"',
  `st() { stat -c '%a %u' -- "$1" 2>/dev/null || echo '- -'; }`,
  'echo "home $HOME"',
  'echo "uid $(id -u)"',
  'echo "hostname $(hostname 2>/dev/null || uname -n)"',
  'echo "stat-home $(st "$HOME")"',
  'echo "stat-dir $(st "$S")"',
  `for f in ${FILES.join(' ')}; do`,
  '  if [ -f "$S/$f" ]; then echo "file $f $(st "$S/$f") $(sha256sum < "$S/$f" | cut -c1-64)"; elif [ -e "$S/$f" ]; then echo "file $f not-a-file"; fi',
  'done',
  'for f in authorized_keys known_hosts id_ed25519.pub; do [ -f "$S/$f" ] && echo "data $f $(base64 < "$S/$f" | tr -d \'\\n\')"; done',
  'if [ -f /etc/hosts ]; then echo "etc-hosts $(sha256sum < /etc/hosts | cut -c1-64) $(base64 < /etc/hosts | tr -d \'\\n\')"; fi',
  'if [ -f "$S/id_ed25519" ]; then',
  `  if pub=$(ssh-keygen -y -P '' -f "$S/id_ed25519" 2>/dev/null); then echo "private plain $pub"; else echo "private encrypted"; fi`,
  'fi',
  'exit 0',
].join('\n');

function statOf(text: string): { mode: number; uid: number } | undefined {
  const [mode = '-', uid = '-'] = text.split(' ');
  return mode === '-' ? undefined : { mode: parseInt(mode, 8), uid: Number(uid) };
}

type LineParser = (state: HostState, value: string, rest: string[]) => void;

const DATA: Record<string, (state: HostState, bytes: Buffer) => void> = {
  authorized_keys: (state, bytes) => void (state.text.authorized_keys = bytes.toString('latin1')),
  known_hosts: (state, bytes) => void (state.text.known_hosts = bytes.toString('latin1')),
  'id_ed25519.pub': (state, bytes) => void (state.publicLine = bytes.toString('utf8').trim()),
};

const LINES: Record<string, LineParser> = {
  home: (state, value) => void (state.home = value),
  uid: (state, value) => void (state.uid = Number(value)),
  hostname: (state, value) => void (state.hostname = value.trim()),
  'stat-home': (state, value) => void (state.homeStat = statOf(value)),
  'stat-dir': (state, value) => void (state.sshDir = statOf(value)),
  file: (state, _value, rest) => parseFileLine(state, rest),
  data: (state, _value, rest) => DATA[rest[0] ?? '']?.(state, Buffer.from(rest[1] ?? '', 'base64')),
  private: (state, _value, rest) => void (state.privateKey = parsePrivate(rest)),
  'etc-hosts': (state, _value, rest) => void (state.etcHosts = { sha256: rest[0] ?? '', text: Buffer.from(rest[1] ?? '', 'base64').toString('latin1') }),
};

/** Parses INSPECT's output, or says why it is not that output (a missing tool, a broken home). */
export function parseInspect(stdout: string): HostState | string {
  const state: HostState = { home: '', uid: -1, hostname: '', files: {}, text: { authorized_keys: '', known_hosts: '' }, privateKey: { kind: 'absent' } };
  for (const line of stdout.split('\n')) {
    const [word = '', ...rest] = line.split(' ');
    LINES[word]?.(state, rest.join(' '), rest);
  }
  if (state.home === '' || !Number.isInteger(state.uid) || state.uid < 0) return `unexpected output: ${stdout.slice(0, 200)}`;
  const unhashed = FILES.find((f) => {
    const stat = state.files[f];
    return stat !== undefined && stat !== 'not-a-file' && !/^[0-9a-f]{64}$/.test(stat.sha256);
  });
  if (unhashed) return `could not hash ~/.ssh/${unhashed} (is sha256sum installed?)`;
  return state;
}

function parseFileLine(state: HostState, rest: string[]): void {
  const [name, mode, uid, sha256] = rest;
  if (!FILES.includes(name as InspectedFile)) return;
  state.files[name as InspectedFile] = mode === 'not-a-file' ? 'not-a-file' : { mode: parseInt(mode ?? '', 8), uid: Number(uid), sha256: sha256 ?? '' };
}

function parsePrivate(rest: string[]): HostState['privateKey'] {
  if (rest[0] !== 'plain') return { kind: 'encrypted' };
  const key = parsePublicKey(rest.slice(1).join(' '));
  return key ? { kind: 'plain', publicKey: { type: key.type, base64: key.base64 } } : { kind: 'encrypted' };
}

/** The guard every write starts with: the file is still what INSPECT read (or still absent). */
function guard(file: TrustFile, expected: string): string[] {
  return [
    'set -eu',
    'umask 077',
    'S="$HOME/.ssh"',
    `f="$S/${file}"`,
    '[ -d "$S" ] || mkdir -m 700 "$S"',
    'cur=absent; if [ -e "$f" ]; then cur=$(sha256sum < "$f" | cut -c1-64); fi',
    `[ "$cur" = ${shellQuote(expected)} ] || { echo "~/.ssh/${file} changed since it was read; nothing written" >&2; exit 17; }`,
    't=$(mktemp "$S/.mrs-trust.XXXXXX")',
    `trap 'rm -f "$t"' EXIT`,
    'base64 -d > "$t"',
  ];
}

/** Appends stdin (base64) to the file: existing bytes are never rewritten. */
export function appendCommand(file: TrustFile, expected: string): string {
  return [...guard(file, expected), 'cat "$t" >> "$f"'].join('\n');
}

/** Replaces the file with stdin (base64), keeping its mode; a rename, so never a partial file. */
export function replaceCommand(file: TrustFile, expected: string): string {
  return [...guard(file, expected), 'chmod "$(stat -c %a "$f")" "$t"', 'mv -f "$t" "$f"', 'trap - EXIT'].join('\n');
}

/**
 * Rewrites /etc/hosts in place from stdin (base64) after the same check. NOTE: not a rename:
 * /etc/hosts is often a bind mount (containers), which a rename cannot replace.
 */
export function etcHostsCommand(expected: string): string {
  return [
    'set -eu',
    `[ "$(sha256sum < /etc/hosts | cut -c1-64)" = ${shellQuote(expected)} ] || { echo "/etc/hosts changed since it was read; nothing written" >&2; exit 17; }`,
    't=$(mktemp)',
    `trap 'rm -f "$t"' EXIT`,
    'base64 -d > "$t"',
    'cat "$t" > /etc/hosts',
  ].join('\n');
}

/** Generates the host's own ed25519 pair; refuses when either file exists. Prints the public key. */
export function keygenCommand(comment: string): string {
  return [
    'set -eu',
    'umask 077',
    'S="$HOME/.ssh"',
    '[ -d "$S" ] || mkdir -m 700 "$S"',
    'if [ -e "$S/id_ed25519" ] || [ -e "$S/id_ed25519.pub" ]; then echo "~/.ssh/id_ed25519 appeared meanwhile; left alone" >&2; exit 17; fi',
    `ssh-keygen -q -t ed25519 -N '' -C ${shellQuote(comment)} -f "$S/id_ed25519" </dev/null >/dev/null`,
    'cat "$S/id_ed25519.pub"',
  ].join('\n');
}

/** Removes the pair only if its public half still carries exactly our comment and key. */
export function removeKeyCommand(publicLine: string): string {
  return [
    'set -eu',
    'S="$HOME/.ssh"',
    `[ "$(cat "$S/id_ed25519.pub")" = ${shellQuote(publicLine)} ] || { echo "~/.ssh/id_ed25519.pub is not the pair mrs-trust generated; left alone" >&2; exit 17; }`,
    'rm -f "$S/id_ed25519" "$S/id_ed25519.pub"',
  ].join('\n');
}

/** `chmod` of paths relative to $HOME (`.` is the home directory itself). */
export function chmodCommand(changes: { path: string; mode: number }[]): string {
  return ['set -eu', 'cd "$HOME"', ...changes.map((c) => `chmod ${c.mode.toString(8)} ${shellQuote(c.path)}`)].join('\n');
}

/**
 * Tries every target with plain OpenSSH, non-interactively and with strict host key checking,
 * one after the other (targets arrive as tab-separated lines on stdin). Prints `label\trc\tlast words`.
 */
export const TRY_LOGINS = [
  'while IFS="$(printf \'\\t\')" read -r label user host port; do',
  '  out=$(ssh -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -p "$port" -l "$user" -- "$host" true 2>&1); rc=$?',
  `  printf '%s\\t%s\\t%s\\n' "$label" "$rc" "$(printf '%s' "$out" | tr '\\n\\r\\t' '   ' | cut -c1-300)"`,
  'done',
  'exit 0',
].join('\n');

export function parseTryLogins(stdout: string): { label: string; ok: boolean; reason: string }[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((line) => {
      const [label = '', rc = '', reason = ''] = line.split('\t');
      return { label, ok: rc === '0', reason: rc === '0' ? '' : reason.trim() || `ssh exited ${rc}` };
    });
}
