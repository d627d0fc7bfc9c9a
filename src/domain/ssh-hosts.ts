import { isIpv4, isIpv6 } from './ip-port.js';

/**
 * The host file of `ssh trust`, `ssh revoke` and `ssh doctor`: one host per line, as
 * gs_sshexkey's `-f` file, extended with users and ports:
 *
 *     10.0.0.1            # IPv4, default user and port
 *     10.0.0.2:2222       # a port
 *     omm@10.0.0.3:2222   # a user for this host only
 *     [fd00::4]:2222      # IPv6 with a port (brackets); fd00::5 without one
 *     node6.example       # a host name
 *
 * `#` starts a comment (whole line or after the entry); blank lines are ignored. Every problem
 * names the file and the line. Pure: the caller reads the file.
 */
export interface SshHostEntry {
  /** IPv4, IPv6 (no brackets) or a host name, lower-cased. */
  host: string;
  port: number;
  user: string;
  /** `user@host:port` with IPv6 in brackets: the one label used in messages, logs and `--json`. */
  label: string;
  /** 1-based line in the host file. */
  line: number;
  kind: 'ipv4' | 'ipv6' | 'name';
}

export interface HostFileProblem {
  line: number;
  message: string;
}

export interface HostFileDefaults {
  user: string;
  port: number;
  /** Drop repeated `user@host:port` entries (default). When false, a repeat is a problem. */
  deduplicate: boolean;
}

export interface ParsedHostFile {
  hosts: SshHostEntry[];
  /** Lines left out as repeats of an earlier line (with deduplicate). */
  duplicates: { line: number; firstLine: number; label: string }[];
  problems: HostFileProblem[];
}

/**
 * POSIX-portable user names (useradd's default rule, plus the trailing `$` of machine
 * accounts): nothing a shell would interpret, since the name ends up in remote commands.
 */
const USER = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.replace(/\.$/, '').split('.');
  // An all-numeric dotted name is a malformed IPv4 address, not a name.
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => LABEL.test(l));
}

export function isSshUser(text: string): boolean {
  return USER.test(text);
}

/** `user@host:port` with brackets around IPv6 — also how ssh names it in known_hosts for port ≠ 22. */
export function hostLabel(user: string, host: string, port: number): string {
  return `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function parsePort(text: string): number | string {
  if (!/^\d{1,5}$/.test(text)) return `port "${text}" is not a number`;
  const port = Number(text);
  if (port < 1 || port > 65535) return `port ${port} is outside 1-65535`;
  return port;
}

/** Splits `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. */
function splitHostPort(text: string): { host: string; port?: string } | string {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return `"${text}": "[" without "]"`;
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `"${text}": expected ":port" after "]"`;
    return rest === '' ? { host: text.slice(1, close) } : { host: text.slice(1, close), port: rest.slice(1) };
  }
  const colons = text.split(':').length - 1;
  if (colons === 0) return { host: text };
  if (colons === 1) {
    const [host = '', port = ''] = text.split(':');
    return { host, port };
  }
  // Several colons and no brackets: a bare IPv6 address (no port possible).
  return { host: text };
}

function classify(host: string): SshHostEntry['kind'] | string {
  if (host === '') return 'no host';
  if (isIpv4(host)) return 'ipv4';
  if (host.includes(':')) return isIpv6(host) ? 'ipv6' : `"${host}" is not a valid IPv6 address (write it as [addr]:port with a port)`;
  if (/^[\d.]+$/.test(host)) return `"${host}" is not a valid IPv4 address`;
  if (!isHostName(host)) return `"${host}" is not an IP address or host name`;
  return 'name';
}

/** One entry (comments already removed). Returns the entry or the reason it is wrong. */
export function parseHostEntry(text: string, line: number, defaults: Pick<HostFileDefaults, 'user' | 'port'>): SshHostEntry | string {
  if (/\s/.test(text)) return `"${text}": one host per line (found spaces)`;
  let user = defaults.user;
  let rest = text;
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    user = text.slice(0, at);
    rest = text.slice(at + 1);
    if (!isSshUser(user)) return `user "${user}" is not a valid user name (letters, digits, "_", ".", "-"; no shell characters)`;
  }
  const split = splitHostPort(rest);
  if (typeof split === 'string') return split;
  let port = defaults.port;
  if (split.port !== undefined) {
    const parsed = parsePort(split.port);
    if (typeof parsed === 'string') return parsed;
    port = parsed;
  }
  const kind = classify(split.host);
  if (kind !== 'ipv4' && kind !== 'ipv6' && kind !== 'name') return kind;
  const host = split.host.toLowerCase();
  return { host, port, user, label: hostLabel(user, host, port), line, kind };
}

/** Parses the whole file; `problems` empty means every line was good. */
export function parseHostFile(text: string, defaults: HostFileDefaults): ParsedHostFile {
  const hosts: SshHostEntry[] = [];
  const duplicates: ParsedHostFile['duplicates'] = [];
  const problems: HostFileProblem[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const entry = raw.replace(/#.*$/, '').trim();
    if (entry === '') return;
    const parsed = parseHostEntry(entry, line, defaults);
    if (typeof parsed === 'string') return void problems.push({ line, message: parsed });
    const first = seen.get(parsed.label);
    if (first === undefined) {
      seen.set(parsed.label, line);
      hosts.push(parsed);
    } else if (defaults.deduplicate) {
      duplicates.push({ line, firstLine: first, label: parsed.label });
    } else {
      problems.push({ line, message: `${parsed.label} repeats line ${first} (with --no-deduplicate repeats are not dropped: remove one)` });
    }
  });
  if (hosts.length === 0 && problems.length === 0) problems.push({ line: 0, message: 'no hosts (only blank lines and comments)' });
  return { hosts, duplicates, problems };
}
