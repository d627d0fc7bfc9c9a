import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create } from 'tar';

/**
 * A realistic "Only configuration files" client tarball for one simulated cluster, as the MRS
 * Manager's download produces it: `MRS_Services_Client.tar` holding
 * `MRS_Services_ClientConfig_ConfigFiles.tar` (+ `.sha256`), which holds
 * `MRS_Services_ClientConfig_ConfigFiles/<Component>/config/…`. The krb5.conf names the realm, its
 * KDCs and every peer in `peer_realms` at the time of the download, so a client refreshed after
 * link knows the peer realm. Served by the sandbox Manager (client-download-route.ts) and
 * unpacked by the sandbox hosts' refreshConfig.sh.
 */
export interface ClientConfigInput {
  cluster: string;
  realm: string;
  /** `ip:port` of the cluster's KDCs. */
  kdcs: string[];
  peers: { realm_name: string; ip_port: string }[];
  /** Extra bytes of filler (benchmarks want large tarballs). */
  paddingBytes?: number;
}

export const CLIENT_TAR = 'MRS_Services_Client.tar';
export const CONFIG_FILES = 'MRS_Services_ClientConfig_ConfigFiles';
/** Where the MRS client keeps krb5.conf under its install directory. */
export const CLIENT_KRB5 = 'KrbClient/kerberos/var/krb5kdc/krb5.conf';
/** Where krb5.conf sits inside the configuration files directory. */
export const CONFIG_KRB5 = 'KrbClient/config/krb5.conf';

function realmBlock(realm: string, kdcs: string[]): string[] {
  const first = kdcs[0]?.replace(/:\d+$/, '') ?? '127.0.0.1';
  return [`${realm} = {`, ...kdcs.map((k) => `kdc = ${k}`), `admin_server = ${first}:21730`, `kpasswd_server = ${first}:21731`, `}`];
}

/** krb5.conf in the style of an MRS client (TCP only: udp_preference_limit = 1). */
export function clientKrb5Conf(input: Pick<ClientConfigInput, 'realm' | 'kdcs' | 'peers' | 'cluster'>): string {
  return [
    '[kdcdefaults]',
    `kdc_ports = ${input.kdcs[0]?.split(':').pop() ?? '21732'}`,
    '',
    '[libdefaults]',
    `default_realm = ${input.realm}`,
    'kdc_timeout = 2500',
    'clockskew = 300',
    'ticket_lifetime = 1d',
    'renew_lifetime = 0',
    'forwardable = true',
    'default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96',
    'default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96',
    'permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96',
    'udp_preference_limit = 1',
    'dns_lookup_kdc = false',
    'dns_lookup_realm = false',
    '',
    '[realms]',
    ...realmBlock(input.realm, input.kdcs),
    ...input.peers.flatMap((p) => realmBlock(p.realm_name, p.ip_port.split(','))),
    '',
    '[domain_realm]',
    `.${input.cluster} = ${input.realm}`,
    '',
  ].join('\n');
}

/** Writes `size` random bytes in 1 MiB pieces (a tarball of zeros would flatter compression). */
async function writePadding(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= 1 << 20) {
    if (!out.write(randomBytes(Math.min(left, 1 << 20)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const TAR_OPTIONS = { portable: true, mtime: new Date('2024-01-01T00:00:00Z') };

/**
 * Writes the tarball to `path`, streaming (a 500 MB padded tarball never sits in memory).
 * Returns its hex SHA-256.
 */
export async function writeClientConfigTarball(path: string, input: ClientConfigInput): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'mrs-sandbox-client-'));
  try {
    const files: Record<string, string> = {
      [CONFIG_KRB5]: clientKrb5Conf(input),
      'HDFS/config/core-site.xml': `<?xml version="1.0"?>\n<configuration>\n<property><name>hadoop.security.authentication</name><value>kerberos</value></property>\n<property><name>hadoop.rpc.protection</name><value>privacy</value></property>\n</configuration>\n`,
      'HDFS/config/hdfs-site.xml': `<?xml version="1.0"?>\n<configuration>\n<property><name>dfs.namenode.kerberos.principal</name><value>hdfs/hadoop.${input.realm.toLowerCase()}@${input.realm}</value></property>\n</configuration>\n`,
      Version: `MRS 2.1.0\ncluster ${input.cluster}\n`,
    };
    for (const [rel, text] of Object.entries(files)) {
      const full = join(work, CONFIG_FILES, rel);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, text);
    }
    if (input.paddingBytes) {
      await mkdir(join(work, CONFIG_FILES, 'Spark2x/config'), { recursive: true });
      await writePadding(join(work, CONFIG_FILES, 'Spark2x/config/spark-libs.bin'), input.paddingBytes);
    }
    const outer = join(work, 'outer');
    await mkdir(outer);
    const innerPath = join(outer, `${CONFIG_FILES}.tar`);
    await create({ ...TAR_OPTIONS, cwd: work, file: innerPath }, [CONFIG_FILES]);
    await rm(join(work, CONFIG_FILES), { recursive: true, force: true });
    const innerHash = createHash('sha256');
    for await (const chunk of createReadStream(innerPath)) innerHash.update(chunk as Buffer);
    await writeFile(`${innerPath}.sha256`, `${innerHash.digest('hex')}  ${CONFIG_FILES}.tar\n`);
    await create({ ...TAR_OPTIONS, cwd: outer, file: path }, [`${CONFIG_FILES}.tar`, `${CONFIG_FILES}.tar.sha256`]);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The tarball as bytes (the sandbox Manager's download; small without padding). */
export async function buildClientConfigTarball(input: ClientConfigInput): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'mrs-sandbox-client-tar-'));
  try {
    const path = join(dir, CLIENT_TAR);
    await writeClientConfigTarball(path, input);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
