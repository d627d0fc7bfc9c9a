// bench/clients: `mrs-trust clients refresh` against real OpenSSH on loopback.
//  1. 16 client hosts, a 20 MB configuration tarball: wall time of the tool (default --parallel 8)
//     against a sequential `scp` + `ssh … sh refreshConfig.sh` loop over the same hosts, as an
//     operator would do by hand, twice: with light login shells (target ≤ 0.2), and with login
//     shells whose start-up file costs 0.3 s (target ≤ 0.45), as on MRS client hosts whose
//     ~/.bashrc sources bigdata_env or loads version managers. Debian's bash reads ~/.bashrc for
//     every command sshd runs (and scp's `scp -t` is such a command), so both loops pay it.
//  2. Peak RSS of the tool (GNU time %M) refreshing 4 hosts with a 20 MB and a 500 MB tarball.
//     Target: < 200 MB and flat (streamed uploads).
// Every host runs the sandbox's simulated refreshConfig.sh (extracts the tar, copies the
// configuration), the same script in both loops. Uploads are deleted after each run.
// Run: `npm run build && node bench/clients.mjs` (root and openssh-server needed).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seconds, waitListening } from './_support.mjs';

const MB = 1024 * 1024;
const HOSTS = 16;
const PORT = 22077;
const ip = (i) => `127.77.0.${i + 1}`;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/main.js');

function missing() {
  if (!existsSync('/usr/sbin/sshd') || !existsSync('/usr/bin/scp')) return 'openssh-server and openssh-client are not installed';
  if (process.getuid?.() !== 0) return 'needs root (sshd runs in a private mount namespace)';
  if (!existsSync(bin)) return 'dist/ is missing: run `npm run build` first';
  return undefined;
}



async function main() {
  const why = missing();
  if (why) return console.log(`bench/clients skipped: ${why}`);
  const base = existsSync('/var/tmp') ? '/var/tmp' : '/tmp';
  const { bavail, bsize } = statfsSync(base);
  const freeMB = (bavail * bsize) / MB;
  // Per host a refresh holds the upload, the extracted inner tar and its files, and the copy in
  // the client dir (~4x the tarball); plus the local tarball. Scale the large run down if needed.
  let large = 500;
  while (large > 40 && 4 * large * 4 + large + 16 * 20 * 4 + 200 > freeMB) large = Math.floor(large / 2);
  if (large < 500) console.log(`bench/clients: only ${freeMB.toFixed(0)} MB free under ${base}; the large tarball is scaled down from 500 MB to ${large} MB`);
  if (16 * 20 * 4 + 200 > freeMB) return console.log(`bench/clients skipped: only ${freeMB.toFixed(0)} MB free under ${base}`);

  const { writeClientConfigTarball } = await import(join(root, 'dist/sandbox/client-config.js'));
  const { installClient } = await import(join(root, 'dist/sandbox/ssh/client-install.js'));
  const dir = mkdtempSync(join(base, 'mrs-bench-clients-'));
  let sshd;
  try {
    mkdirSync(join(dir, 'root/.ssh'), { recursive: true, mode: 0o700 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
    writeFileSync(join(dir, 'root/.ssh/authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), { mode: 0o600 });
    const hostKey = /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')], { encoding: 'utf8' }))[0];
    // One sshd listening on 16 addresses; each "host" has its own client and upload directory.
    writeFileSync(join(dir, 'sshd_config'), [...Array.from({ length: HOSTS }, (_, i) => `ListenAddress ${ip(i)}:${PORT}`), `HostKey ${join(dir, 'host_key')}`, 'PidFile none', 'UsePAM no', 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'MaxStartups 100', 'MaxSessions 100', 'Subsystem sftp internal-sftp', ''].join('\n'));
    const script = 'set -e; mount -n -t tmpfs -o mode=755 tmpfs /run; mkdir -m 755 /run/sshd; mount -n --bind "$BENCH_DIR/root" /root; exec "$0" "$@"';
    sshd = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, '/usr/sbin/sshd', '-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { env: { PATH: process.env.PATH, BENCH_DIR: dir }, stdio: 'ignore' });
    for (let i = 0; i < HOSTS; i += 1) await waitListening(ip(i), PORT);

    const hostDir = (i) => join(dir, `h${i}`);
    for (let i = 0; i < HOSTS; i += 1) {
      await installClient(hostDir(i), 'ALPHA.MRS', ['127.77.1.1:21732']);
      mkdirSync(join(hostDir(i), 'upload'));
    }
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, Array.from({ length: HOSTS }, (_, i) => `[${ip(i)}]:${PORT} ${readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`).join(''));
    const writeConfig = (n) => {
      const clients = Array.from({ length: n }, (_, i) => [`      - host: ${ip(i)}`, `        port: ${PORT}`, '        user: root', `        key: ${join(dir, 'id_ed25519')}`, `        hostKey: "${hostKey}"`, `        clientDir: ${join(hostDir(i), 'opt/client')}`, `        uploadDir: ${join(hostDir(i), 'upload')}`].join('\n'));
      const path = join(dir, `clusters-${n}.yaml`);
      writeFileSync(path, ['version: 1', 'clusters:', '  alpha:', '    type: analysis', '    mrsVersion: "2.1.0"', '    manager:', '      url: https://127.77.1.10:28443', '      user: admin', '      password: { env: BENCH_UNUSED_PASSWORD }', '    clients:', ...clients, ''].join('\n'));
      return path;
    };
    const clearUploads = () => {
      for (let i = 0; i < HOSTS; i += 1) for (const f of readdirSync(join(hostDir(i), 'upload'))) rmSync(join(hostDir(i), 'upload', f), { recursive: true, force: true });
    };
    const tool = (config, tarball, extra = []) => {
      const timed = ['-f', '%M', process.execPath, bin, 'clients', 'refresh', 'alpha', '--tarball', `alpha=${tarball}`, '--force', '--config', config, '--progress', 'none', '--json', ...extra];
      const run = spawnSync('/usr/bin/time', timed, { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' }, maxBuffer: 64 * MB });
      if (run.status !== 0) throw new Error(`clients refresh exited ${run.status}: ${run.stderr.slice(-2000)}`);
      const result = JSON.parse(run.stdout);
      if (result.summary.ok !== result.hosts.length) throw new Error(`not every host refreshed: ${JSON.stringify(result.summary)}`);
      const rssKB = Number(run.stderr.trim().split('\n').pop());
      return rssKB / 1024;
    };

    // 1. Wall time, 16 hosts, 20 MB.
    const small = join(dir, 'alpha-20.tar');
    await writeClientConfigTarball(small, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: ['127.77.1.1:21732'], peers: [], paddingBytes: 20 * MB });
    const sshArgs = ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-i', join(dir, 'id_ed25519'), '-o', 'IdentitiesOnly=yes'];
    const config16 = writeConfig(HOSTS);
    const rss16 = [];
    const compare = (label, target) => {
      const manual = seconds(() => {
        for (let i = 0; i < HOSTS; i += 1) {
          const remote = join(hostDir(i), 'upload', 'MRS_Services_Client.tar');
          execFileSync('scp', ['-q', '-P', String(PORT), ...sshArgs, small, `root@${ip(i)}:${remote}`]);
          const out = execFileSync('ssh', ['-p', String(PORT), ...sshArgs, `root@${ip(i)}`, `cd ${join(hostDir(i), 'opt/client')} && sh refreshConfig.sh ${join(hostDir(i), 'opt/client')} ${remote}`], { encoding: 'utf8' });
          if (!out.includes('Succeed to refresh components client config.')) throw new Error(`manual refresh failed on ${ip(i)}: ${out}`);
        }
      });
      clearUploads();
      const toolSeconds = seconds(() => rss16.push(tool(config16, small)));
      clearUploads();
      console.log(`${label}: 16 hosts, 20 MB: sequential scp + ssh sh refreshConfig.sh ${manual.toFixed(2)} s; mrs-trust clients refresh (--parallel 8) ${toolSeconds.toFixed(2)} s`);
      console.log(`${label}: ratio tool / sequential = ${(toolSeconds / manual).toFixed(3)} (target <= ${target})`);
    };
    compare('light login shells', 0.2);
    // Every login shell now sleeps 0.3 s in its start-up file (one sshd serves all 16 "hosts").
    const bashrc = join(dir, 'root/.bashrc');
    writeFileSync(bashrc, 'sleep 0.3\n');
    compare('login shells with a 0.3 s start-up file', 0.45);
    rmSync(bashrc, { force: true });

    // 2. Peak RSS, 4 hosts, 20 MB vs large.
    const config4 = writeConfig(4);
    const rssSmall = tool(config4, small);
    clearUploads();
    rmSync(small, { force: true });
    const big = join(dir, `alpha-${large}.tar`);
    await writeClientConfigTarball(big, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: ['127.77.1.1:21732'], peers: [], paddingBytes: large * MB });
    const rssLarge = tool(config4, big);
    clearUploads();
    rmSync(big, { force: true });
    console.log(`peak RSS, 4 hosts: 20 MB tarball ${rssSmall.toFixed(0)} MB; ${large} MB tarball ${rssLarge.toFixed(0)} MB; ratio ${(rssLarge / rssSmall).toFixed(2)}x for ${(large / 20).toFixed(0)}x the data (target < 200 MB and flat)`);
    console.log(`(16-host run peak RSS ${rss16[0].toFixed(0)} MB)`);
  } finally {
    if (sshd?.pid && sshd.exitCode === null) {
      const exited = new Promise((r) => sshd.once('exit', r));
      process.kill(sshd.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
