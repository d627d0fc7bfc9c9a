import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ServerChannel } from 'ssh2';
import { mapCommand, OutputUnmapper } from './paths.js';

/** Root's login shell on an MRS node is bash; fall back to sh where bash is missing. */
const SHELL = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

export interface ExecHost {
  root: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

function pipeOut(from: NodeJS.ReadableStream, write: (text: string) => void, root: string): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const unmap = new OutputUnmapper(root);
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => {
      const text = unmap.push(decoder.write(chunk));
      if (text) write(text);
    });
    from.on('end', () => {
      const rest = unmap.push(decoder.end()) + unmap.end();
      if (rest) write(rest);
      resolve();
    });
  });
}

/**
 * Runs one `exec` request as a real local process in the host's home directory and
 * environment, with host paths mapped (paths.ts), in its own session like sshd's child.
 * NOTE: as on OpenSSH, closing the channel does NOT stop the command: sshd only closes the
 * command's stdin (and a command writing output later gets EPIPE). A command that must die
 * with its channel has to watch stdin itself (the client refresh's apply script does); signal
 * requests are refused for root logins (host.ts), as OpenSSH refuses them.
 */
export function runHostCommand(host: ExecHost, command: string, channel: ServerChannel): { kill(): void } {
  const child = spawn(SHELL, ['-c', mapCommand(host.root, command)], { cwd: `${host.root}${host.home}`, env: host.env, detached: true, stdio: 'pipe' });
  channel.pipe(child.stdin).on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  let closed = false;
  let exited = false;
  const outputs = Promise.all([
    pipeOut(child.stdout, (t) => void (closed || channel.write(t)), host.root),
    pipeOut(child.stderr, (t) => void (closed || channel.stderr.write(t)), host.root),
  ]);
  child.on('error', (error) => {
    channel.stderr.write(`sandbox: cannot start ${SHELL}: ${error.message}\n`);
    channel.exit(127);
    channel.end();
  });
  child.on('exit', (code, signal) => {
    exited = true;
    void outputs.then(() => {
      if (closed) return;
      if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
      else channel.exit(code ?? 0);
      channel.end();
    });
  });
  // The client went away: the command's stdin reaches EOF, nothing more (OpenSSH).
  channel.on('close', () => {
    closed = true;
    child.stdin.end();
  });
  for (const out of [child.stdout, child.stderr]) out.on('error', () => undefined);
  // Only when the simulated host itself stops (a real host's shutdown ends every process).
  return {
    kill() {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
