import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Whether `pid` still runs. A daemonized krb5kdc is reparented to PID 1; a zombie (state Z in
 * /proc) has already closed its sockets, it only waits for PID 1 to reap it (over a second in
 * some containers), so it counts as gone.
 */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined ? true : !/^\d+ \(.*\) Z/.test(stat);
}

/** SIGTERM, wait until it has closed its sockets (so "nothing listens after stop" holds), else SIGKILL. */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 200; i += 1) {
    if (!(await alive(pid))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

const kpasswdOf = (listen: string) => listen.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) + 1}`);

/**
 * One real MIT KDC for one simulated cluster, unprivileged, with its own kdc.conf and krb5.conf
 * (never the machine's /etc files). It listens only on the cluster's two KDC addresses
 * (`kdc_listen` AND `kdc_tcp_listen`: `kdc_ports` alone binds every address, so KDCs of two
 * clusters would collide on 21732).
 */
export class RealmKdc {
  readonly #env: NodeJS.ProcessEnv;
  #pid: number | undefined;
  #adminPid: number | undefined;

  constructor(
    readonly realm: string,
    readonly dir: string,
    readonly listen: string[],
    /** `ip:port` of kadmind (and `ip:port+1` of kpasswd), or undefined for a KDC without admin server. */
    readonly adminListen?: string,
  ) {
    this.#env = { ...process.env, KRB5_CONFIG: join(dir, 'krb5.conf'), KRB5_KDC_PROFILE: join(dir, 'kdc.conf') };
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  /** A fresh database every start: principals are cheap to create (~20 ms) and state stays simple. */
  async create(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const d = this.dir;
    const addresses = this.listen.join(' ');
    await writeFile(join(d, 'kdc.conf'), [
      '[kdcdefaults]',
      ` kdc_listen = ${addresses}`,
      ` kdc_tcp_listen = ${addresses}`,
      '[realms]',
      ` ${this.realm} = {`,
      `  database_name = ${join(d, 'principal')}`,
      `  key_stash_file = ${join(d, 'stash')}`,
      `  acl_file = ${join(d, 'kadm5.acl')}`,
      ...(this.adminListen ? [`  kadmind_listen = ${this.adminListen}`, `  kpasswd_listen = ${kpasswdOf(this.adminListen)}`] : []),
      // The enctypes of the MRS client krb5.conf (src/sandbox/client-config.ts).
      '  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal',
      '  max_life = 1d',
      ' }',
      '[logging]',
      ` kdc = FILE:${join(d, 'kdc.log')}`,
      ` admin_server = FILE:${join(d, 'kadmin.log')}`,
      '',
    ].join('\n'), { mode: 0o600 });
    await writeFile(join(d, 'krb5.conf'), ['[libdefaults]', ` default_realm = ${this.realm}`, '[realms]', ` ${this.realm} = {`, ...this.listen.map((a) => `  kdc = ${a}`), ' }', ''].join('\n'), { mode: 0o600 });
    // MRS's Kerberos administrator may do everything (kadmin/admin, as the MRS guides use it).
    await writeFile(join(d, 'kadm5.acl'), `kadmin/admin@${this.realm} *\n`, { mode: 0o600 });
    // The master password only protects the stash on this machine; nobody needs it again.
    await run('kdb5_util', ['create', '-s', '-P', randomBytes(18).toString('base64url'), '-r', this.realm], { env: this.#env });
  }

  /** Starts krb5kdc; it binds before it forks, so once the parent exits it answers. */
  async start(): Promise<void> {
    const pidFile = join(this.dir, 'krb5kdc.pid');
    // A start after a stop (an MRS 3.x "stop/start all clusters") must not read the old pid.
    await rm(pidFile, { force: true });
    await run('krb5kdc', ['-r', this.realm, '-P', pidFile], { env: this.#env });
    for (let i = 0; i < 100 && this.#pid === undefined; i += 1) {
      const text = await readFile(pidFile, 'utf8').catch(() => '');
      if (/^\d+\s*$/.test(text)) this.#pid = Number(text.trim());
      else await new Promise((r) => setTimeout(r, 10));
    }
    if (this.#pid === undefined) throw new Error(`krb5kdc for ${this.realm} wrote no pid file`);
    if (this.adminListen) this.#adminPid = await this.#startAdmin();
  }

  /** kadmind, like krb5kdc: binds, forks, writes its pid file. */
  async #startAdmin(): Promise<number> {
    const pidFile = join(this.dir, 'kadmind.pid');
    await rm(pidFile, { force: true });
    await run('kadmind', ['-r', this.realm, '-P', pidFile], { env: this.#env });
    for (let i = 0; i < 200; i += 1) {
      const text = await readFile(pidFile, 'utf8').catch(() => '');
      if (/^\d+\s*$/.test(text)) return Number(text.trim());
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`kadmind for ${this.realm} wrote no pid file`);
  }

  async stop(): Promise<void> {
    const pids = [this.#pid, this.#adminPid];
    this.#pid = undefined;
    this.#adminPid = undefined;
    await Promise.all(pids.map((pid) => (pid === undefined ? undefined : stopPid(pid))));
  }

  /**
   * One kadmin.local query against this realm's database (local, no admin server needed). A query
   * that holds a password (`-pw`) goes in on stdin, where kadmin.local reads its requests when
   * given no `-q`: no password in any command line, as `ps` shows them to every user (the e2e
   * tests sample the process list). Both forms exit 0 whether the request succeeded or not.
   */
  async kadmin(query: string): Promise<string> {
    if (/(^|\s)-pw\s/.test(query)) return this.kadminStdin(query);
    const { stdout } = await run('kadmin.local', ['-r', this.realm, '-q', query], { env: this.#env });
    return stdout;
  }

  private kadminStdin(query: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('kadmin.local', ['-r', this.realm], { env: this.#env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kadmin.local ${query.split(' ')[0] ?? ''} exited with ${String(code)}: ${err.trim()}`))));
      child.stdin.end(`${query}\n`);
    });
  }

  async principals(pattern: string): Promise<string[]> {
    const out = await this.kadmin(`listprincs ${pattern}`);
    return out.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Authenticating'));
  }
}
