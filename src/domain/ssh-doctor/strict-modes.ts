import type { SshHostEntry } from '../ssh-hosts.js';
import type { Cause } from './causes.js';
import type { HostFacts } from './facts.js';
import type { PathStat } from './records.js';
import { shellQuote } from '../shell.js';

/**
 * sshd's StrictModes and SELinux checks on the peer's side: the home directory, `~/.ssh` and
 * the authorized keys files must be owned by the user or root and not writable by group or
 * others (OpenSSH `auth_secure_path`), else sshd ignores the keys without telling the client.
 */

const octal = (mode: number) => mode.toString(8).padStart(3, '0');
const writableBy = (mode: number) => [mode & 0o020 ? 'group' : '', mode & 0o002 ? 'others' : ''].filter(Boolean).join(' and ');

function statOf(facts: HostFacts, path: string): PathStat | undefined {
  return facts.stats.find((s) => s.path === path && s.exists);
}

function ownerCause(to: SshHostEntry, facts: HostFacts, s: PathStat, userUid: number | undefined): Cause | undefined {
  if (s.uid === undefined || s.uid === 0 || s.uid === userUid) return undefined;
  const fix = `chown ${shellQuote(facts.user)} ${shellQuote(s.path)}`;
  const base: Cause = {
    id: 'owner',
    host: to.label,
    summary: `${s.path} is owned by ${s.owner ?? s.uid}, not ${facts.user} or root: sshd ignores the keys`,
    checked: `stat ${s.path} on ${to.label}`,
    evidence: `owner ${s.owner ?? ''} (uid ${s.uid}), mode ${octal(s.mode ?? 0)}`,
    fix: `${fix}   # as root`,
    fixable: facts.asRoot,
  };
  return facts.asRoot ? { ...base, action: { kind: 'chown', path: s.path, user: facts.user } } : { ...base, notFixableBecause: 'changing an owner needs root: rerun with --inspect-as root' };
}

function modeCause(id: 'home-mode' | 'ssh-dir-mode' | 'authorized-keys-mode', to: SshHostEntry, s: PathStat, target: number): Cause | undefined {
  const mode = s.mode ?? 0;
  if ((mode & 0o022) === 0) return undefined;
  const newMode = id === 'home-mode' ? mode & ~0o022 : target;
  return {
    id,
    host: to.label,
    summary: `${s.path} is mode ${octal(mode)} (writable by ${writableBy(mode)}): sshd StrictModes ignores the keys`,
    checked: `stat ${s.path} on ${to.label}`,
    evidence: `mode ${octal(mode)}, owner ${s.owner ?? s.uid ?? '?'}`,
    fix: `chmod ${octal(newMode)} ${shellQuote(s.path)}`,
    fixable: true,
    action: { kind: 'chmod', path: s.path, mode: newMode },
  };
}

/** StrictModes causes on `to` (skipped when its sshd says `strictmodes no`). */
export function strictModeCauses(to: SshHostEntry, facts: HostFacts): Cause[] {
  if (facts.sshd?.get('strictmodes') === 'no' || facts.home === undefined) return [];
  const home = facts.home.replace(/\/$/, '') || '/';
  const userUid = facts.uid;
  const ssh = `${home}/.ssh`;
  const files = facts.authorized.map((a) => a.path).filter((p) => statOf(facts, p));
  const checks: [PathStat | undefined, 'home-mode' | 'ssh-dir-mode' | 'authorized-keys-mode', number][] = [
    [statOf(facts, home), 'home-mode', 0o755],
    [statOf(facts, ssh), 'ssh-dir-mode', 0o700],
    ...files.map((p): [PathStat | undefined, 'authorized-keys-mode', number] => [statOf(facts, p), 'authorized-keys-mode', 0o600]),
  ];
  const causes: Cause[] = [];
  for (const [s, id, target] of checks) {
    if (!s) continue;
    const owner = ownerCause(to, facts, s, userUid);
    if (owner) causes.push(owner);
    const mode = modeCause(id, to, s, target);
    if (mode) causes.push(mode);
  }
  return causes;
}

/**
 * SELinux: sshd (confined as sshd_t) can read keys only when `~/.ssh` and its files are
 * labelled `ssh_home_t`. Judged from `ls -dZ` output (recorded where SELinux is absent).
 */
export function selinuxCauses(to: SshHostEntry, facts: HostFacts): Cause[] {
  if (/^(disabled|absent)$/i.test(facts.selinux) && facts.labels.length === 0) return [];
  const wrong = facts.labels.filter((l) => /\/\.ssh(\/authorized_keys2?)?$/.test(l.path) && l.type !== 'ssh_home_t');
  if (wrong.length === 0) return [];
  const dir = facts.home ? `${facts.home.replace(/\/$/, '')}/.ssh` : '~/.ssh';
  return [
    {
      id: 'selinux-context',
      host: to.label,
      summary: `${wrong.map((l) => l.path).join(', ')} labelled ${wrong.map((l) => l.type).join(', ')}, not ssh_home_t: sshd may not read the keys (SELinux ${facts.selinux})`,
      checked: `ls -dZ ${dir} ${dir}/authorized_keys on ${to.label}`,
      evidence: wrong.map((l) => `${l.context} ${l.path}`).join('; '),
      fix: `restorecon -Rv ${shellQuote(dir)}`,
      fixable: false,
      notFixableBecause: 'relabelling is left to the administrator (semanage fcontext may be needed for a non-standard home)',
    },
  ];
}
