import type { SshHostEntry } from '../ssh-hosts.js';
import { shellQuote } from '../shell.js';
import { knownHostsName } from '../ssh-trust.js';
import type { Cause } from './causes.js';
import type { KnownEntry } from './client-output.js';
import type { HostFacts, PairProbe } from './facts.js';
import { keyCauses, privateKeyCauses, rsaCauses } from './key-causes.js';
import { MARK_HOST } from './marks.js';
import { parseMaxStartups } from './records.js';
import { selinuxCauses, strictModeCauses } from './strict-modes.js';

/**
 * The verdict for one ordered pair X → Y, from what X's plain `ssh` said (the probe) and what
 * the inspection found on X and Y. Every cause named here was checked; what could not be
 * checked (a host this machine could not log into) is listed in `unchecked`.
 */
export interface PairInput {
  from: SshHostEntry;
  to: SshHostEntry;
  /** Undefined: X could not be reached from this machine, so nothing ran on X. */
  probe?: PairProbe;
  /** Why the probe did not run (this machine's login to X failed). */
  probeError?: string;
  fromFacts?: HostFacts;
  toFacts?: HostFacts;
  /** Why Y could not be inspected (this machine's own login to Y failed), when it could not. */
  toError?: string;
  /** Y's host key as pinned by `--host-keys` (by the name X uses), with its fingerprint. */
  pin?: { fingerprint: string; line: string };
}

export interface PairDiagnosis {
  from: string;
  to: string;
  status: 'ok' | 'failed' | 'unchecked';
  /** The outcome of X's `ssh` to Y (`ok`, `refused`, `auth-refused`, …), when it ran. */
  outcome?: string;
  causes: Cause[];
  /** Checks that could not run, and why. */
  unchecked: string[];
}

function cause(id: Cause['id'], host: SshHostEntry, rest: Omit<Cause, 'id' | 'host' | 'fixable'> & { fixable?: boolean }): Cause {
  return { id, host: host.label, fixable: false, ...rest };
}

function connectionCauses(p: PairInput, probe: PairProbe): Cause[] {
  const { from, to } = p;
  const r = probe.reading;
  const checked = `ssh from ${from.label} to ${to.host} port ${to.port}`;
  switch (r.outcome) {
    case 'refused': {
      const other = probe.banners[0];
      if (other) return [cause('wrong-port', to, { summary: `port ${to.port} is refused, but an SSH server answers on port ${other.port}`, checked: `${checked}, then ssh-keyscan of the other ports`, evidence: `${r.evidence}; port ${other.port}: ${other.banner}`, fix: `use ${to.user}@${to.host}:${other.port} in the host file (or move sshd back to port ${to.port}: Port ${to.port} in sshd_config)` })];
      return [cause('sshd-down', to, { summary: `nothing listens on ${to.host}:${to.port} (connection refused) and no SSH server answers on the other ports tried`, checked: `${checked}, then ssh-keyscan of ports 22 and the host file's ports`, evidence: `${r.evidence}${p.toError ? `; from this machine: ${p.toError}` : ''}`, fix: `start sshd on ${to.host} (systemctl start sshd, or service ssh start) and check its Port` })];
    }
    case 'timeout':
      return [cause('port-filtered', to, { summary: `TCP ${to.port} from ${from.label} to ${to.host} times out: a firewall or security group drops it`, checked, evidence: r.evidence, fix: `allow TCP ${to.port} from ${from.host} to ${to.host} (iptables/firewalld on ${to.host}, security groups, network ACLs)` })];
    case 'unreachable':
    case 'name-unknown':
      return [cause('host-unreachable', to, { summary: `${from.label} cannot reach ${to.host}: ${r.evidence}`, checked, evidence: r.evidence, fix: r.outcome === 'name-unknown' ? `make ${to.host} resolvable on ${from.host} (/etc/hosts, DNS) or use its address` : `check routing between ${from.host} and ${to.host}` })];
    case 'closed-before-banner':
      return [maxStartupsCause(p, probe)];
    default:
      return [];
  }
}

function maxStartupsCause(p: PairInput, probe: PairProbe): Cause {
  const value = p.toFacts?.sshd?.get('maxstartups');
  const limits = parseMaxStartups(value);
  const retried = probe.retryExitCode === undefined ? '' : probe.retryExitCode === 0 ? '; retried alone 1 s later: it worked' : `; retried alone 1 s later: failed again (exit ${probe.retryExitCode})`;
  return cause('maxstartups', p.to, {
    summary: `${p.to.label}'s sshd closed the connection before its banner${probe.retryExitCode === 0 ? ' under load (MaxStartups)' : ' (MaxStartups full, TCP wrappers, or sshd failing)'}`,
    checked: `ssh from ${p.from.label}, retried once alone${value ? `; sshd -T on ${p.to.label}` : ''}`,
    evidence: `${probe.reading.evidence}${retried}${value ? `; maxstartups ${value}` : ''}${p.toFacts?.sshdCommand ? `; ${p.toFacts.sshdCommand.trim()}` : ''}`,
    fix: `connect fewer at once (--parallel) or raise MaxStartups in ${p.to.host}'s sshd_config${limits ? ` (now ${limits.start}:${limits.rate}:${limits.full})` : ''}, then reload sshd`,
  });
}

const showKnown = (entries: KnownEntry[]) => entries.map((e) => `line ${e.line}: ${e.name} ${e.type} ${e.fingerprint}`).join('; ');

type FixPart = Pick<Cause, 'fix' | 'fixable' | 'action' | 'notFixableBecause'>;

/** Replacing a known_hosts entry is safe only when --host-keys pins exactly the key now offered. */
function hostKeyFix(p: PairInput, offered: string | undefined, name: string): FixPart {
  const fix = `ssh-keygen -R ${shellQuote(name)} -f ~/.ssh/known_hosts   # on ${p.from.label}, then add the new key after checking it out of band`;
  if (p.pin && offered !== undefined && p.pin.fingerprint === offered) return { fix, fixable: true, action: { kind: 'replace-known-host', name, line: `${name} ${p.pin.line} ${MARK_HOST}${p.to.label}` } };
  return { fix, fixable: false, notFixableBecause: p.pin ? `the offered key ${offered ?? '?'} is not the one --host-keys pins (${p.pin.fingerprint})` : 'the new key is not pinned by --host-keys' };
}

const isStale = (entries: KnownEntry[] | undefined, offered: string | undefined): entries is KnownEntry[] => offered !== undefined && entries !== undefined && entries.length > 0 && !entries.some((e) => e.fingerprint === offered);

function hostKeyCauses(p: PairInput, probe: PairProbe): Cause[] {
  const { from, to } = p;
  const offered = probe.reading.serverHostKey;
  const fpr = offered?.fingerprint;
  const name = knownHostsName(to.host, to.port);
  const causes: Cause[] = [];
  if (isStale(probe.known, fpr)) {
    causes.push(cause('host-key-changed', from, { summary: `${to.label} now offers ${fpr}; ${from.label}'s known_hosts has another key for ${name}`, checked: `ssh -v and ssh-keygen -l -F ${name} on ${from.label}`, evidence: `offered ${offered?.type ?? ''} ${fpr}; known: ${showKnown(probe.known)}`, ...hostKeyFix(p, fpr, name) }));
  }
  if (probe.address && isStale(probe.knownByAddress, fpr)) {
    const n = knownHostsName(probe.address, to.port);
    causes.push(cause('host-key-changed-ip', from, { summary: `${to.host} (${probe.address}) now offers ${fpr}; ${from.label}'s known_hosts has another key for the address ${n}`, checked: `ssh-keygen -l -F ${n} on ${from.label}`, evidence: `offered ${fpr}; known: ${showKnown(probe.knownByAddress)}`, ...hostKeyFix(p, fpr, n) }));
  }
  if (causes.length === 0 && probe.known.length === 0) {
    causes.push(cause('host-key-unknown', from, { summary: `${from.label}'s known_hosts has no key for ${name} and strict checking refuses it`, checked: `ssh -v and ssh-keygen -l -F ${name} on ${from.label}`, evidence: `${probe.reading.evidence}; offered ${fpr ?? '?'}`, ...hostKeyFix(p, fpr, name), fix: `add ${to.host}'s key to ~/.ssh/known_hosts on ${from.label} after checking it (mrs-trust ssh trust --host-keys FILE)` }));
  }
  return causes;
}

function accountCauses(p: PairInput, y: HostFacts, outcome: string): Cause[] {
  const a = y.account;
  if (!a) return [];
  const pam = y.sshd?.get('usepam');
  const user = shellQuote(y.user);
  const checked = `getent shadow ${y.user} and sshd -T (usepam) on ${p.to.label}`;
  const causes: Cause[] = [];
  // NOTE: without PAM, sshd itself refuses a locked account (a "!" hash prefix) for every method,
  // keys included (OpenSSH auth.c allowed_user); with PAM, pam_unix lets key logins through.
  if (a.locked && pam !== 'yes') causes.push(cause('account-locked', p.to, { summary: `${y.user} is locked on ${p.to.label}: sshd refuses every login, keys included`, checked, evidence: `${a.evidence}${y.passwdStatus ? `; passwd -S: ${y.passwdStatus}` : ''}; usepam ${pam ?? '?'}`, fix: `usermod -U ${user}   # as root on ${p.to.host}, if the lock was not deliberate` }));
  if (a.accountExpired) causes.push(cause('password-expired', p.to, { summary: `the account ${y.user} expired on ${p.to.label}`, checked, evidence: a.evidence, fix: `chage -E -1 ${user}   # as root on ${p.to.host}` }));
  else if (a.passwordExpired && (pam === 'yes' || outcome === 'password-change-required')) causes.push(cause('password-expired', p.to, { summary: `${y.user}'s password expired on ${p.to.label}: PAM demands a change no batch login can make`, checked, evidence: `${a.evidence}; usepam ${pam ?? '?'}`, fix: `passwd ${user}   # as root on ${p.to.host}, or chage -M -1 ${user}` }));
  return causes;
}

function authCauses(p: PairInput, probe: PairProbe, unchecked: string[]): Cause[] {
  const { from, to, fromFacts: x, toFacts: y } = p;
  const causes = [...privateKeyCauses(from, probe.reading), ...rsaCauses(from, to, probe.reading, y)];
  if (!y) unchecked.push(`${to.label} could not be inspected (${p.toError ?? 'no login'}): account, StrictModes, SELinux and authorized_keys not checked; --inspect-as root reads them`);
  if (!x) unchecked.push(`${from.label}'s own keys could not be read`);
  if (y) {
    causes.push(...accountCauses(p, y, probe.reading.outcome), ...strictModeCauses(to, y), ...selinuxCauses(to, y));
    if (x) causes.push(...keyCauses(from, to, x, y));
    if (!y.account) unchecked.push(`account lock and expiry on ${to.label} (needs root: --inspect-as root)`);
  }
  if (causes.length === 0) {
    causes.push(cause('auth-refused', to, { summary: `${to.label} refused ${from.label}'s key and no check explains why`, checked: `ssh -v from ${from.label}${y ? `; account, modes, owners, SELinux and keys on ${to.label}` : ''}`, evidence: `${probe.reading.evidence}; offered: ${probe.reading.offered.map((o) => `${o.path} ${o.type}`).join(', ') || 'no key'}`, fix: `read ${to.host}'s sshd log (journalctl -u ssh, /var/log/auth.log or /var/log/secure) for the reason` }));
  }
  return causes;
}

function noiseCause(p: PairInput, probe: PairProbe): Cause {
  const first = probe.stdout.split('\n').find((l) => l.trim() !== '') ?? probe.stdout;
  return cause('noisy-rc', p.to, {
    summary: `a plain "ssh ${p.to.host} true" prints output: a start-up file of ${p.to.user}'s shell on ${p.to.label} writes to stdout`,
    checked: `ssh from ${p.from.label} running "true" (stdout must stay empty)`,
    evidence: `stdout: ${JSON.stringify(first.slice(0, 120))}${p.toFacts?.noise ? ` (also seen by this machine's login)` : ''}`,
    fix: `in ~/.bashrc (or ~/.cshrc, /etc/bash.bashrc) print only in interactive shells: [ -t 1 ] && echo …, or case $- in *i*) … esac`,
  });
}

/** Everything known about the pair X → Y, as one verdict. */
export function diagnosePair(p: PairInput): PairDiagnosis {
  const base = { from: p.from.label, to: p.to.label };
  const probe = p.probe;
  if (!probe) return { ...base, status: 'unchecked', causes: [], unchecked: [`${p.from.label} could not be reached from this machine (${p.probeError ?? 'no login'}), so its ssh to ${p.to.label} was not tried`] };
  const unchecked: string[] = [];
  const outcome = probe.reading.outcome;
  let causes: Cause[];
  if (outcome === 'ok') causes = probe.stdout.trim() === '' ? [] : [noiseCause(p, probe)];
  else if (outcome === 'host-key-changed' || outcome === 'host-key-unknown') causes = hostKeyCauses(p, probe);
  else if (outcome === 'auth-refused' || outcome === 'password-change-required') causes = authCauses(p, probe, unchecked);
  else causes = connectionCauses(p, probe);
  if (causes.length === 0 && outcome !== 'ok') {
    causes = [cause('ssh-failed', p.to, { summary: `ssh from ${p.from.label} to ${p.to.label} failed: ${probe.reading.evidence}`, checked: `ssh -v from ${p.from.label}`, evidence: probe.stderr.split('\n').filter((l) => !l.startsWith('debug')).slice(-5).join(' | '), fix: `run: ssh -v -p ${p.to.port} ${p.to.user}@${p.to.host} true   # on ${p.from.host}, and read ${p.to.host}'s sshd log` })];
  }
  return { ...base, status: causes.length === 0 ? 'ok' : 'failed', outcome, causes, unchecked };
}
