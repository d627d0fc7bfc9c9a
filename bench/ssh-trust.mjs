// bench/ssh-trust: `mrs-trust ssh trust` against the manual procedure, on real OpenSSH.
// N hosts (8, then 32; override with SSH_TRUST_BENCH_SIZES=8,16), each its own sshd on its own
// loopback address, in its own mount namespace (own /root, own /etc/shadow with a root password).
//   manual: on each host in turn (nsenter into it, as an operator logged in there), generate a
//           key, then for every other host `ssh-keyscan -p P ip >> known_hosts` and
//           `ssh-copy-id -p P root@ip` with the password (SSH_ASKPASS) — one after the other.
//   tool:   `mrs-trust ssh trust -f hosts --user root --port P --password-file F --accept-new`
//           from a fresh controller home: host keys, own keys, authorized_keys, known_hosts, modes,
//           AND the N×N BatchMode login check (the manual loop checks nothing).
// Every host's ~/.ssh is emptied between the two. Prints tool/manual per size; target ≤ 0.25 at 32.
// The manual loop costs the same on every host (N-1 keyscans + ssh-copy-ids), and at 32 hosts it
// is ~1,000 sequential logins: above 8 hosts it runs on a sample of source hosts
// (SSH_TRUST_BENCH_SAMPLE, default 3) and its time is scaled to all N — the output says so.
// Run: `npm run build && node bench/ssh-trust.mjs` (root, openssh-server, openssh-client, util-linux).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seconds, waitListening } from './_support.mjs';

const PORT = 22141;
const PASSWORD = 'bench-Trust-41';
const ip = (i) => `127.141.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/main.js');
const sizes = (process.env.SSH_TRUST_BENCH_SIZES ?? '8,32').split(',').map(Number).filter((n) => n >= 2);

function missing() {
  for (const b of ['/usr/sbin/sshd', '/usr/bin/ssh-copy-id', '/usr/bin/ssh-keyscan', '/usr/bin/nsenter', '/usr/bin/unshare', '/usr/bin/openssl']) if (!existsSync(b)) return `${b} is missing (openssh-server, openssh-client, util-linux, openssl)`;
  if (process.getuid?.() !== 0) return 'needs root (sshd runs in private mount namespaces)';
  if (!existsSync(bin)) return 'dist/ is missing: run `npm run build` first';
  return undefined;
}


const NAMESPACE = ['set -e', 'mount -n -t tmpfs -o mode=755 tmpfs /run', 'mkdir -m 755 /run/sshd', 'mount -n --bind "$HOST_FS/root" /root', 'mount -n --bind "$HOST_FS/shadow" /etc/shadow', 'exec "$0" "$@"'].join('\n');

function startHost(base, i, shadow) {
  const dir = join(base, `host${i}`);
  const fs = join(dir, 'fs');
  mkdirSync(join(fs, 'root/.ssh'), { recursive: true, mode: 0o700 });
  execFileSync('chmod', ['700', join(fs, 'root'), join(fs, 'root/.ssh')]);
  writeFileSync(join(fs, 'shadow'), shadow, { mode: 0o640 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  writeFileSync(join(dir, 'sshd_config'), [`ListenAddress ${ip(i)}:${PORT}`, `HostKey ${join(dir, 'host_key')}`, 'PidFile none', 'UsePAM no', 'PermitRootLogin yes', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no', 'StrictModes yes', 'PrintMotd no', 'LogLevel ERROR', ''].join('\n'));
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', NAMESPACE, '/usr/sbin/sshd', '-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { env: { PATH: process.env.PATH, HOST_FS: fs }, stdio: 'ignore' });
  return { i, ip: ip(i), dir, sshDir: join(fs, 'root/.ssh'), child };
}

function descendants(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat = '';
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const out = [];
  const walk = (p) => (parents.get(p) ?? []).forEach((c) => { out.push(c); walk(c); });
  walk(pid);
  return out;
}

function stopHost(h) {
  for (const pid of descendants(h.child.pid)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  try { process.kill(h.child.pid, 'SIGTERM'); } catch { /* gone */ }
}

function resetHosts(hosts) {
  for (const h of hosts) for (const f of readdirSync(h.sshDir)) rmSync(join(h.sshDir, f), { force: true });
}


/** The manual procedure, on one host after the other, every step sequential. */
function manual(hosts, sources, askpass) {
  for (const h of sources) {
    const loop = [
      'set -e',
      'ssh-keygen -q -t ed25519 -N "" -f /root/.ssh/id_ed25519 </dev/null >/dev/null',
      ...hosts.filter((o) => o !== h).flatMap((o) => [
        `ssh-keyscan -p ${PORT} ${o.ip} >> /root/.ssh/known_hosts 2>/dev/null`,
        `ssh-copy-id -i /root/.ssh/id_ed25519.pub -p ${PORT} root@${o.ip} >/dev/null 2>&1 </dev/null`,
      ]),
    ].join('\n');
    const r = spawnSync('nsenter', ['-t', String(h.child.pid), '-m', '--', 'sh', '-c', loop], { env: { PATH: process.env.PATH, HOME: '/root', SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', BENCH_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`manual loop failed on ${h.ip}: ${r.stderr}`);
  }
}

function tool(base, hosts, n) {
  const home = join(base, `controller-${n}`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const hostFile = join(base, `hosts-${n}`);
  writeFileSync(hostFile, hosts.map((h) => `${h.ip}\n`).join(''));
  const r = spawnSync(process.execPath, [bin, 'ssh', 'trust', '-f', hostFile, '--user', 'root', '--port', String(PORT), '--password-file', join(base, 'password'), '--accept-new', '--parallel', '32', '--json', '--progress', 'none'], { env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ssh trust exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout);
}

async function main() {
  const why = missing();
  if (why) return console.log(`bench/ssh-trust skipped: ${why}`);
  const base = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : '/tmp', 'mrs-bench-ssh-trust-'));
  const askpass = join(base, 'askpass');
  writeFileSync(askpass, '#!/bin/sh\nprintf "%s\\n" "$BENCH_PASSWORD"\n', { mode: 0o700 });
  writeFileSync(join(base, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
  const hash = execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: `${PASSWORD}\n`, encoding: 'utf8' }).trim();
  const shadow = readFileSync('/etc/shadow', 'utf8').split('\n').map((l) => (l.startsWith('root:') ? ['root', hash, ...l.split(':').slice(2)].join(':') : l)).join('\n');
  const all = [];
  let next = 0;
  try {
    for (const n of sizes) {
      const hosts = [];
      while (hosts.length < n) hosts.push(startHost(base, next++, shadow));
      all.push(...hosts);
      await Promise.all(hosts.map((h) => waitListening(h.ip, PORT)));
      const sample = n <= 8 ? n : Math.min(n, Number(process.env.SSH_TRUST_BENCH_SAMPLE ?? 3));
      const manualS = (seconds(() => manual(hosts, hosts.slice(0, sample), askpass)) * n) / sample;
      resetHosts(hosts);
      let result;
      const toolS = seconds(() => { result = tool(base, hosts, n); });
      const pairs = `${result.matrix.ok}/${result.matrix.total} pairs verified`;
      const scaled = sample < n ? `, measured on ${sample} of ${n} source hosts and scaled to ${n}` : '';
      console.log(`bench/ssh-trust ${n} hosts: manual ${manualS.toFixed(1)} s (${n * (n - 1)} keyscans + ssh-copy-ids, no check${scaled}), mrs-trust ${toolS.toFixed(1)} s (${pairs}); ratio ${(toolS / manualS).toFixed(2)}${n === 32 ? ' (target ≤ 0.25)' : ''}`);
      for (const h of hosts) stopHost(h);
    }
  } finally {
    for (const h of all) stopHost(h);
    await new Promise((r) => setTimeout(r, 200));
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench/ssh-trust failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
