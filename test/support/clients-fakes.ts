/**
 * Stateful fakes for the client refresh (issue #7): a RemoteHost whose "file system" and MRS
 * client behave like a client host, and local tarball files. The fake host recognises the
 * commands built by src/workflow/clients/shell.ts, so a new command shape fails loudly here.
 */
import { RemoteError } from '../../src/errors/index.js';
import type { LocalClientFiles, TarballInfo } from '../../src/ports/client-config.js';
import type { Clock } from '../../src/ports/clock.js';
import type { ExecResult, RemoteHost, UploadResult } from '../../src/ports/remote-host.js';
import type { ClientEntry } from '../../src/config/schema.js';
import { MARKER_SEPARATOR, clientKrb5Path, markerPath } from '../../src/workflow/clients/shell.js';

export const krb5For = (realm: string, peers: string[] = []) =>
  [`[libdefaults]`, `  default_realm = ${realm}`, `[realms]`, ...[realm, ...peers].map((r) => `  ${r} = {\n    kdc = 127.0.0.1:21732\n  }`), ''].join('\n');

export class FakeFiles implements LocalClientFiles {
  readonly tarballs = new Map<string, TarballInfo>();
  readonly removed: string[] = [];
  add(path: string, sha: string, krb5?: string, bytes = 1000): void {
    this.tarballs.set(path, { bytes, sha256: sha.padEnd(64, '0'), ...(krb5 ? { krb5: { member: 'x/krb5.conf', text: krb5 } } : {}) });
  }
  async inspect(path: string): Promise<TarballInfo> {
    const t = this.tarballs.get(path);
    if (!t) throw new Error(`ENOENT: no such file ${path}`);
    return t;
  }
  async makeTempDir(): Promise<string> {
    return '/local/tmp/work';
  }
  async remove(path: string): Promise<void> {
    this.removed.push(path);
  }
}

export const fakeClock = (): Clock & { sleeps: number[] } => {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date((t += 5)),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
};

interface RemoteFile {
  sha256: string;
  krb5?: string;
}

export interface HostBehaviour {
  /** Errors thrown by successive connect() calls (code), then success. */
  connectErrors?: string[];
  /** Errors thrown by successive uploads, then success. */
  uploadErrors?: string[];
  refresh?: 'ok' | 'fail' | 'no-success-line' | 'hang';
  uploadDir?: 'ok' | 'missing' | 'not-writable' | 'full';
  /** Keep krb5.conf untouched by the refresh (a broken client). */
  refreshLeavesKrb5?: boolean;
}

const unquote = (command: string) => [...command.matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => (m[1] ?? '').replace(/'\\''/g, "'"));

/** Counts connections across hosts to check the concurrency bound. */
export const connections = { open: 0, max: 0, reset() {
  this.open = 0;
  this.max = 0;
} };

export class FakeHost implements RemoteHost {
  readonly label: string;
  readonly files = new Map<string, RemoteFile | string>();
  readonly log: string[] = [];
  connected = false;
  refreshRuns = 0;
  uploads = 0;

  constructor(
    readonly entry: ClientEntry,
    readonly local: FakeFiles,
    readonly behaviour: HostBehaviour = {},
  ) {
    this.label = `${entry.user}@${entry.host}:${entry.port}`;
  }

  async connect(): Promise<void> {
    const code = this.behaviour.connectErrors?.shift();
    this.log.push('connect');
    if (code) throw new RemoteError(code, `${this.label}: ${code}`);
    if (!this.connected) {
      this.connected = true;
      connections.open += 1;
      connections.max = Math.max(connections.max, connections.open);
    }
    // Let other hosts start too, so the concurrency bound is observable.
    await new Promise((r) => setTimeout(r, 1));
  }

  private need(): void {
    if (!this.connected) throw new RemoteError('SSH_DISCONNECTED', `${this.label}: not connected`);
  }

  async exec(command: string): Promise<ExecResult> {
    this.need();
    this.log.push(`exec ${command}`);
    const args = unquote(command);
    const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
    if (command.includes(MARKER_SEPARATOR)) {
      const marker = this.files.get(markerPath(this.entry.clientDir));
      const krb5 = this.files.get(clientKrb5Path(this.entry.clientDir));
      return ok(`${typeof marker === 'string' ? marker : ''}${MARKER_SEPARATOR}\n${typeof krb5 === 'string' ? krb5 : ''}`);
    }
    if (command.startsWith('if [ ! -e')) {
      const state = this.behaviour.uploadDir ?? 'ok';
      return ok(state === 'missing' ? 'MISSING\n' : state === 'not-writable' ? 'NOT_WRITABLE\n' : state === 'full' ? 'OK 10\n' : 'OK 99999999\n');
    }
    if (command.includes('sh refreshConfig.sh')) return this.refresh(args);
    if (command.startsWith("printf '%s\\n'")) {
      this.files.set(args[args.length - 1] as string, `${args.slice(0, -1).join('\n')}\n`);
      return ok();
    }
    if (command.startsWith('cat ')) {
      const f = this.files.get(args[0] as string);
      return typeof f === 'string' ? ok(f) : { exitCode: 1, stdout: '', stderr: 'No such file' };
    }
    if (command.includes('_ClientConfig_ConfigFiles')) {
      // 3.x extraction: the directory "contains" the tarball.
      const [dir, tar] = [args[0], args[3]];
      const file = this.files.get(tar as string);
      if (!file || typeof file === 'string') return { exitCode: 2, stdout: '', stderr: 'tar: cannot open' };
      const out = `${dir}/FusionInsight_Cluster_1_Services_ClientConfig_ConfigFiles`;
      this.files.set(out, file);
      return ok(`${out}\n`);
    }
    if (command.startsWith('rm -rf ')) {
      for (const p of args) for (const k of [...this.files.keys()]) if (k === p || k.startsWith(`${p}/`)) this.files.delete(k);
      return ok();
    }
    throw new Error(`fake host: unexpected command ${command}`);
  }

  private async refresh(args: string[]): Promise<ExecResult> {
    this.refreshRuns += 1;
    const mode = this.behaviour.refresh ?? 'ok';
    if (mode === 'hang') return new Promise<ExecResult>(() => undefined);
    if (mode === 'fail') return { exitCode: 1, stdout: 'Start to refresh\n', stderr: 'ERROR: client directory is damaged\n' };
    if (mode === 'no-success-line') return { exitCode: 0, stdout: 'Start to refresh\n', stderr: '' };
    const file = this.files.get(args[2] as string);
    if (!file || typeof file === 'string') return { exitCode: 1, stdout: '', stderr: `no such file ${args[2]}` };
    if (file.krb5 && !this.behaviour.refreshLeavesKrb5) this.files.set(clientKrb5Path(this.entry.clientDir), file.krb5);
    return { exitCode: 0, stdout: 'ReFresh components client config is complete.\nSucceed to refresh components client config.\n', stderr: '' };
  }

  async uploadFile(localPath: string, remotePath: string): Promise<UploadResult> {
    this.need();
    this.uploads += 1;
    const code = this.behaviour.uploadErrors?.shift();
    if (code) {
      this.connected = false;
      connections.open -= 1;
      throw new RemoteError(code, `${this.label}: ${code === 'SSH_TRANSFER_FAILED' ? 'upload: permission denied' : 'connection closed during upload'}`);
    }
    const info = await this.local.inspect(localPath);
    this.files.set(remotePath, { sha256: info.sha256, ...(info.krb5 ? { krb5: info.krb5.text } : {}) });
    return { bytes: info.bytes, sha256: info.sha256 };
  }

  uploadStream(): Promise<UploadResult> {
    throw new Error('not used');
  }

  async readFile(path: string): Promise<Buffer> {
    const f = this.files.get(path);
    if (typeof f !== 'string') throw new RemoteError('SSH_TRANSFER_FAILED', 'no such file');
    return Buffer.from(f);
  }

  async downloadFile(remotePath: string, localPath: string): Promise<{ bytes: number }> {
    this.need();
    const f = this.files.get(remotePath);
    if (!f || typeof f === 'string') throw new RemoteError('SSH_TRANSFER_FAILED', `${remotePath}: no such file or directory`);
    this.local.tarballs.set(localPath, { bytes: 10, sha256: f.sha256, ...(f.krb5 ? { krb5: { member: 'krb5.conf', text: f.krb5 } } : {}) });
    return { bytes: 10 };
  }

  async close(): Promise<void> {
    if (this.connected) connections.open -= 1;
    this.connected = false;
    this.log.push('close');
  }
}
