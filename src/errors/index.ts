/**
 * The one error tree of mrs-trust. Every error has a stable `code` (shown to users and asserted
 * in tests), an optional `hint` that names a flag, config field or command, and the `cause`.
 * Only `main.ts` catches; it maps `exitCode` to the process exit status.
 */

/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  check: 3,
  remote: 4,
  partial: 5,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra structured detail for `--json` output; never secrets. */
  details?: Record<string, unknown>;
}

export abstract class MrsTrustError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, exitCode: this.exitCode, details: this.details };
  }
}

/** Exit 2: bad flags, bad config, bad host file, no TTY without `--yes`. Nothing was written. */
export class UsageError extends MrsTrustError {
  readonly exitCode = ExitCode.usage;
}

/** Exit 2: a config file problem at a field path such as `clusters.alpha.manager.url`. */
export class ConfigError extends UsageError {
  readonly path: string;
  constructor(path: string, reason: string, options: ErrorOptions = {}) {
    super('CONFIG_INVALID', path ? `${path}: ${reason}` : reason, options);
    this.path = path;
  }
}

/** Exit 3: a check or precondition failed (pre-check, drift, lock held, peer limit, verify). */
export class CheckError extends MrsTrustError {
  readonly exitCode = ExitCode.check;
}

/** Exit 4: a remote system failed (login refused, TLS pin mismatch, unreachable, 5xx after retries, garbled reply). */
export class RemoteError extends MrsTrustError {
  readonly exitCode = ExitCode.remote;
}

/** Exit 5: some hosts or pairs failed, others succeeded. */
export class PartialError extends MrsTrustError {
  readonly exitCode = ExitCode.partial;
}

/** Exit 130: the user interrupted (Ctrl-C at a prompt or during a run). */
export class InterruptedError extends MrsTrustError {
  readonly exitCode = ExitCode.interrupted;
  constructor(message = 'interrupted', options: ErrorOptions = {}) {
    super('INTERRUPTED', message, options);
  }
}

export function isMrsTrustError(error: unknown): error is MrsTrustError {
  return error instanceof MrsTrustError;
}

/** The exit code for anything thrown: ours carry one, anything else is a bug (1). */
export function exitCodeOf(error: unknown): ExitCodeValue {
  return isMrsTrustError(error) ? error.exitCode : ExitCode.internal;
}

/**
 * Codes of `link` on MRS 3.x (docs/mrs3.md "When it stops"): exit code and the command or flag
 * each hint names. A test holds this table and docs/mrs3.md together.
 */
export const MRS3_ERROR_CODES = {
  DOWNTIME_NOT_CONFIRMED: { exitCode: ExitCode.usage, hint: '--allow-downtime (or type the confirmation on a terminal)' },
  MANUAL_STEP_REQUIRED: { exitCode: ExitCode.check, hint: 'the exact `mrs-trust resume A B --yes --config FILE` after the printed checklist' },
  CONSOLE_STEP_NOT_DONE: { exitCode: ExitCode.check, hint: 'the missing console step with its values, then `mrs-trust resume A B`' },
  CLUSTERS_NOT_STARTED: { exitCode: ExitCode.check, hint: 'start the clusters (or restart the configuration-expired instances), then `mrs-trust resume A B`' },
  REALM_CONFIG_FAILED: { exitCode: ExitCode.remote, hint: 'the script output on the active management node, then `mrs-trust resume A B`' },
  ACTIVE_NODE_UNKNOWN: { exitCode: ExitCode.check, hint: 'wait for the OMS switchover, then run the same command again' },
  OM_NO_ACTIVE_NODE: { exitCode: ExitCode.check, hint: 'add the active management node under clusters.<name>.nodes' },
  NO_MANAGEMENT_NODE: { exitCode: ExitCode.check, hint: 'add the management nodes under clusters.<name>.nodes' },
  BIGDATA_HOME_UNSET: { exitCode: ExitCode.check, hint: 'clusters.<name>.nodes[i] must be a management node' },
  STATUS_OMS_UNREADABLE: { exitCode: ExitCode.remote, hint: 'run status-oms.sh as omm on that node' },
  KRB5CONF_INVALID: { exitCode: ExitCode.remote, hint: 'fix the node\'s krb5.conf' },
  MRS3_NOT_CONFIGURED: { exitCode: ExitCode.check, hint: 'set clusters.<name>.mrsVersion to the 3.x version' },
} as const;
