#!/usr/bin/env node
/**
 * Process entry: parses the command line, builds the context, wires adapters into ports, runs
 * one command and maps errors to exit codes. The only place that catches.
 * Imports here stay minimal: `--help` must load commander and nothing else (bench/startup).
 */
import { readFileSync } from 'node:fs';
import { buildProgram } from './cli/program.js';
import { packageFile } from './package-root.js';
import type { AdapterFactories, CliContext, GlobalOptions } from './cli/context.js';
import type { Prompter } from './ports/prompter.js';
import type { Secret } from './domain/secret.js';
import type { HttpTrace } from './adapters/http-trace/index.js';

const EXIT = { usage: 2, internal: 1, interrupted: 130 } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** One question per encrypted key file, however many hosts use it. */
const passphrases = new Map<string, Promise<Secret>>();
function askPassphrase(key: string, prompter: Prompter): Promise<Secret> {
  let answer = passphrases.get(key);
  if (!answer) {
    answer = Promise.all([prompter.password({ message: `Passphrase for SSH key ${key}` }), import('./domain/secret.js')]).then(([value, { Secret: S }]) => new S(value, `prompt:${key}`));
    passphrases.set(key, answer);
  }
  return answer;
}

/**
 * The environment of this run: a copy of process.env, so that a secret the wizard collects for an
 * `{ env: NAME }` reference lives here for this run only (never in process.env, never inherited
 * by a child process). Every adapter that resolves secrets reads this copy.
 */
const runEnv: NodeJS.ProcessEnv = { ...process.env };

/** `--trace-http FILE`: opened once per run (before the command), closed at the end. */
let trace: HttpTrace | undefined;

/** Lazily loaded adapters: each factory imports its adapter only when a command asks for it. */
const adapters: AdapterFactories = {
  async cloud(cluster, out, options) {
    const { createCloud } = await import('./adapters/cloud/index.js');
    return createCloud(cluster, { warn: (line) => out.warn(line), debug: (line) => out.debug(line) }, { ...options, ...(trace ? { trace } : {}) });
  },
  async prompter() {
    const { createPrompter } = await import('./adapters/prompter/index.js');
    return createPrompter();
  },
  async tlsProbe() {
    const { createTlsProbe } = await import('./adapters/tls-probe/index.js');
    return createTlsProbe();
  },
  async state(stateDir) {
    const { createState } = await import('./adapters/state/index.js');
    return createState(stateDir);
  },
  async kerberosFromNodes(cluster, options) {
    const { discoverFromNodes } = await import('./adapters/ssh/krb5conf-discovery.js');
    const field = `clusters.${cluster.name}`;
    const hosts = await Promise.all((cluster.nodes ?? []).map((node, i) => adapters.remoteHost(node, { ...options, field: `${field}.nodes[${i}]` })));
    return discoverFromNodes(hosts, field);
  },
  async remoteHost(entry, { field, acceptNew, out, prompter }) {
    const [{ createRemoteHost, keyNeedsPassphrase }, { resolveSecret }] = await Promise.all([import('./adapters/ssh/index.js'), import('./config/secrets.js')]);
    let passphrase = entry.keyPassphrase ? await resolveSecret(entry.keyPassphrase, `${field}.keyPassphrase`, runEnv) : undefined;
    if (!passphrase && entry.key && prompter && (await keyNeedsPassphrase(entry.key))) passphrase = await askPassphrase(entry.key, prompter);
    const password = entry.password ? await resolveSecret(entry.password, `${field}.password`, runEnv) : undefined;
    const target = { host: entry.host, port: entry.port, user: entry.user, key: entry.key, passphrase, password, hostKey: entry.hostKey, knownHosts: entry.knownHosts, field, agent: runEnv.SSH_AUTH_SOCK };
    return createRemoteHost(target, { acceptNew, log: { warn: (line) => out.warn(line), debug: (line) => out.debug(line) } });
  },
  async sshDoctor({ password, hostKeys, acceptNew, connectTimeoutMs, out }) {
    const { createSshDoctorIo } = await import('./adapters/ssh/doctor-io.js');
    return createSshDoctorIo({ ...(password ? { password } : {}), ...(hostKeys ? { hostKeys } : {}), acceptNew, connectTimeoutMs, env: runEnv, log: { warn: (line) => out.warn(line), debug: (line) => out.debug(line) } });
  },
  async sshTrust(out) {
    const [{ createSshTrustIo }, { openActionLog }, { systemClock }] = await Promise.all([import('./adapters/ssh/trust-io.js'), import('./adapters/action-log/index.js'), import('./adapters/state/clock.js')]);
    return {
      io: createSshTrustIo({ env: runEnv, log: { warn: (line) => out.warn(line), debug: (line) => out.debug(line) } }),
      clock: systemClock,
      openLog: (path) => openActionLog(path, systemClock),
    };
  },
  async network() {
    const { createNetworkProbe } = await import('./adapters/network/index.js');
    return createNetworkProbe();
  },
  async sandbox() {
    const [{ startSandbox }, { consoleSave, consoleClusters, consoleDownload }] = await Promise.all([import('./sandbox/index.js'), import('./sandbox/v3/index.js')]);
    return { start: startSandbox, console: { save: consoleSave, clusters: consoleClusters, download: consoleDownload } };
  },
  async clientFiles() {
    const { createLocalClientFiles } = await import('./adapters/client-config/files.js');
    return createLocalClientFiles();
  },
  async clientConfigDownload(cluster, out) {
    const { createClientConfigDownloader } = await import('./adapters/manager/client-download.js');
    return createClientConfigDownloader(cluster, { warn: (line) => out.warn(line), debug: (line) => out.debug(line) }, { env: runEnv, ...(trace ? { trace } : {}) });
  },
  async manager(cluster, out) {
    const { createManager } = await import('./adapters/manager/index.js');
    return createManager(cluster, { warn: (line) => out.warn(line), debug: (line) => out.debug(line) }, { env: runEnv, ...(trace ? { trace } : {}) });
  },
};

async function main(argv: string[]): Promise<number> {
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let json = argv.includes('--json');
  let stderrWrite = (line: string) => process.stderr.write(line);
  const program = buildProgram({
    version: version(),
    async run(load, command, args) {
      const global = command.optsWithGlobals() as GlobalOptions;
      json = global.json;
      const { createOutput } = await import('./cli/output.js');
      const out = createOutput({ json: global.json, verbose: global.verbose, progress: global.progress, stdout: process.stdout, stderr: process.stderr, env: process.env });
      stderrWrite = (line) => process.stderr.write(line);
      const ctx: CliContext = { out, env: runEnv, cwd: process.cwd(), stdinIsTTY: Boolean(process.stdin.isTTY), global, adapters, signal: abort.signal };
      const module = await load();
      if (global.traceHttp) {
        const { createHttpTrace } = await import('./adapters/http-trace/index.js');
        trace = createHttpTrace(global.traceHttp);
        out.debug(`--trace-http: writing every Manager and cloud request to ${global.traceHttp} (secrets redacted)`);
      }
      try {
        await module.run(ctx, ...(args as never[]));
      } finally {
        trace?.close();
      }
    },
  });
  program.exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return report(error, json, stderrWrite, abort.signal.aborted);
  }
}

interface Reportable {
  code?: string;
  message?: string;
  hint?: string;
  exitCode?: number;
  toJSON?: () => unknown;
}

const COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

function isOurs(e: Reportable): boolean {
  return typeof e.exitCode === 'number' && typeof e.code === 'string';
}

/** With --json, stdout carries exactly one document: the error, unless the command already printed its result. */
function printJsonError(e: Reportable, error: unknown, exitCode: number, aborted: boolean): void {
  // A command that already printed its result document (e.g. a per-host table with exit 5)
  // says so in `details.resultPrinted`.
  if ((e as { details?: { resultPrinted?: unknown } }).details?.resultPrinted === true) return;
  const body = isOurs(e) && e.toJSON ? e.toJSON() : { code: aborted ? 'INTERRUPTED' : 'INTERNAL', message: String(e.message ?? error), exitCode };
  process.stdout.write(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`);
}

function printHuman(e: Reportable, error: unknown, aborted: boolean, write: (line: string) => void): void {
  if (isOurs(e)) {
    write(`error: ${e.message} [${e.code}]\n`);
    if (e.hint) write(`hint: ${e.hint}\n`);
  } else if (aborted) {
    write('interrupted\n');
  } else {
    write(`internal error (a bug in mrs-trust, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}

function report(error: unknown, json: boolean, write: (line: string) => void, aborted: boolean): number {
  const e = (error ?? {}) as Reportable;
  // commander: --help / --version exit 0; everything else it reports is a usage error (2).
  if (e.code?.startsWith('commander.')) return COMMANDER_OK.has(e.code) ? 0 : EXIT.usage;
  const exitCode = isOurs(e) ? (e.exitCode as number) : aborted ? EXIT.interrupted : EXIT.internal;
  if (json) printJsonError(e, error, exitCode, aborted);
  printHuman(e, error, aborted, write);
  return exitCode;
}

/**
 * Ends the process once the command is done and its output is written. Every command awaits what
 * it starts (logouts, unlocks, journal writes, a foreground sandbox's stop) before it returns, so
 * nothing is cut short; what this skips is Node's own teardown after a natural exit (freeing the
 * whole heap), ~10 ms at the end of every run (bench/link). stdout and stderr drain first: they
 * are asynchronous pipes on some platforms.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  void Promise.all(pending.map((stream) => new Promise((resolve) => stream.once('drain', resolve)))).then(() => process.exit(code));
}

main(process.argv).then(exitWhenWritten, (error: unknown) => {
  process.stderr.write(`internal error: ${String(error)}\n`);
  exitWhenWritten(EXIT.internal);
});
