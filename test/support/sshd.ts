/**
 * A real-OpenSSH harness for e2e tests: each "host" is its own `sshd` on its own loopback
 * address and high port, in its own mount namespace where `/root`, `/tmp`, `/opt` and
 * `/etc/shadow` are bind mounts of the host's own directories (so parallel hosts never share
 * uploads, keys or passwords), with its own ed25519 host key and `UsePAM no`.
 * `/run` is a private tmpfs in that namespace, so `/run/sshd` never has to exist on the machine.
 * Every sshd is stopped by pid (sessions first) by `stop()`; `stopAllSshd()` is the afterAll net.
 * Needs root (mount namespaces, setuid to root for sessions) and `openssh-server`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

/** Why real sshd tests cannot run here, or undefined when they can. */
export function sshdMissing(): string | undefined {
  if (!existsSync(SSHD) || !existsSync('/usr/bin/ssh-keygen')) return 'needs OpenSSH: apt-get install openssh-server openssh-client';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (sshd in a private mount namespace): run as root, as CI does';
  if (!existsSync('/usr/bin/unshare') || !existsSync('/usr/bin/openssl')) return 'needs unshare (util-linux) and openssl';
  return undefined;
}

/** `describe` that skips (naming the package) when sshd is missing, and fails instead when CI=true. */
export function describeWithSshd(name: string, body: () => void): void {
  const missing = sshdMissing();
  if (!missing) return describe(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it('has OpenSSH available', () => {
        throw new Error(`${name}: ${missing}`);
      });
    });
  }
  describe.skip(`${name} (skipped: ${missing})`, body);
}

export interface SshdOptions {
  ip: string;
  port?: number;
  /** Public key lines for root's authorized_keys. */
  authorizedKeys?: string[];
  /** Root's password (password authentication is off without one). */
  password?: string;
  /**
   * Users of this host only: they exist in its own /etc/passwd, /etc/group and /etc/shadow
   * (bind mounts), with homes under its own /home (`/home/<name>`, mode 755, `~/.ssh` 700).
   */
  users?: SshdUser[];
  /**
   * Root's ~/.bashrc. bash reads it for every command sshd runs (MRS client hosts often
   * `source bigdata_env` there); one that prints garbles the external sftp-server's first packet.
   */
  bashrc?: string;
}

export interface SshdUser {
  name: string;
  /**
   * With a uid the user exists on this host only (its own passwd, group, shadow lines and
   * `/home/<name>`); without one it must already exist on the machine (useradd) and only its
   * password is set, in this host's shadow copy.
   */
  uid?: number;
  password?: string;
  authorizedKeys?: string[];
  /** Login shell (default /bin/bash). */
  shell?: string;
}

export interface SshdHost {
  ip: string;
  port: number;
  /** `SHA256:…` of the current host key (as `ssh-keygen -lf` prints it). */
  fingerprint: string;
  /** `ssh-ed25519 AAAA…` */
  hostKeyLine: string;
  /** The directory that holds this host's `/root`, `/tmp`, `/opt`. */
  root: string;
  pid: number;
  logFile: string;
  /** Where a path the host sees (`/tmp/x`) lives on this machine. */
  path(hostPath: string): string;
  /** Kills every session process (connections drop; the listener stays). */
  dropConnections(): Promise<void>;
  /** Stops sshd (sessions and listener) but keeps its files: `restart()` brings it back. */
  halt(): Promise<void>;
  /** Runs `usermod -L` on this host's own account files (the real tool, with --prefix). */
  lockUser(name: string): Promise<void>;
  /** Runs a command inside this host's mount namespace (as root), e.g. to see its /etc/shadow. */
  inNamespace(args: string[]): Promise<string>;
  /** Stops and starts again on the same address; `newHostKey` simulates a rebuilt host. */
  restart(options?: { newHostKey?: boolean }): Promise<void>;
  stop(): Promise<void>;
  log(): Promise<string>;
}

const running = new Set<SshdHost>();
const tempDirs = new Set<string>();

/** A private directory, removed by `stopAllSshd()`. */
export async function makeTempDir(prefix: string): Promise<string> {
  // Not under /tmp: each sshd bind-mounts its own /tmp, which would hide its own config.
  const base = existsSync('/var/tmp') ? '/var/tmp' : '/tmp';
  const dir = await mkdtemp(join(base, prefix));
  tempDirs.add(dir);
  return dir;
}

/** An ed25519 key pair made by ssh-keygen (optionally encrypted). */
export async function generateClientKey(dir: string, name = 'id_ed25519', passphrase = ''): Promise<{ privatePath: string; publicLine: string }> {
  const privatePath = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `mrs-trust-test-${name}`, '-f', privatePath]);
  return { privatePath, publicLine: (await readFile(`${privatePath}.pub`, 'utf8')).trim() };
}

async function fingerprintOfPub(pubPath: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath]);
  const fp = /SHA256:[A-Za-z0-9+/]{43}/.exec(stdout)?.[0];
  if (!fp) throw new Error(`ssh-keygen -lf gave no fingerprint: ${stdout}`);
  return fp;
}

async function hashOf(password: string | undefined): Promise<string> {
  return password === undefined ? '*' : (await runWithStdin('openssl', ['passwd', '-6', '-stdin'], `${password}\n`)).trim();
}

/**
 * The machine's account file, read until two reads 50 ms apart agree and it names root: other
 * tests on this machine add users, and a file read mid-rewrite would leave this host without
 * root or sshd's privilege-separation user (every login would then fail).
 */
async function readAccountFile(path: string): Promise<string> {
  let previous = await readFile(path, 'utf8');
  for (let attempt = 0; attempt < 40; attempt += 1) {
    await new Promise((r) => setTimeout(r, 50));
    const current = await readFile(path, 'utf8');
    if (current === previous && /^root:/m.test(current)) return current;
    previous = current;
  }
  throw new Error(`${path} keeps changing or names no root`);
}

/** This host's own passwd, group and shadow (the machine's, plus its users) and their homes. */
async function writeAccounts(fs: string, options: SshdOptions): Promise<void> {
  const users = (options.users ?? []).filter((u): u is SshdUser & { uid: number } => u.uid !== undefined);
  const days = Math.floor(Date.now() / 86_400_000);
  const passwd = (await readAccountFile('/etc/passwd')).trimEnd();
  const group = (await readAccountFile('/etc/group')).trimEnd();
  const shadow = (await shadowWith(options.password, (options.users ?? []).filter((u) => u.uid === undefined))).trimEnd();
  const extra = await Promise.all(users.map(async (u) => ({ u, hash: await hashOf(u.password) })));
  await writeFile(join(fs, 'etc/passwd'), [passwd, ...users.map((u) => `${u.name}:x:${u.uid}:${u.uid}::/home/${u.name}:${u.shell ?? '/bin/bash'}`)].join('\n') + '\n', { mode: 0o644 });
  await writeFile(join(fs, 'etc/group'), [group, ...users.map((u) => `${u.name}:x:${u.uid}:`)].join('\n') + '\n', { mode: 0o644 });
  // Its own /etc/hosts too (ssh trust --set-hostnames writes it).
  await writeFile(join(fs, 'etc/hosts'), await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1 localhost\n'), { mode: 0o644 });
  await writeFile(join(fs, 'etc/shadow'), [shadow, ...extra.map(({ u, hash }) => `${u.name}:${hash}:${days}:0:99999:7:::`)].join('\n') + '\n', { mode: 0o640 });
  for (const u of users) {
    const home = join(fs, 'home', u.name);
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh/authorized_keys'), (u.authorizedKeys ?? []).map((k) => `${k}\n`).join(''), { mode: 0o600 });
    await chmod(home, 0o755);
    await chmod(join(home, '.ssh'), 0o700);
    await run('chown', ['-R', `${u.uid}:${u.uid}`, home]);
  }
}

/** The machine's shadow with root's (and the named existing users') password hashes replaced. */
async function shadowWith(password: string | undefined, existing: SshdUser[] = []): Promise<string> {
  const hashes = new Map<string, string>([['root', await hashOf(password)]]);
  for (const u of existing) hashes.set(u.name, await hashOf(u.password));
  const current = await readAccountFile('/etc/shadow');
  return current
    .split('\n')
    .map((line) => {
      const name = line.split(':')[0] ?? '';
      const hash = hashes.get(name);
      return hash === undefined ? line : [name, hash, ...line.split(':').slice(2)].join(':');
    })
    .join('\n');
}

function runWithStdin(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

function sshdConfig(dir: string, ip: string, port: number, passwordAuth: boolean): string {
  return [
    `ListenAddress ${ip}:${port}`,
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    'PidFile none',
    'UsePAM no',
    'PermitRootLogin yes',
    `PasswordAuthentication ${passwordAuth ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'StrictModes yes',
    // The distribution's default: an external sftp-server, started through the user's shell
    // (internal-sftp would ignore start-up files, more forgiving than a real MRS host).
    `Subsystem sftp ${existsSync(SFTP_SERVER) ? SFTP_SERVER : 'internal-sftp'}`,
    'PrintMotd no',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

// Runs inside the new mount namespace, then becomes sshd (same pid: unshare and sh exec).
const NAMESPACE_SCRIPT = [
  'set -e',
  'mount -n -t tmpfs -o mode=755 tmpfs /run',
  'mkdir -m 755 /run/sshd',
  'mount -n --bind "$HOST_FS/root" /root',
  'mount -n --bind "$HOST_FS/opt" /opt',
  'mount -n --bind "$HOST_FS/etc/shadow" /etc/shadow',
  'mount -n --bind "$HOST_FS/etc/passwd" /etc/passwd',
  'mount -n --bind "$HOST_FS/etc/group" /etc/group',
  'mount -n --bind "$HOST_FS/etc/hosts" /etc/hosts',
  'mount -n --bind "$HOST_FS/home" /home',
  'mount -n --bind "$HOST_FS/tmp" /tmp',
  'exec "$0" "$@"',
].join('\n');

async function waitListening(ip: string, port: number, child: ChildProcess, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`sshd on ${ip}:${port} exited (${child.exitCode ?? child.signalCode}): ${log.slice(-1500)}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: ip, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sshd on ${ip}:${port} did not start listening`);
}

/** Pids of every descendant of `pid` (from /proc). */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isFinite(ppid)) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (p: number) => (parents.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export async function startSshd(options: SshdOptions): Promise<SshdHost> {
  const missing = sshdMissing();
  if (missing) throw new Error(missing);
  const port = options.port ?? 22022;
  const base = existsSync('/var/tmp') ? '/var/tmp' : '/tmp';
  const root = await mkdtemp(join(base, `sshd-${options.ip}-${port}-`));
  const fs = join(root, 'fs');
  const conf = join(root, 'sshd');
  for (const d of ['root/.ssh', 'tmp', 'opt', 'etc', 'home']) await mkdir(join(fs, d), { recursive: true });
  await mkdir(conf, { recursive: true });
  await chmod(join(fs, 'root'), 0o700);
  await chmod(join(fs, 'root/.ssh'), 0o700);
  await chmod(join(fs, 'tmp'), 0o1777);
  await writeFile(join(fs, 'root/.ssh/authorized_keys'), (options.authorizedKeys ?? []).map((k) => `${k}\n`).join(''), { mode: 0o600 });
  await writeAccounts(fs, options);
  if (options.bashrc !== undefined) await writeFile(join(fs, 'root/.bashrc'), options.bashrc);
  const passwordAuth = options.password !== undefined || (options.users ?? []).some((u) => u.password !== undefined);
  await writeFile(join(conf, 'sshd_config'), sshdConfig(conf, options.ip, port, passwordAuth));
  const logFile = join(conf, 'sshd.log');

  let child: ChildProcess | undefined;
  const keyPath = join(conf, 'ssh_host_ed25519_key');
  const launch = async (newKey: boolean) => {
    if (newKey) {
      await rm(keyPath, { force: true });
      await rm(`${keyPath}.pub`, { force: true });
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `host-${options.ip}`, '-f', keyPath]);
    }
    child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', NAMESPACE_SCRIPT, SSHD, '-D', '-f', join(conf, 'sshd_config'), '-E', logFile], {
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOST_FS: fs },
      stdio: 'ignore',
    });
    await waitListening(options.ip, port, child, logFile);
    host.pid = child.pid as number;
    host.fingerprint = await fingerprintOfPub(`${keyPath}.pub`);
    host.hostKeyLine = (await readFile(`${keyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  };
  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    for (const pid of await descendants(c.pid as number)) killQuietly(pid, 'SIGKILL');
    const exited = new Promise((resolve) => c.once('exit', resolve));
    killQuietly(c.pid as number, 'SIGTERM');
    await exited;
  };

  const host: SshdHost = {
    ip: options.ip,
    port,
    fingerprint: '',
    hostKeyLine: '',
    root: fs,
    pid: 0,
    logFile,
    path: (hostPath) => join(fs, hostPath.replace(/^\/+/, '')),
    async dropConnections() {
      for (const pid of await descendants(host.pid)) killQuietly(pid, 'SIGKILL');
    },
    async restart(opts = {}) {
      await halt();
      await launch(opts.newHostKey === true);
    },
    async stop() {
      await halt();
      running.delete(host);
      await rm(root, { recursive: true, force: true });
    },
    log: () => readFile(logFile, 'utf8'),
    halt: () => halt(),
    async lockUser(name) {
      await run('usermod', ['-P', fs, '-L', name]);
      // usermod replaced the file (a new inode): bind the new one where the namespace sees /etc/shadow.
      // The old one is deleted, so the mount point must go first (a bind over a deleted file fails).
      await run('nsenter', ['-t', String(host.pid), '-m', '--', 'sh', '-c', 'umount -n /etc/shadow && mount -n --bind "$1" /etc/shadow', 'sh', join(fs, 'etc/shadow')]);
    },
    async inNamespace(args) {
      const { stdout } = await run('nsenter', ['-t', String(host.pid), '-m', '--', ...args]);
      return stdout;
    },
  };
  try {
    await launch(true);
  } catch (error) {
    await halt();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  running.add(host);
  return host;
}

/** Stops every sshd this test file started and removes its temp dirs (use in afterAll). */
export async function stopAllSshd(): Promise<void> {
  await Promise.all([...running].map((h) => h.stop()));
  await Promise.all([...tempDirs].map((d) => rm(d, { recursive: true, force: true })));
  tempDirs.clear();
}
