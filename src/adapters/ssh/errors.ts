import { RemoteError } from '../../errors/index.js';
import type { SshTarget } from '../../ports/remote-host.js';
import type { Verdict } from './host-key.js';

/**
 * ssh2 and socket errors → RemoteError with a stable code and a hint naming the config field.
 * `verdict` is what the host-key check decided, when it refused the key.
 */
export function toRemoteError(error: unknown, target: SshTarget, label: string, verdict?: Verdict): RemoteError {
  if (error instanceof RemoteError) return error;
  if (verdict && verdict.kind !== 'trusted') return hostKeyError(error, target, label, verdict);
  return connectionError(error, target, label);
}

function hostKeyError(error: unknown, target: SshTarget, label: string, verdict: Exclude<Verdict, { kind: 'trusted' }>): RemoteError {
  const f = target.field;
  if (verdict.kind === 'unknown') {
    return new RemoteError('HOST_KEY_UNKNOWN', `${label}: host key ${verdict.fingerprint} is not known`, {
      hint: `check it out of band (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host), then set ${f}.hostKey: "${verdict.fingerprint}" or rerun with --accept-new`,
      details: { fingerprint: verdict.fingerprint },
      cause: error,
    });
  }
  const source = target.hostKey ? `${f}.hostKey` : `${f}.knownHosts (${target.knownHosts ?? '~/.ssh/known_hosts'})`;
  return new RemoteError('HOST_KEY_CHANGED', `${label}: HOST KEY CHANGED: offered ${verdict.fingerprint}, expected ${verdict.expected}${verdict.revoked ? ' (the key is marked @revoked)' : ''}`, {
    hint: `someone may be intercepting the connection, or the host was rebuilt; confirm the new key out of band, then update ${source} (--accept-new never accepts a changed key)`,
    details: { fingerprint: verdict.fingerprint, expected: verdict.expected },
    cause: error,
  });
}

function authError(error: unknown, target: SshTarget, label: string): RemoteError {
  const f = target.field;
  const how = target.key ? `${f}.key (${target.key})` : target.password ? `${f}.password` : `${f}.key or ${f}.password`;
  const method = target.key ? 'public key' : target.password ? 'password' : target.agent ? 'ssh-agent keys' : 'no key or password configured';
  return new RemoteError('SSH_AUTH_FAILED', `${label}: authentication failed (${method})`, {
    hint: `check ${f}.user and ${how}; the key must be in the host's ~${target.user}/.ssh/authorized_keys`,
    cause: error,
  });
}

const UNREACHABLE = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL'];

function connectionError(error: unknown, target: SshTarget, label: string): RemoteError {
  const e = (error ?? {}) as { code?: string; level?: string; message?: string };
  const f = target.field;
  const message = e.message ?? String(error);
  if (e.level === 'client-authentication') return authError(error, target, label);
  if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return new RemoteError('SSH_TIMEOUT', `${label}: no SSH answer in time (${message})`, { hint: `check ${f}.host, ${f}.port and firewalls/security groups (TCP ${target.port})`, cause: error });
  }
  if (e.code !== undefined && UNREACHABLE.includes(e.code)) {
    const what = e.code === 'ECONNREFUSED' ? 'connection refused (is sshd running on that port?)' : e.code === 'ENOTFOUND' ? 'host name not found' : 'host unreachable';
    return new RemoteError('SSH_REFUSED', `${label}: ${what}`, { hint: `check ${f}.host and ${f}.port`, cause: error });
  }
  return new RemoteError('SSH_DISCONNECTED', `${label}: connection lost (${message})`, { hint: `retry; if it repeats, check the host's sshd (MaxStartups, MaxSessions) and ${f}.host`, cause: error });
}

export function disconnected(label: string, target: SshTarget, what: string): RemoteError {
  return new RemoteError('SSH_DISCONNECTED', `${label}: connection closed during ${what}`, { hint: `retry; check the host's sshd and ${target.field}.host` });
}
