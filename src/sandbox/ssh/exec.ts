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
 * environment, with host paths mapped (paths.ts). The process gets its own process group: when
 * the client closes the channel or sends a signal, the whole group gets it, as a hung-up
 * session would on a real host.
 */
export function runHostCommand(host: ExecHost, command: string, channel: ServerChannel): { signal(name: string): void } {
  const child = spawn(SHELL, ['-c', mapCommand(host.root, command)], { cwd: `${host.root}${host.home}`, env: host.env, detached: true, stdio: 'pipe' });
  let finished = false;
  const group = (signal: NodeJS.Signals) => {
    if (finished || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  channel.pipe(child.stdin).on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  const outputs = Promise.all([
    pipeOut(child.stdout, (t) => channel.write(t), host.root),
    pipeOut(child.stderr, (t) => channel.stderr.write(t), host.root),
  ]);
  child.on('error', (error) => {
    finished = true;
    channel.stderr.write(`sandbox: cannot start ${SHELL}: ${error.message}\n`);
    channel.exit(127);
    channel.end();
  });
  child.on('exit', (code, signal) => {
    finished = true;
    void outputs.then(() => {
      if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
      else channel.exit(code ?? 0);
      channel.end();
    });
  });
  channel.on('close', () => group('SIGKILL'));
  return { signal: (name) => group(`SIG${name.replace(/^SIG/, '')}` as NodeJS.Signals) };
}
