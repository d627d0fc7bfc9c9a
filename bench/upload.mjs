// bench/upload: upload files of growing size to a real OpenSSH server on loopback through the
// ssh2 adapter (dist/), and print throughput and peak RSS per size. Each upload runs in a fresh
// child process, so its peak RSS is its own: RSS must stay flat as the file grows (streaming).
// Run alone with `npm run build && node bench/upload.mjs`, or via `npm run bench`.
// Needs root and openssh-server (sshd runs in a private mount namespace, as test/support/sshd.ts).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const MB = 1024 * 1024;
const IP = '127.66.0.1';
const PORT = 22066;
const dist = fileURLToPath(new URL('../dist/adapters/ssh/index.js', import.meta.url));

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else await main();

/** One upload in this (fresh) process; prints one JSON line. */
async function child({ mode, local, remote, bytes, key, hostKey }) {
  const { createRemoteHost } = await import(dist);
  let phases = {};
  const log = { warn: () => {}, debug: (line) => { const m = /sent in (\d+) ms, verified and renamed in (\d+) ms/.exec(line); if (m) phases = { sendSeconds: Number(m[1]) / 1000, verifySeconds: Number(m[2]) / 1000 }; } };
  const host = createRemoteHost({ host: IP, port: PORT, user: 'root', key, hostKey, field: 'bench' }, { log });
  await host.connect();
  const baseline = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  let result;
  if (mode === 'file') {
    result = await host.uploadFile(local, remote);
  } else {
    // A generated stream: 1 MiB chunks of pseudo-random data, never held in memory as a whole.
    const chunk = Buffer.alloc(MB);
    for (let i = 0; i < MB; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
    let left = bytes;
    const source = new Readable({ highWaterMark: MB, read() { if (left <= 0) return this.push(null); const n = Math.min(left, MB); left -= n; this.push(chunk.subarray(0, n)); } });
    result = await host.uploadStream(source, remote);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await host.close();
  if (result.bytes !== bytes) throw new Error(`uploaded ${result.bytes} of ${bytes} bytes`);
  console.log(JSON.stringify({ seconds, ...phases, baselineMB: baseline / MB, peakMB: (process.resourceUsage().maxRSS * 1024) / MB }));
}

function sshdMissing() {
  if (!existsSync('/usr/sbin/sshd') || !existsSync('/usr/bin/ssh-keygen')) return 'openssh-server is not installed (apt-get install openssh-server)';
  if (process.getuid?.() !== 0) return 'needs root (sshd runs in a private mount namespace)';
  if (!existsSync(dist)) return 'dist/ is missing: run `npm run build` first';
  return undefined;
}

async function waitListening() {
  for (let i = 0; i < 500; i += 1) {
    const ok = await new Promise((resolve) => { const s = connect({ host: IP, port: PORT }, () => { s.destroy(); resolve(true); }); s.on('error', () => resolve(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('sshd did not start');
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`upload child exited ${code}`))));
  });
}

async function main() {
  const missing = sshdMissing();
  if (missing) {
    console.log(`bench/upload skipped: ${missing}`);
    return;
  }
  const base = existsSync('/var/tmp') ? '/var/tmp' : '/tmp';
  // Free space: the local file and the uploaded copy (plus its temporary name) of the largest size.
  const { bavail, bsize } = statfsSync(base);
  const freeMB = (bavail * bsize) / MB;
  let largest = 200;
  while (largest > 8 && largest * 2.5 + 100 > freeMB) largest = Math.floor(largest / 2);
  if (largest * 2.5 + 100 > freeMB) {
    console.log(`bench/upload skipped: only ${freeMB.toFixed(0)} MB free under ${base}`);
    return;
  }
  if (largest < 200) console.log(`bench/upload: only ${freeMB.toFixed(0)} MB free under ${base}; largest upload scaled down from 200 MB to ${largest} MB`);
  const sizes = [...new Set([Math.max(1, Math.floor(largest / 4)), largest])];

  const dir = mkdtempSync(join(base, 'mrs-bench-upload-'));
  let sshd;
  try {
    mkdirSync(join(dir, 'root/.ssh'), { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, 'upload'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
    writeFileSync(join(dir, 'root/.ssh/authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), { mode: 0o600 });
    const hostKey = /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')], { encoding: 'utf8' }))[0];
    writeFileSync(join(dir, 'sshd_config'), [`ListenAddress ${IP}:${PORT}`, `HostKey ${join(dir, 'host_key')}`, 'PidFile none', 'UsePAM no', 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'Subsystem sftp internal-sftp', ''].join('\n'));
    const script = 'set -e; mount -n -t tmpfs -o mode=755 tmpfs /run; mkdir -m 755 /run/sshd; mount -n --bind "$BENCH_DIR/root" /root; exec "$0" "$@"';
    sshd = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, '/usr/sbin/sshd', '-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { env: { PATH: process.env.PATH, BENCH_DIR: dir }, stdio: 'ignore' });
    await waitListening();

    const rows = [];
    for (const size of sizes) {
      const local = join(dir, `local-${size}.bin`);
      const bytes = size * MB;
      const block = Buffer.alloc(MB, 0x5a);
      await pipeline(Readable.from((function* () { for (let i = 0; i < size; i += 1) yield block; })()), createWriteStream(local));
      for (const mode of ['file', 'stream']) {
        const remote = join(dir, 'upload', `${mode}-${size}.bin`);
        const r = await runChild({ mode, local, remote, bytes, key: join(dir, 'id_ed25519'), hostKey });
        rows.push({ mode, size, ...r });
        rmSync(remote, { force: true });
      }
      rmSync(local, { force: true });
    }
    // total = send + verify (sha256sum on the host) + rename; "send MB/s" is the transfer alone.
    console.log('mode    size MB   total s   MB/s   send s   send MB/s   verify s   baseline RSS MB   peak RSS MB   peak-baseline MB');
    for (const r of rows) {
      const send = r.sendSeconds ?? NaN;
      console.log(`${r.mode.padEnd(7)} ${String(r.size).padStart(7)} ${r.seconds.toFixed(2).padStart(9)} ${(r.size / r.seconds).toFixed(0).padStart(6)} ${send.toFixed(2).padStart(8)} ${(r.size / send).toFixed(0).padStart(11)} ${(r.verifySeconds ?? NaN).toFixed(2).padStart(10)} ${r.baselineMB.toFixed(0).padStart(17)} ${r.peakMB.toFixed(0).padStart(13)} ${(r.peakMB - r.baselineMB).toFixed(0).padStart(18)}`);
    }
    for (const mode of ['file', 'stream']) {
      const [small, large] = [rows.find((r) => r.mode === mode && r.size === sizes[0]), rows.find((r) => r.mode === mode && r.size === sizes[sizes.length - 1])];
      if (small && large && small !== large) console.log(`${mode}: peak RSS ${large.size} MB / ${small.size} MB = ${(large.peakMB / small.peakMB).toFixed(2)}x for ${(large.size / small.size).toFixed(0)}x the data`);
    }
  } finally {
    if (sshd?.pid && sshd.exitCode === null) {
      const exited = new Promise((r) => sshd.once('exit', r));
      process.kill(sshd.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
