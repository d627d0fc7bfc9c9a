import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/errors/index.js';
import type { Manager } from '../../src/ports/manager.js';
import { discoverCluster, type DiscoverySources } from '../../src/workflow/discovery.js';

const KDCS = [{ ip: '10.1.0.11', port: 21732 }];
const notFound = (endpoint: string) => new RemoteError('MANAGER_BAD_REPLY', `alpha: ${endpoint}: answered HTTP 404`);

/** A Manager that records which reads were made; `fail` names reads that answer 404. */
function recordingManager(version: string, fail: string[] = []): { manager: Manager; calls: string[] } {
  const calls: string[] = [];
  const read = <T>(name: string, value: T) => async () => {
    calls.push(name);
    if (fail.includes(name)) throw notFound(name);
    return value;
  };
  const manager = {
    cluster: 'alpha',
    login: async () => undefined,
    logout: async () => undefined,
    readClusterInfo: read('clusters', { name: 'alpha', version, kerberos: true, state: 'GOOD' as const }),
    readHealth: read('health', [{ name: 'KrbServer', health: 'GOOD' as const }]),
    readHosts: read('hosts', [{ name: 'node-1', ip: '10.1.0.11' }]),
    readKerberosFacts: read('kerberos-facts', { realm: 'ALPHA.MRS', kdcs: KDCS, peers: [], configVersion: '1', kdcSource: 'kdc_ports 21732 from KrbServer service level' }),
    readPeerRealms: read('peer-realms', { peers: [{ realm_name: 'P.MRS', ip_port: '10.9.0.1:21732' }], configVersion: '7' }),
  } as unknown as Manager;
  return { manager, calls };
}

function sources(manager: Manager, extra: Partial<DiscoverySources> = {}): DiscoverySources & { notes: string[] } {
  const notes: string[] = [];
  return { name: 'alpha', mode: 'api', manager, note: (l) => notes.push(l), notes, ...extra };
}
const fromNodes = async () => ({ realm: 'ALPHA.MRS', kdcs: [{ ip: '10.1.0.11', port: 21800 }], source: 'root@10.1.0.11:/opt/client/KrbClient/kerberos/var/krb5kdc/krb5.conf' });
const cloud = async () => ({ clusterVersion: 'MRS 2.0.5', hosts: [{ name: 'node-master1', ip: '10.1.0.11' }] });

describe('discovery modes', () => {
  it('krb5conf with a cloud block: no guessed host list and no realm/port read; hosts and version from the documented cloud API', async () => {
    const { manager, calls } = recordingManager('6.5.1');
    const found = await discoverCluster(sources(manager, { mode: 'krb5conf', fromNodes, cloud }));
    expect(calls.sort()).toEqual(['clusters', 'health', 'peer-realms']);
    expect(found).toMatchObject({ realm: 'ALPHA.MRS', kdcs: [{ ip: '10.1.0.11', port: 21800 }], configVersion: '7', hosts: [{ name: 'node-master1' }], version: { version: '2.0.5', source: 'cloud' } });
    expect(found.kdcSource).toContain('krb5.conf root@10.1.0.11:/opt/client');
  });

  it('krb5conf without cloud: a failing host list only narrows the overlap rule (noted), never stops discovery', async () => {
    const { manager } = recordingManager('MRS 2.1.0', ['hosts']);
    const s = sources(manager, { mode: 'krb5conf', fromNodes });
    const found = await discoverCluster(s);
    expect(found.hosts).toEqual([]);
    expect(s.notes.join('\n')).toMatch(/shared hosts are checked on the KDC IPs only/);
  });

  it('krb5conf: the peer list that cannot be read stops discovery naming the call', async () => {
    const { manager } = recordingManager('MRS 2.1.0', ['peer-realms']);
    const error = await discoverCluster(sources(manager, { mode: 'krb5conf', fromNodes })).catch((e: unknown) => e as RemoteError);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toContain('read only through GET /web/v1/config/cluster/1/service/KrbServer; nothing was written');
    expect(error.exitCode).toBe(4);
  });

  it('api: a failing host list falls back to the cloud hosts API; without cloud it stops', async () => {
    const { manager } = recordingManager('MRS 2.1.0', ['hosts']);
    const s = sources(manager, { cloud });
    expect((await discoverCluster(s)).hosts).toEqual([{ name: 'node-master1', ip: '10.1.0.11' }]);
    expect(s.notes.join('\n')).toMatch(/host names from the cloud hosts API/);
    await expect(discoverCluster(sources(recordingManager('MRS 2.1.0', ['hosts']).manager))).rejects.toThrow(/hosts: answered HTTP 404/);
  });

  it('version: clusters.yaml wins; an internal Manager version without cloud is 2.x (noted)', async () => {
    const configured = await discoverCluster(sources(recordingManager('MRS 3.1.0').manager, { mrsVersion: '2.1.0', cloud }));
    expect(configured.version).toEqual({ version: '2.1.0', source: 'clusters.yaml' });
    const s = sources(recordingManager('6.5.1').manager);
    expect((await discoverCluster(s)).version).toEqual({ version: '2.x', source: 'assumed' });
    expect(s.notes.join('\n')).toContain('set clusters.alpha.mrsVersion');
  });
});
