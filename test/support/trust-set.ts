/**
 * A set of real OpenSSH hosts (test/support/sshd.ts), each with its own user and home, put into
 * mutual trust the way `ssh trust` leaves them: every host its own ed25519 key (comment
 * `mrs-trust:generated=<label>`), every other host's key in its authorized_keys (marked
 * `mrs-trust:from=<label>`), every host key in its known_hosts as `[ip]:port`. The machine
 * running the test logs in as root with its own key (for --inspect-as root) and as the users
 * with their password.
 */
import { execFile } from 'node:child_process';
import { chown, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateClientKey, makeTempDir, startSshd, type SshdHost } from './sshd.js';

const run = promisify(execFile);

export interface TrustHost {
  sshd: SshdHost;
  user: string;
  uid: number;
  label: string;
  /** Where this host's user's home lives on the machine. */
  home: string;
  publicLine: string;
}

export interface TrustSet {
  hosts: TrustHost[];
  dir: string;
  password: string;
  hostFile: string;
  passwordFile: string;
  pinFile: string;
  /** HOME for the CLI: holds the controller's key (in every host's root authorized_keys). */
  controllerHome: string;
  /** Rewrites the pin file from the hosts' current host keys. */
  writePins(): Promise<void>;
  writeHostFile(lines?: string[]): Promise<void>;
}

/** `handMade: false` leaves the users without keys or trust files (for `mrs-trust ssh trust` to create them). */
export async function startTrustSet(options: { subnet: number; count: number; port?: number; uidBase: number; prefix: string; handMade?: boolean }): Promise<TrustSet> {
  const dir = await makeTempDir(`${options.prefix}-`);
  const controllerHome = join(dir, 'home');
  await run('mkdir', ['-p', join(controllerHome, '.ssh')]);
  const controller = await generateClientKey(join(controllerHome, '.ssh'), 'id_ed25519');
  const password = `pw-${Math.random().toString(36).slice(2)}-doctor`;
  const port = options.port ?? 22022;
  const hosts: TrustHost[] = [];
  for (let i = 1; i <= options.count; i += 1) {
    const user = `${options.prefix}${i}`;
    const uid = options.uidBase + i;
    const sshd = await startSshd({ ip: `127.${options.subnet}.0.${i}`, port, authorizedKeys: [controller.publicLine], users: [{ name: user, uid, password }] });
    const label = `${user}@${sshd.ip}:${port}`;
    const home = sshd.path(`/home/${user}`);
    if (options.handMade === false) {
      hosts.push({ sshd, user, uid, label, home, publicLine: '' });
      continue;
    }
    const keyPath = join(home, '.ssh/id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `mrs-trust:generated=${label}`, '-f', keyPath]);
    await chown(keyPath, uid, uid);
    await chown(`${keyPath}.pub`, uid, uid);
    const [type, base64] = (await readFile(`${keyPath}.pub`, 'utf8')).trim().split(' ');
    hosts.push({ sshd, user, uid, label, home, publicLine: `${type} ${base64}` });
  }
  for (const h of options.handMade === false ? [] : hosts) {
    const others = hosts.filter((o) => o !== h);
    const ak = join(h.home, '.ssh/authorized_keys');
    const kh = join(h.home, '.ssh/known_hosts');
    await writeFile(ak, others.map((o) => `${o.publicLine} mrs-trust:from=${o.label}\n`).join(''), { mode: 0o600 });
    await writeFile(kh, others.map((o) => `[${o.sshd.ip}]:${port} ${o.sshd.hostKeyLine} mrs-trust:host=${o.label}\n`).join(''), { mode: 0o600 });
    await chown(ak, h.uid, h.uid);
    await chown(kh, h.uid, h.uid);
  }
  const set: TrustSet = {
    hosts,
    dir,
    password,
    controllerHome,
    hostFile: join(dir, 'hosts'),
    passwordFile: join(dir, 'password'),
    pinFile: join(dir, 'pins'),
    async writePins() {
      await writeFile(set.pinFile, hosts.map((h) => `[${h.sshd.ip}]:${h.sshd.port} ${h.sshd.hostKeyLine}\n`).join(''));
    },
    async writeHostFile(lines) {
      await writeFile(set.hostFile, `# ${options.prefix} hosts\n${(lines ?? hosts.map((h) => h.label)).join('\n')}\n`);
    },
  };
  await writeFile(set.passwordFile, `${password}\n`, { mode: 0o600 });
  await set.writePins();
  await set.writeHostFile();
  return set;
}
