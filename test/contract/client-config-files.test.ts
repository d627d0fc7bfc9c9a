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
    expect(info.tar).toBe(false);
  });

  it('the package check (issue #18): a tar without the layout, one without krb5.conf, one with a member escaping its directory', async () => {
    const { create } = await import('tar');
    const { packageProblem } = await import('../../src/workflow/clients/tarballs.js');
    const src = join(dir, 'src');
    const { mkdir, symlink } = await import('node:fs/promises');
    await mkdir(join(src, 'MRS_Services_ClientConfig/HDFS/config'), { recursive: true });
    await mkdir(join(src, 'docs'), { recursive: true });
    await writeFile(join(src, 'MRS_Services_ClientConfig/HDFS/config/core-site.xml'), '<configuration/>\n');
    await writeFile(join(src, 'docs/krb5.conf'), '[libdefaults]\n default_realm = ALPHA.MRS\n');
    const make = async (name: string, members: string[]) => {
      const path = join(dir, name);
      await create({ file: path, cwd: src, portable: true }, members);
      return inspectTarball(path);
    };
    expect(packageProblem(await make('nolayout.tar', ['docs']))).toMatch(/not an MRS client configuration \(no \*_ClientConfig\* member\)/);
    expect(packageProblem(await make('nokrb5.tar', ['MRS_Services_ClientConfig']))).toMatch(/holds no krb5.conf/);
    await symlink('/etc', join(src, 'MRS_Services_ClientConfig/escape'));
    const unsafe = await make('unsafe.tar', ['MRS_Services_ClientConfig', 'docs']);
    expect(unsafe.unsafeMember).toBe('MRS_Services_ClientConfig/escape');
    expect(packageProblem(unsafe)).toMatch(/would be written outside/);
    const good = join(dir, 'good.tar');
    await writeClientConfigTarball(good, { cluster: 'alpha', realm: 'ALPHA.MRS', kdcs: ['127.0.1.11:21732'], peers: [] });
    expect(packageProblem(await inspectTarball(good))).toBeUndefined();
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
