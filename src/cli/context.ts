import type { ClusterConfig } from '../config/load.js';
import type { Manager } from '../ports/manager.js';
import type { NetworkProbe } from '../ports/network.js';
import type { SandboxStarter } from '../ports/sandbox.js';
import type { Cloud } from '../ports/cloud.js';
import type { RemoteHost } from '../ports/remote-host.js';
import type { KdcAddress } from '../domain/ip-port.js';
import type { PeerEntry } from '../domain/peers.js';
import type { ClientEntry, NodeEntry } from '../config/schema.js';
import type { Prompter } from '../ports/prompter.js';
import type { SshDoctorIo } from '../ports/ssh-doctor.js';
import type { Secret } from '../domain/secret.js';
import type { TlsProbe } from '../ports/tls-probe.js';
import type { Clock } from '../ports/clock.js';
import type { JournalStore, LockManager, VerificationStore } from '../ports/state.js';
import type { Output, ProgressMode } from './output.js';
import type { ClientConfigDownloader, LocalClientFiles } from '../ports/client-config.js';
import type { ActionLog, SshTrustIo } from '../ports/ssh-trust.js';

/** Options every command accepts (see `mrs-trust --help`). */
export interface GlobalOptions {
  config: string;
  json: boolean;
  verbose: boolean;
  yes: boolean;
  /** false with `--no-input`: never prompt. */
  input: boolean;
  progress: ProgressMode;
  /** `--accept-new`: trust (and record) SSH host keys never seen before; never a changed one. */
  acceptNew: boolean;
  /** `--trace-http FILE`: every Manager and cloud request and reply, secrets redacted (mode 0600). */
  traceHttp?: string;
}

/**
 * Adapter constructors, wired by main.ts. Each one imports its adapter lazily, so a command
 * loads only the I/O libraries it uses (and `--help` loads none).
 */
export interface AdapterFactories {
  manager(cluster: ClusterConfig, out: Output): Promise<Manager>;
  /**
   * An SSH host from a `nodes[i]` or `clients[i]` entry (paths already resolved by the config
   * loader). `field` is that entry's config path (`clusters.alpha.clients[0]`): errors name its
   * fields. Secrets are resolved here; nothing connects until first use. With a `prompter`
   * (a TTY without --no-input), an encrypted key without `keyPassphrase` is asked for once per key file.
   */
  remoteHost(entry: NodeEntry | ClientEntry, options: { field: string; acceptNew: boolean; out: Output; prompter?: Prompter }): Promise<RemoteHost>;
  /**
   * `manager.discovery: krb5conf`: realm and KDCs read over SSH from the client krb5.conf of the
   * cluster's `nodes` (first that answers wins; ASSUMED path, docs/assumptions.md).
   */
  kerberosFromNodes(cluster: ClusterConfig, options: { acceptNew: boolean; out: Output; prompter?: Prompter }): Promise<{ realm: string; kdcs: KdcAddress[]; peers: PeerEntry[]; source: string }>;
  /** Questions on the terminal (inquirer); only called on a TTY without --no-input. */
  prompter(): Promise<Prompter>;
  /** Fetches a server's TLS certificate without trusting it (the wizard shows it to pin it). */
  tlsProbe(): Promise<TlsProbe>;
  /**
   * The cloud API of one cluster (`clusters.<name>.cloud`: MRS cluster info, VPC security-group
   * rules), or with `rulesFile` a read-only offline view of an exported rules file. Throws a
   * UsageError naming the field when the cluster has no `cloud` block and no rules file is given.
   */
  cloud(cluster: ClusterConfig, out: Output, options?: { rulesFile?: string }): Promise<Cloud>;
  /** Client configuration tarballs on this machine: hash, krb5.conf inside, temp dirs (clients refresh). */
  clientFiles(): Promise<LocalClientFiles>;
  /** The Manager's client configuration download (ASSUMED endpoint, docs/assumptions.md). */
  clientConfigDownload(cluster: ClusterConfig, out: Output): Promise<ClientConfigDownloader>;
  /** Journal, locks and clock for the state directory next to the config file. */
  state(stateDir: string): Promise<{ journal: JournalStore; locks: LockManager; clock: Clock; verifications: VerificationStore }>;
  /**
   * Logins for `ssh doctor` (the password, the user's default key; host keys from `--host-keys`,
   * else known_hosts with `--accept-new`) and the `--host-keys` pins.
   */
  sshDoctor(options: { password?: Secret; hostKeys?: string; acceptNew: boolean; connectTimeoutMs: number; out: Output }): Promise<SshDoctorIo>;
  /**
   * The `ssh` commands: host key checks and logins to the hosts of a host file (ssh2), the
   * clock, and the `--log FILE` writer.
   */
  sshTrust(out: Output): Promise<{ io: SshTrustIo; clock: Clock; openLog(path: string): Promise<ActionLog> }>;
  /** TCP connects and the Kerberos probe, from this machine (precheck, link's precheck step). */
  network(): Promise<NetworkProbe>;
  /** The simulated clusters (docs/sandbox.md), for `sandbox up` and `--sandbox`. */
  sandbox(): Promise<SandboxStarter>;
}

export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdinIsTTY: boolean;
  global: GlobalOptions;
  adapters: AdapterFactories;
  /** Aborted on SIGINT/SIGTERM: long operations stop and clean up, then exit 130. */
  signal: AbortSignal;
}

/** A command module's entry point: parsed arguments in, result via `ctx.out.result()`. */
export type CommandRun<A extends unknown[] = unknown[]> = (ctx: CliContext, ...args: A) => Promise<void>;
