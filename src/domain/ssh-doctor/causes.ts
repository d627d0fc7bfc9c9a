/**
 * Why SSH mutual trust is lost: every cause the doctor can name, with what it checks and the
 * exact fix. A cause is only named after its check ran and found the evidence; what could not
 * be checked is said so (`unchecked`), never guessed.
 */

export const CAUSE_IDS = [
  'sshd-down',
  'wrong-port',
  'port-filtered',
  'host-unreachable',
  'maxstartups',
  'host-key-changed',
  'host-key-changed-ip',
  'host-key-unknown',
  'home-mode',
  'ssh-dir-mode',
  'authorized-keys-mode',
  'owner',
  'selinux-context',
  'key-missing',
  'authorized-keys-file',
  'key-mismatch',
  'private-key-mode',
  'account-locked',
  'password-expired',
  'rsa-sha1',
  'noisy-rc',
  'auth-refused',
  'ssh-failed',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

/** What `--fix` does for a safe cause; run on `Cause.host` (the host where the problem lives). */
export type FixAction =
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'chown'; path: string; user: string }
  | { kind: 'add-authorized-key'; user: string; file: string; line: string }
  | { kind: 'replace-known-host'; name: string; line: string };

export interface Cause {
  id: CauseId;
  /** The host (label) where the problem lives and where its fix is applied. */
  host: string;
  /** What is wrong, in one line. */
  summary: string;
  /** What was checked to find it. */
  checked: string;
  /** What the check saw (recorded output, modes, fingerprints). */
  evidence: string;
  /** The exact fix: a command to run on `host`, or the change to make. */
  fix: string;
  /** True when `--fix` applies it (`action`); otherwise `fix` is for a person to decide. */
  fixable: boolean;
  action?: FixAction;
  /** Why a safe-looking fix is not applied automatically (needs root, key not this tool's, no pin). */
  notFixableBecause?: string;
}

/** One line per cause id for the table in docs/ssh-trust.md and `--help`-level summaries. */
export const CAUSE_TITLES: Record<CauseId, string> = {
  'sshd-down': 'nothing listens on the SSH port and no SSH server answers on the other usual ports (connection refused)',
  'wrong-port': 'the port is refused, but an SSH server answers on another port of that host',
  'port-filtered': 'TCP to the SSH port times out: a firewall or security group drops it',
  'host-unreachable': 'no route to the host, or its name does not resolve',
  'maxstartups': 'sshd closed the connection before its banner (MaxStartups full, TCP wrappers)',
  'host-key-changed': "the peer's host key differs from the known_hosts entry for the name as typed",
  'host-key-changed-ip': "the peer's host key differs from the known_hosts entry for its address (checked separately)",
  'host-key-unknown': 'no known_hosts entry for the peer, and strict host key checking is on',
  'home-mode': 'home directory writable by group or others (sshd StrictModes)',
  'ssh-dir-mode': '~/.ssh writable by group or others; it must be 700 (StrictModes)',
  'authorized-keys-mode': 'authorized_keys writable by group or others; it must be 600 (StrictModes)',
  'owner': 'home, ~/.ssh or authorized_keys owned by someone other than the user or root (StrictModes)',
  'selinux-context': '~/.ssh or authorized_keys not labelled ssh_home_t (SELinux)',
  'key-missing': "the source's key is not in the peer's authorized_keys",
  'authorized-keys-file': "the key is in ~/.ssh/authorized_keys but sshd reads another AuthorizedKeysFile",
  'key-mismatch': 'the private key no longer matches the public key the peer holds (or its own .pub)',
  'private-key-mode': 'the private key is readable by others, so ssh ignores it',
  'account-locked': 'the account is locked (usermod -L / passwd -l): sshd refuses every login',
  'password-expired': 'the password or the account has expired',
  'rsa-sha1': 'an RSA key signed with SHA-1 (ssh-rsa) that the peer refuses (OpenSSH 8.8+)',
  'noisy-rc': 'a login shell start-up file prints output (breaks scp, rsync, sftp)',
  'auth-refused': 'the login was refused and none of the checks above explains it',
  'ssh-failed': 'ssh failed in a way the doctor does not recognise',
};
