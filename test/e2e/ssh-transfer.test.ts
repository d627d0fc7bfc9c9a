import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRemoteHost } from '../../src/adapters/ssh/index.js';
import type { RemoteHost } from '../../src/ports/remote-host.js';
import { describeWithSshd, generateClientKey, makeTempDir, startSshd, stopAllSshd, type SshdHost } from '../support/sshd.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

// MRS client hosts often source bigdata_env in root's ~/.bashrc; a line it prints lands in front
// of every command's output and garbles SFTP (the external sftp-server starts through the shell).
const NOISY_BASHRC = 'echo "Welcome to the MRS client host"\necho "bigdata_env: loaded" >&2\n';

const variants = [
  { name: 'uploads and downloads', ip: '127.61.3.1', bashrc: undefined, channel: 'sftp' },
  { name: 'a login shell that prints: files over exec channels', ip: '127.61.3.2', bashrc: NOISY_BASHRC, channel: 'exec' },
] as const;

for (const variant of variants) describeWithSshd(`ssh adapter vs real sshd: ${variant.name}`, () => {
  let sshd: SshdHost;
  let dir: string;
  let host: RemoteHost;
  let key: string;
  const debug: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('ssh-transfer-');
    const pair = await generateClientKey(dir);
    key = pair.privatePath;
    sshd = await startSshd({ ip: variant.ip, authorizedKeys: [pair.publicLine], ...(variant.bashrc ? { bashrc: variant.bashrc } : {}) });
    host = createRemoteHost({ host: sshd.ip, port: sshd.port, user: 'root', key, hostKey: sshd.fingerprint, field: 'clusters.alpha.clients[0]' }, { log: { warn: () => undefined, debug: (line) => debug.push(line) } });
  });
  afterAll(async () => {
    await host?.close();
    await stopAllSshd();
  });

  it('uploads a file: verified hash, mode 0600, no temporary file left', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const local = join(dir, 'client.tar');
    await writeFile(local, data);
    const result = await host.uploadFile(local, '/tmp/MRS_Services_Client.tar');
    expect(result).toEqual({ bytes: data.length, sha256: sha256(data) });
    const onHost = sshd.path('/tmp/MRS_Services_Client.tar');
    expect(sha256(await readFile(onHost))).toBe(sha256(data));
    expect((await stat(onHost)).mode & 0o777).toBe(0o600);
    expect((await readdir(sshd.path('/tmp'))).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('uploads a generated stream and replaces an older file atomically', async () => {
    await writeFile(sshd.path('/tmp/generated.bin'), 'old content');
    const chunks = Array.from({ length: 40 }, () => randomBytes(64 * 1024));
    const result = await host.uploadStream(Readable.from(chunks), '/tmp/generated.bin', { mode: 0o644 });
    const all = Buffer.concat(chunks);
    expect(result).toEqual({ bytes: all.length, sha256: sha256(all) });
    expect(sha256(await readFile(sshd.path('/tmp/generated.bin')))).toBe(sha256(all));
  });

  it(`commands see only their own output, and files go over ${variant.channel}`, async () => {
    const result = await host.exec('echo own-output; echo own-error >&2');
    expect(result).toMatchObject({ exitCode: 0, stdout: 'own-output\n', stderr: 'own-error\n' });
    if (variant.bashrc) expect((await host.exec('true', { raw: true })).stdout).toBe('Welcome to the MRS client host\n');
    expect(debug.some((line) => line.includes(`over ${variant.channel} in`))).toBe(true);
  });

  it('reads and downloads remote files', async () => {
    await writeFile(sshd.path('/opt/krb5.conf'), '[libdefaults]\n default_realm = ALPHA.MRS\n');
    expect((await host.readFile('/opt/krb5.conf')).toString()).toContain('ALPHA.MRS');
    const local = join(dir, 'downloaded.conf');
    expect(await host.downloadFile('/opt/krb5.conf', local)).toEqual({ bytes: 41 });
    expect(await readFile(local, 'utf8')).toContain('default_realm');
  });

  it('a missing remote directory is SSH_TRANSFER_FAILED', async () => {
    const local = join(dir, 'small');
    await writeFile(local, 'x');
    await expect(host.uploadFile(local, '/opt/no/such/dir/file')).rejects.toMatchObject({ code: 'SSH_TRANSFER_FAILED' });
    await expect(host.readFile('/opt/absent')).rejects.toMatchObject({ code: 'SSH_TRANSFER_FAILED' });
  });

  it('a connection dropped mid-upload fails with SSH_DISCONNECTED and leaves no file that looks complete', async () => {
    const victim = createRemoteHost({ host: sshd.ip, port: sshd.port, user: 'root', key, hostKey: sshd.fingerprint, field: 'clusters.alpha.clients[1]' });
    let sent = 0;
    let dropped = false;
    // An endless generated stream: the drop happens after 4 MB have gone out.
    const source = new Readable({
      read() {
        sent += 256 * 1024;
        if (sent > 4 * 1024 * 1024 && !dropped) {
          dropped = true;
          void sshd.dropConnections();
        }
        this.push(randomBytes(256 * 1024));
      },
    });
    const error = await victim.uploadStream(source, '/tmp/dropped.tar').catch((e: unknown) => e);
    source.destroy();
    expect(error).toMatchObject({ code: 'SSH_DISCONNECTED' });
    const names = await readdir(sshd.path('/tmp'));
    expect(names).not.toContain('dropped.tar');
    expect(names.filter((n) => n.includes('dropped.tar')).every((n) => n.startsWith('.dropped.tar.') && n.endsWith('.part'))).toBe(true);
    await victim.close();
    // The adapter reconnects on the next call.
    expect((await victim.exec('echo again')).stdout).toBe('again\n');
    await victim.close();
  });

  it('a connection dropped during a fastPut file upload leaves no file that looks complete', async () => {
    const local = join(dir, 'big.bin');
    const fh = await open(local, 'w');
    const block = randomBytes(1024 * 1024);
    for (let i = 0; i < 96; i += 1) await fh.write(block);
    await fh.close();
    const victim = createRemoteHost({ host: sshd.ip, port: sshd.port, user: 'root', key, hostKey: sshd.fingerprint, field: 'clusters.alpha.clients[1]' });
    const tmpDir = sshd.path('/tmp');
    let dropped = false;
    const upload = victim.uploadFile(local, '/tmp/big.bin').then(
      () => 'completed',
      (e: unknown) => e,
    );
    // Watch the hidden .part file grow on the host, and cut the connection once 8 MB arrived.
    const watcher = (async () => {
      for (;;) {
        const part = (await readdir(tmpDir)).find((n) => n.startsWith('.big.bin.') && n.endsWith('.part'));
        if (part && ((await stat(join(tmpDir, part)).catch(() => undefined))?.size ?? 0) > 8 * 1024 * 1024) {
          dropped = true;
          await sshd.dropConnections();
          return;
        }
        if (await Promise.race([upload.then(() => true), new Promise((r) => setTimeout(() => r(false), 2))])) return;
      }
    })();
    const outcome = await upload;
    await watcher;
    expect(dropped).toBe(true);
    expect(outcome).toMatchObject({ code: 'SSH_DISCONNECTED' });
    expect(await readdir(tmpDir)).not.toContain('big.bin');
    await victim.close();
    await rm(local);
  });
});
