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
import { SECTION } from '../../src/workflow/clients/scripts.js';
import { clientKrb5Path, markerPath } from '../../src/workflow/clients/shell.js';

export const krb5For = (realm: string, peers: string[] = []) =>
  [`[libdefaults]`, `  default_realm = ${realm}`, `[realms]`, ...[realm, ...peers].map((r) => `  ${r} = {\n    kdc = 127.0.0.1:21732\n  }`), ''].join('\n');

export class FakeFiles implements LocalClientFiles {
  readonly tarballs = new Map<string, TarballInfo>();
  readonly removed: string[] = [];
  add(path: string, sha: string, krb5?: string, bytes = 1000, shape: Partial<TarballInfo> = {}): void {
    const layout = { tar: true, entries: 3, layoutMember: 'MRS_Services_ClientConfig_ConfigFiles.tar' };
    this.tarballs.set(path, { bytes, sha256: sha.padEnd(64, '0'), ...layout, ...(krb5 ? { krb5: { member: 'x/krb5.conf', text: krb5 } } : {}), ...shape });
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

  /** Sessions (shell commands) this host served: the refresh needs at most two. */
  sessions = 0;
  /** The apply scripts this host ran. */
  readonly scripts: string[] = [];
  private works = 0;

  async exec(command: string, options: { signal?: AbortSignal } = {}): Promise<ExecResult> {
    this.need();
    this.sessions += 1;
    this.log.push(`exec ${command.split('\n')[0]}`);
    const args = unquote(command);
    const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
    if (command.includes('# mrs-trust read')) return ok(this.read(command));
    // The apply script arrives quoted inside `exec timeout … sh -c '<script>' mrs-trust-apply`.
    if (command.includes('# mrs-trust apply')) return this.apply(args[0] as string, options.signal);
    if (command.startsWith('rm -rf ')) {
      for (const p of args) for (const k of [...this.files.keys()]) if (k === p || k.startsWith(`${p}/`)) this.files.delete(k);
      return ok();
    }
    throw new Error(`fake host: unexpected command ${command}`);
  }

  private text(path: string): string | undefined {
    const f = this.files.get(path);
    return typeof f === 'string' ? f : undefined;
  }

  /** Answers the read script (src/workflow/clients/scripts.ts) from the fake file system. */
  private read(script: string): string {
    const q = (re: RegExp) => (re.exec(script)?.[1] ?? '').replace(/'\\''/g, "'");
    const uploadDir = q(/^upload_dir='((?:[^']|'\\'')*)'/m);
    const expected = q(/2>\/dev\/null\)" = '((?:[^']|'\\'')*)' \]/);
    const force = /\[ yes = no \]/.test(script);
    const marker = this.text(markerPath(this.entry.clientDir)) ?? '';
    const out = [`${SECTION}marker`, marker, `${SECTION}krb5`, this.text(clientKrb5Path(this.entry.clientDir)) ?? '', `${SECTION}tools`, 'timeout', 'openssl', 'sha256sum', 'mktemp', 'tar', `${SECTION}swept`];
    for (const m of script.matchAll(/^d='((?:[^']|'\\'')*)'; if/gm)) {
      const dir = m[1] as string;
      if (![...this.files.keys()].some((k) => k === dir || k.startsWith(`${dir}/`))) continue;
      for (const k of [...this.files.keys()]) if (k === dir || k.startsWith(`${dir}/`)) this.files.delete(k);
      out.push(dir);
    }
    out.push(`${SECTION}upload-dir`);
    const state = this.behaviour.uploadDir ?? 'ok';
    if (state === 'missing') out.push('state MISSING');
    else if (state === 'not-writable') out.push('state NOT_WRITABLE');
    else {
      out.push(`free_kib ${state === 'full' ? 10 : 99999999}`, 'state OK');
      if (force || marker.replace(/\n+$/, '') !== expected) {
        this.works += 1;
        const work = `${uploadDir}/.mrs-trust.work${this.works}`;
        this.files.set(work, '');
        out.push(`work ${work}`);
      }
    }
    out.push(`${SECTION}end`);
    return `${out.join('\n')}\n`;
  }

  /** Runs the apply script's steps on the fake file system, printing the same sections. */
  private async apply(script: string, signal?: AbortSignal): Promise<ExecResult> {
    this.scripts.push(script);
    const work = /^work='((?:[^']|'\\'')*)'/m.exec(script)?.[1] as string;
    const out: string[] = [];
    const end = (): ExecResult => {
      out.push(`${SECTION}end`);
      for (const k of [...this.files.keys()]) if (k === work || k.startsWith(`${work}/`)) this.files.delete(k);
      return { exitCode: 0, stdout: `${out.join('\n')}\n`, stderr: '' };
    };
    const blocks = script.split(/^section verify-/m).slice(1);
    for (const [i, block] of blocks.entries()) {
      const sha = /\[ "\$s" = ([0-9a-f]{64}) \]/.exec(block)?.[1];
      const file = /^arg='((?:[^']|'\\'')*)'/m.exec(block)?.[1] as string;
      const uploaded = this.files.get(file);
      out.push(`${SECTION}verify-${i}`);
      if (!uploaded || typeof uploaded === 'string') return end();
      out.push(`sha256 ${uploaded.sha256}`);
      if (uploaded.sha256 !== sha) return end();
      if (block.includes(`section extract-${i}`)) out.push(`${SECTION}extract-${i}`, `dir ${work}/extract.1/FusionInsight_Cluster_1_Services_ClientConfig_ConfigFiles`);
      const result = await this.refresh(uploaded, signal);
      out.push(`${SECTION}refresh-${i}`, result.stdout, `${SECTION}refresh-${i}-stderr`, result.stderr, `${SECTION}refresh-${i}-exit`, String(result.exitCode));
      if (result.exitCode !== 0) return end();
    }
    const krb5 = this.text(clientKrb5Path(this.entry.clientDir));
    out.push(`${SECTION}krb5`, krb5 ?? '');
    if (krb5 === undefined) out.push(`${SECTION}krb5-missing`);
    out.push(`${SECTION}krb5-check`);
    const realms = krb5 ? [...krb5.matchAll(/^\s*(\S+) = \{/gm)].map((m) => m[1]) : [];
    for (const m of script.matchAll(/echo "missing (\S+)"/g)) if (!realms.includes(m[1])) return (out.push(`missing ${m[1]}`), end());
    for (const m of script.matchAll(/echo "named (\S+)"/g)) if (realms.includes(m[1])) return (out.push(`named ${m[1]}`), end());
    const marker = /printf '%s\\n' '((?:[^']|'\\'')*)' >/.exec(script)?.[1] ?? '';
    this.files.set(markerPath(this.entry.clientDir), `${marker}\n`);
    out.push(`${SECTION}marker`, 'written');
    return end();
  }

  private async refresh(file: RemoteFile, signal?: AbortSignal): Promise<ExecResult> {
    this.refreshRuns += 1;
    const mode = this.behaviour.refresh ?? 'ok';
    if (mode === 'hang') {
      return new Promise<ExecResult>((_, reject) => signal?.addEventListener('abort', () => reject(new RemoteError('SSH_DISCONNECTED', 'channel closed')), { once: true }));
    }
    if (mode === 'fail') return { exitCode: 1, stdout: 'Start to refresh', stderr: 'ERROR: client directory is damaged' };
    if (mode === 'no-success-line') return { exitCode: 0, stdout: 'Start to refresh', stderr: '' };
    if (file.krb5 && !this.behaviour.refreshLeavesKrb5) this.files.set(clientKrb5Path(this.entry.clientDir), file.krb5);
    return { exitCode: 0, stdout: 'ReFresh components client config is complete.\nSucceed to refresh components client config.', stderr: '' };
  }

  async sendFile(localPath: string, remotePath: string): Promise<{ bytes: number }> {
    const { bytes } = await this.uploadFile(localPath, remotePath);
    return { bytes };
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
    this.local.tarballs.set(localPath, { bytes: 10, sha256: f.sha256, tar: true, entries: 3, layoutMember: 'MRS_Services_ClientConfig_ConfigFiles.tar', ...(f.krb5 ? { krb5: { member: 'krb5.conf', text: f.krb5 } } : {}) });
    return { bytes: 10 };
  }

  async close(): Promise<void> {
    if (this.connected) connections.open -= 1;
    this.connected = false;
    this.log.push('close');
  }
}
