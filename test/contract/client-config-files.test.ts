import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalClientFiles, inspectTarball } from '../../src/adapters/client-config/files.js';
import { CONFIG_FILES, CONFIG_KRB5, writeClientConfigTarball } from '../../src/sandbox/client-config.js';
import { namedRealms, parseKrb5Realms } from '../../src/workflow/clients/krb5.js';

const dir = await mkdtemp(join(tmpdir(), 'mrs-client-files-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('client configuration tarball (sandbox builder ↔ adapter inspect)', () => {
  it('finds the krb5.conf inside the nested ConfigFiles tar and hashes the whole file', async () => {
    const path = join(dir, 'alpha.tar');
    const sha = await writeClientConfigTarball(path, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: ['127.0.1.11:21732', '127.0.1.12:21732'], peers: [{ realm_name: 'BETA.MRS', ip_port: '127.0.2.11:21732,127.0.2.12:21732' }] });
    const info = await inspectTarball(path);
    expect(info.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(info.sha256).toBe(sha);
    expect(info.krb5?.member).toBe(`${CONFIG_FILES}.tar!/${CONFIG_FILES}/${CONFIG_KRB5}`);
    const parsed = parseKrb5Realms(info.krb5?.text ?? '');
    expect(parsed.defaultRealm).toBe('ALPHA.MRS');
    expect(namedRealms(parsed)).toEqual(['ALPHA.MRS', 'BETA.MRS']);
  });

  it('a file that is not a tar is still hashed, with no krb5.conf', async () => {
    const path = join(dir, 'junk.tar');
    await writeFile(path, 'not a tarball at all\n'.repeat(1000));
    const info = await inspectTarball(path);
    expect(info.bytes).toBe(21000);
    expect(info.krb5).toBeUndefined();
  });

  it('a missing file rejects (the workflow turns it into a --tarball usage error)', async () => {
    await expect(createLocalClientFiles().inspect(join(dir, 'nope.tar'))).rejects.toThrow(/ENOENT/);
  });

  it('temp dirs are private and removable', async () => {
    const files = createLocalClientFiles();
    const tmp = await files.makeTempDir('mrs-x-');
    await files.remove(tmp);
    await expect(writeFile(join(tmp, 'f'), 'x')).rejects.toThrow();
  });
});
