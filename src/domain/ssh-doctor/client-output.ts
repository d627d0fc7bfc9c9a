/**
 * Reads what the OpenSSH client said: the exit code and `ssh -v` output of one probe from
 * host X to host Y (OpenSSH 7.x–9.x wording). Pure: the text is recorded on X.
 */

export type ProbeOutcome =
  | 'ok'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'name-unknown'
  | 'closed-before-banner'
  | 'host-key-changed'
  | 'host-key-unknown'
  | 'auth-refused'
  | 'password-change-required'
  | 'login-shell-refused'
  | 'failed';

export interface ClientReading {
  outcome: ProbeOutcome;
  /** `ssh-ed25519 SHA256:…` the server offered (present once the key exchange happened). */
  serverHostKey?: { type: string; fingerprint: string };
  /** The client's own version line (`OpenSSH_9.2p1`). */
  clientVersion?: string;
  /** Keys the client offered: path, type (`ED25519`, `RSA`), fingerprint. */
  offered: { path: string; type: string; fingerprint: string }[];
  /** Keys the server said it would accept (before the signature). */
  accepted: string[];
  /** Private keys the client ignored because of their modes (`Permissions 0644 for '…' are too open`). */
  unprotected: { path: string; mode: string }[];
  /** `send_pubkey_test: no mutual signature algorithm` (RSA/SHA-1 vs a modern peer). */
  noMutualSignature: boolean;
  /** The line that decided the outcome (or the last non-debug lines). */
  evidence: string;
}

const RULES: [ProbeOutcome, RegExp][] = [
  ['host-key-changed', /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed|has been revoked/],
  ['host-key-unknown', /No \S+ host key is known for .*strict checking|Host key verification failed/],
  ['refused', /connect to host \S+ port \d+: Connection refused/],
  ['timeout', /connect to host \S+ port \d+: (Connection|Operation) timed out/],
  ['unreachable', /connect to host \S+ port \d+: (No route to host|Network is unreachable)/],
  ['name-unknown', /Could not resolve hostname/],
  ['closed-before-banner', /kex_exchange_identification|Connection (reset|closed) by (remote host|peer)|ssh_exchange_identification/],
  ['password-change-required', /password has expired|Password change required/i],
  ['login-shell-refused', /This account is currently not available/],
  ['auth-refused', /Permission denied \(|Too many authentication failures|No more authentication methods to try/],
];

function userLines(stderr: string): string[] {
  return stderr.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !/^(debug\d|OpenSSH_)/.test(l));
}

function decide(exitCode: number | null, stderr: string): { outcome: ProbeOutcome; evidence: string } {
  for (const [outcome, pattern] of RULES) {
    const line = stderr.split('\n').find((l) => pattern.test(l));
    if (line !== undefined && exitCode !== 0) return { outcome, evidence: line.replace(/\r$/, '').trim() };
  }
  if (exitCode === 0) return { outcome: 'ok', evidence: 'exit 0' };
  return { outcome: 'failed', evidence: `exit ${exitCode ?? 'signal'}: ${userLines(stderr).slice(-3).join(' | ') || 'no message'}` };
}

export function readClientOutput(exitCode: number | null, stderr: string): ClientReading {
  const { outcome, evidence } = decide(exitCode, stderr);
  const host = /Server host key: (\S+) (SHA256:[A-Za-z0-9+/]+)/.exec(stderr);
  const version = /^(?:debug1: )?(OpenSSH_[^\s,]+)/m.exec(stderr);
  const offered = [...stderr.matchAll(/Offering public key: (\S+) (\S+) (SHA256:[A-Za-z0-9+/]+)/g)].map((m) => ({ path: m[1] ?? '', type: m[2] ?? '', fingerprint: m[3] ?? '' }));
  const accepted = [...stderr.matchAll(/Server accepts key: (\S+)/g)].map((m) => m[1] ?? '');
  const unprotected = [...stderr.matchAll(/Permissions (0?[0-7]{3,4}) for '([^']+)' are too open/g)].map((m) => ({ mode: m[1] ?? '', path: m[2] ?? '' }));
  return {
    outcome,
    ...(host ? { serverHostKey: { type: host[1] ?? '', fingerprint: host[2] ?? '' } } : {}),
    ...(version ? { clientVersion: version[1] ?? '' } : {}),
    offered,
    accepted,
    unprotected,
    noMutualSignature: /no mutual signature algorithm/.test(stderr),
    evidence,
  };
}

/** `OpenSSH_7.1p2` → [7, 1]; clients before 7.2 can only sign with RSA/SHA-1 (`ssh-rsa`). */
export function opensshVersion(text: string | undefined): [number, number] | undefined {
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export interface KnownEntry {
  /** How the entry names the host (hashed entries print the name looked up). */
  name: string;
  type: string;
  fingerprint: string;
  line: number;
}

/** `ssh-keygen -l -F NAME -f known_hosts` output → the matching entries with their fingerprints. */
export function parseKnownLookup(text: string): KnownEntry[] {
  const entries: KnownEntry[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    const found = /^# Host \S+ found: line (\d+)/.exec(raw);
    if (found) {
      line = Number(found[1]);
      continue;
    }
    const m = /^(\S+) (\S+) (SHA256:[A-Za-z0-9+/]+)/.exec(raw.trim());
    if (m) entries.push({ name: m[1] ?? '', type: m[2] ?? '', fingerprint: m[3] ?? '', line });
  }
  return entries;
}

/** `# 10.0.0.2:2222 SSH-2.0-OpenSSH_9.2p1` lines from ssh-keyscan: ports where an SSH server answered. */
export function parseBanners(text: string): { port: number; banner: string }[] {
  return [...text.matchAll(/^# \S+?:(\d+) (SSH-\S+)/gm)].map((m) => ({ port: Number(m[1]), banner: m[2] ?? '' }));
}
