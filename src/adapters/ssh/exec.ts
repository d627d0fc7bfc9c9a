import { randomBytes } from 'node:crypto';
import type { Client } from 'ssh2';
import { InterruptedError, RemoteError } from '../../errors/index.js';
import type { ExecResult, SshTarget } from '../../ports/remote-host.js';
import { shellQuote } from '../../domain/shell.js';
import { disconnected, toRemoteError } from './errors.js';

/** Output beyond this is dropped (the tool's commands print little; a runaway must not eat memory). */
const MAX_OUTPUT = 8 * 1024 * 1024;

class Collector {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;
  push(chunk: Buffer): void {
    if (this.#size + chunk.length > MAX_OUTPUT) {
      this.#dropped += chunk.length;
      return;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }
  text(frame?: string): string {
    const text = afterFrame(Buffer.concat(this.#chunks).toString('utf8'), frame);
    return this.#dropped > 0 ? `${text}\n[… ${this.#dropped} more bytes dropped]` : text;
  }
}

/**
 * sshd runs every command through the user's login shell, and bash reads ~/.bashrc for it (as
 * MRS client hosts set up with `source bigdata_env` there do): whatever a start-up file prints
 * lands in front of the command's own output. So each command first prints a line nobody else
 * can print (a random frame) on stdout and stderr, and the output starts after it. Without the
 * frame (the shell died before the command ran) the output is left whole.
 */
export function framed(command: string): { command: string; frame: string } {
  const frame = `--mrs-trust-${randomBytes(8).toString('hex')}--`;
  return { command: `printf '%s\\n' ${frame}; printf '%s\\n' ${frame} >&2; ${command}`, frame };
}

export function afterFrame(text: string, frame: string | undefined): string {
  if (frame === undefined) return text;
  const at = text.indexOf(`${frame}\n`);
  return at < 0 ? text : text.slice(at + frame.length + 1);
}

/**
 * NOTE: OpenSSH (≥ 7.9) delivers a "signal" channel request to the session's process, except
 * for root logins ("session signalling requires privilege separation", sshd 9.2 log), and
 * ssh2's `Channel.signal()` sends nothing once stdin was ended (we always send EOF, or commands
 * reading stdin would hang). Closing the channel alone leaves a non-pty command running. So a
 * command with a timeout also runs under the host's coreutils `timeout` (see `withTimeout`), and
 * the signal request goes through the protocol object ssh2 itself uses.
 */
function sendSignal(stream: unknown, name: string): void {
  const channel = stream as { outgoing?: { id?: number; state?: string }; _client?: { _protocol?: { signal(id: number, signal: string): void } } };
  try {
    if ((channel.outgoing?.state === 'open' || channel.outgoing?.state === 'eof') && channel.outgoing.id !== undefined) channel._client?._protocol?.signal(channel.outgoing.id, name);
  } catch {
    // The channel is already going away; closing it below is all that is left to do.
  }
}

/**
 * Wraps a command so the host kills it (its whole process group) shortly after the client
 * gives up: TERM one second after the client's deadline, KILL five seconds later.
 */
export function withTimeout(command: string, timeoutMs: number): string {
  const seconds = (Math.ceil(timeoutMs / 100) / 10 + 1).toFixed(1);
  // "$SHELL" (set by sshd from the user's passwd entry) keeps the shell the command would get without a timeout.
  return `timeout -k 5 ${seconds} "\${SHELL:-/bin/sh}" -c ${shellQuote(command)}`;
}

export interface ExecOptions {
  timeoutMs?: number;
  stdin?: string;
  signal?: AbortSignal;
  /** Keep stdin open (no EOF) until the command ends: the command's watchdog reads it. */
  holdStdin?: boolean;
  /** The output exactly as the host printed it, start-up file noise included (see `framed`). */
  raw?: boolean;
}

/** Runs one command on its own channel. A non-zero exit is a result; a timeout kills the command. */
export function runExec(client: Client, command: string, options: ExecOptions, target: SshTarget, label: string): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const cleanups: (() => void)[] = [];
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      cleanups.forEach((c) => c());
      fn();
    };
    const onClose = () => settle(() => reject(disconnected(label, target, `"${command.slice(0, 60)}"`)));
    client.once('close', onClose);
    cleanups.push(() => client.removeListener('close', onClose));
    if (options.signal?.aborted) return settle(() => reject(new InterruptedError()));

    const bare = options.timeoutMs === undefined ? command : withTimeout(command, options.timeoutMs);
    const { command: remote, frame } = options.raw ? { command: bare, frame: undefined } : framed(bare);
    client.exec(remote, (error, stream) => {
      if (error) return settle(() => reject(toRemoteError(error, target, label)));
      const stdout = new Collector();
      const stderr = new Collector();
      let exitCode: number | null = null;
      let signal: string | undefined;
      stream.on('data', (chunk: Buffer) => stdout.push(chunk));
      stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      stream.on('exit', (code: number | null, signalName?: string) => {
        exitCode = typeof code === 'number' ? code : null;
        if (signalName) signal = signalName;
      });
      stream.on('close', () => settle(() => resolve({ exitCode, ...(signal ? { signal } : {}), stdout: stdout.text(frame), stderr: stderr.text(frame) })));
      const kill = () => {
        sendSignal(stream, 'KILL');
        stream.close();
      };
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          kill();
          settle(() => reject(new RemoteError('SSH_TIMEOUT', `${label}: command did not finish within ${options.timeoutMs} ms: ${command.slice(0, 80)}`, { hint: 'the command was killed; check the host, or raise the timeout', details: { stdout: stdout.text(frame).slice(-2000), stderr: stderr.text(frame).slice(-2000) } })));
        }, options.timeoutMs);
      }
      if (options.signal) {
        const onAbort = () => {
          kill();
          settle(() => reject(new InterruptedError()));
        };
        options.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
      }
      if (options.holdStdin) {
        if (options.stdin) stream.write(options.stdin);
      } else {
        stream.end(options.stdin ?? undefined);
      }
    });
  });
}
