import type { Secret } from '../../domain/secret.js';
import type { SshHostEntry } from '../../domain/ssh-hosts.js';
import type { PairResult } from '../../domain/ssh-matrix.js';
import type { PublicKey } from '../../domain/ssh-trust.js';
import type { EventSink } from '../../ports/events.js';
import type { RemoteHost } from '../../ports/remote-host.js';
import type { OfferedHostKey, SshTrustIo } from '../../ports/ssh-trust.js';
import type { HostState } from './remote.js';
import type { TrustWriter } from './writer.js';

export interface SshTrustRequest {
  action: 'trust' | 'revoke';
  hosts: SshHostEntry[];
  password?: Secret;
  /** `--host-keys FILE`: pins every host key; never written. Otherwise the user's known_hosts. */
  hostKeys?: string;
  acceptNew: boolean;
  parallel: number;
  dryRun: boolean;
  /** trust: `--set-hostnames` (root only). */
  setHostnames?: boolean;
  /** With `--set-hostnames`: drop older lines of ours for the same name (default true). */
  deduplicate?: boolean;
  /** revoke: `--remove-keys`. */
  removeKeys?: boolean;
}

export interface SshTrustDeps {
  io: SshTrustIo;
  /**
   * Shows unknown host keys and asks to trust them (a terminal); undefined without one, so an
   * unknown key without `--accept-new` or `--host-keys` stops the run before any login.
   */
  confirmHostKeys?: (keys: { label: string; type: string; fingerprint: string }[]) => Promise<boolean>;
  /** The `--log` file (and `--verbose`): one line per action, never a secret. */
  log: (line: string) => void;
  events: EventSink;
  signal: AbortSignal;
}

/** One recorded change, made (or, in a dry run, that would be made) on one host. */
export interface TrustChange {
  action: 'generate-key' | 'append' | 'remove-lines' | 'chmod' | 'remove-key-pair' | 'set-hostnames';
  /** Path relative to the user's home (`.ssh/authorized_keys`), or `/etc/hosts`. */
  path: string;
  lines?: string[];
  mode?: string;
}

export interface HostFailure {
  step: string;
  code: string;
  message: string;
  hint?: string;
}

/** Everything the run knows about one host of the host file. */
export interface HostRun {
  entry: SshHostEntry;
  failure?: HostFailure;
  hostKey?: OfferedHostKey & { source: 'known' | 'pinned' | 'accepted' | 'confirmed' };
  remote?: RemoteHost;
  state?: HostState;
  /** The host's own public key; `pending` in a dry run where it would be generated. */
  key?: (PublicKey & { generated: boolean }) | 'pending';
  changes: TrustChange[];
  /** known_hosts names already bound to another key of the same type (left alone; ssh refuses them). */
  conflicts: string[];
}

export interface SshTrustContext {
  request: SshTrustRequest;
  deps: SshTrustDeps;
  hosts: HostRun[];
  pairs: PairResult[];
  /** Set when the N×N check ran. */
  verified: boolean;
  /** The write gate (records every change; makes it unless this is a dry run). */
  writer: TrustWriter;
}

export function live(ctx: SshTrustContext): HostRun[] {
  return ctx.hosts.filter((h) => h.failure === undefined);
}
