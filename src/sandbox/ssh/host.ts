import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type Connection, type AuthContext, type PublicKeyAuthContext } from 'ssh2';
import { runHostCommand } from './exec.js';
import { installClient } from './client-install.js';
import type { KeyPair } from './keys.js';
import { serveSftp } from './sftp.js';

export interface SimHostSpec {
  /** e.g. `client1.alpha`, `master1.alpha`. */
  name: string;
  cluster: string;
  role: 'client' | 'node';
  ip: string;
  port: number;
  /** The host's `/` on this machine. */
  root: string;
  hostKey: KeyPair;
  /** Public key lines written to root's authorized_keys at start. */
  authorizedKeys: string[];
  realm: string;
  kdcs: string[];
}

// NOTE: ssh2 is CommonJS; Node's ESM loader exposes only some names, so use the default export.
const { Server, utils } = ssh2;

const HOME = '/root';

/** Faults read from `/.sandbox/ssh-fault` on the host at each new connection (docs/ssh.md). */
interface ConnectionFaults {
  denyAuth: boolean;
  dropAfterBytes?: number;
}

async function readFaults(root: string): Promise<ConnectionFaults> {
  const text = await readFile(join(root, '.sandbox', 'ssh-fault'), 'utf8').catch(() => '');
  const drop = /^drop-after-bytes\s+(\d+)/m.exec(text)?.[1];
  return { denyAuth: /^deny-auth\b/m.test(text), ...(drop ? { dropAfterBytes: Number(drop) } : {}) };
}

/** Root's authorized_keys, read at every attempt so a test can break trust by editing it. */
async function authorizedKeys(root: string) {
  const text = await readFile(join(root, 'root', '.ssh', 'authorized_keys'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => utils.parseKey(line))
    .filter((key): key is Exclude<ReturnType<typeof utils.parseKey>, Error> => !(key instanceof Error));
}

async function checkPublicKey(root: string, ctx: PublicKeyAuthContext): Promise<boolean> {
  const match = (await authorizedKeys(root)).find((key) => key.getPublicSSH().equals(ctx.key.data));
  if (!match) return false;
  // Without a signature the client only asks whether the key would do.
  if (!ctx.signature || !ctx.blob) return true;
  return match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
}

/**
 * One simulated SSH host: an in-process ssh2 server on its own loopback address, public-key
 * auth for root against its own authorized_keys, `exec` as real local processes (exec.ts) and
 * SFTP (sftp.ts), both confined to its root directory (paths.ts).
 */
export class SimSshHost {
  readonly spec: SimHostSpec;
  readonly #server: InstanceType<typeof Server>;
  readonly #connections = new Set<Connection>();
  /** Commands started on this host; they outlive their channel (OpenSSH), not the host. */
  readonly #processes = new Set<{ kill(): void }>();
  readonly env: NodeJS.ProcessEnv;

  private constructor(spec: SimHostSpec) {
    this.spec = spec;
    const r = spec.root;
    this.env = {
      HOME: `${r}${HOME}`,
      USER: 'root',
      LOGNAME: 'root',
      SHELL: '/bin/bash',
      // The host's own /.sandbox/bin first: MRS 3.x nodes get an `su` there that runs `su - omm -c`
      // as the sandbox's omm (src/sandbox/v3/om-node-files.ts); other hosts have none.
      PATH: `${join(r, '.sandbox', 'bin')}:${process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'}`,
      LANG: 'C.UTF-8',
      TMPDIR: join(r, 'tmp'),
      // Per-host Kerberos files: never the machine's /etc/krb5.conf or /tmp/krb5cc_0.
      KRB5_CONFIG: join(r, 'etc', 'krb5.conf'),
      KRB5CCNAME: `FILE:${join(r, 'tmp', 'krb5cc_0')}`,
      MRS_SANDBOX_CONTROL: join(r, '.sandbox'),
      MRS_SANDBOX_HOST: spec.name,
    };
    this.#server = new Server({ hostKeys: [spec.hostKey.privateKey], ident: 'OpenSSH_8.8 mrs-trust-sandbox' }, (client) => this.#accept(client));
  }

  static async start(spec: SimHostSpec): Promise<SimSshHost> {
    const r = spec.root;
    await mkdir(join(r, 'root', '.ssh'), { recursive: true, mode: 0o700 });
    for (const dir of ['tmp', 'etc', '.sandbox']) await mkdir(join(r, dir), { recursive: true });
    await writeFile(join(r, 'root', '.ssh', 'authorized_keys'), spec.authorizedKeys.map((k) => `${k}\n`).join(''), { mode: 0o600 });
    await installClient(r, spec.realm, spec.kdcs);
    const host = new SimSshHost(spec);
    await new Promise<void>((resolve, reject) => {
      host.#server.once('error', reject);
      host.#server.listen(spec.port, spec.ip, () => {
        host.#server.removeListener('error', reject);
        resolve();
      });
    });
    return host;
  }

  #accept(client: Connection): void {
    this.#connections.add(client);
    client.on('close', () => this.#connections.delete(client));
    client.on('error', () => undefined);
    const faults = readFaults(this.spec.root);
    let written = 0;
    client.on('authentication', (ctx: AuthContext) => {
      void (async () => {
        const f = await faults;
        if (f.denyAuth || ctx.username !== 'root' || ctx.method !== 'publickey') return ctx.reject(['publickey']);
        return (await checkPublicKey(this.spec.root, ctx)) ? ctx.accept() : ctx.reject(['publickey']);
      })().catch(() => ctx.reject(['publickey']));
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => {
          const running = runHostCommand({ root: this.spec.root, home: HOME, env: this.env }, info.command, accept());
          this.#processes.add(running);
        });
        // NOTE: OpenSSH refuses "signal" requests of root sessions ("session signalling requires
        // privilege separation", sshd 9.2); every sandbox login is root.
        session.on('signal', (_accept, reject) => reject?.());
        session.on('sftp', (accept) => {
          void faults.then((f) => {
            const onWrite = (bytes: number) => {
              written += bytes;
              return f.dropAfterBytes === undefined || written <= f.dropAfterBytes;
            };
            serveSftp(accept(), { root: this.spec.root, home: HOME, onWrite }, () => client.end());
          });
        });
        session.on('pty', (_accept, reject) => reject?.());
        session.on('shell', (_accept, reject) => reject?.());
        session.on('env', (accept) => accept?.());
      });
    });
  }

  async stop(): Promise<void> {
    for (const client of this.#connections) client.end();
    for (const running of this.#processes) running.kill();
    this.#processes.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
