import { describe, expect, it } from 'vitest';
import { parseKrb5Conf } from '../../src/domain/krb5conf.js';
import { buildChecklist, hasPhase, ipPortValue, renderChecklist, type ChecklistSide } from '../../src/domain/mrs3/checklist.js';
import { checkPeerRow, krb5Peers } from '../../src/domain/mrs3/console-check.js';
import { asOmm, realmScriptCommand, realmScriptSucceeded, statusOmsCommand } from '../../src/domain/mrs3/node-commands.js';
import { enctypeProblems, mrs3Problems } from '../../src/domain/mrs3/preflight.js';
import { procedureOf, supportsOneWay } from '../../src/domain/mrs3/procedure.js';
import { activeNode, configuredIndex, parseStatusOms } from '../../src/domain/mrs3/status-oms.js';
import { facts } from '../support/facts.js';

// The example of "Determining Active and Standby Management Nodes of Manager" (mrs_01_0086).
const STATUS_OMS = `Ha mode
double
NodeName              HostName                      HAVersion          StartTime                HAActive             HAAllResOK           HARunPhase
192-168-0-30          mgtomsdat-sh-3-01-1           V100R001C01        2014-11-18 23:43:02      active               normal               Actived
192-168-0-24          mgtomsdat-sh-3-01-2           V100R001C01        2014-11-21 07:14:02      standby              normal               Deactived
`;

describe('3.x procedure and versions', () => {
  it.each([
    ['3.1.0', '3.x'],
    ['3.6.0-LTS', '3.x'],
    ['2.1.0', '2.x'],
    [undefined, '2.x'],
  ])('%s → %s', (v, p) => expect(procedureOf(v)).toBe(p));
  it.each([
    ['3.6.0', true],
    ['3.6.1', true],
    ['3.10.0', true],
    ['4.0.0', true],
    ['3.5.9', false],
    ['3.1.5-LTS.1', false],
    ['3.x', false],
    ['2.1.0', false],
  ])('one-way on %s: %s (applies to MRS 3.6.0 or later)', (v, ok) => expect(supportsOneWay(v)).toBe(ok));
});

describe('status-oms.sh: the active management node', () => {
  it('reads the documented example by column position (StartTime holds a space)', () => {
    const nodes = parseStatusOms(STATUS_OMS);
    expect(nodes.ok && nodes.value.map((n) => [n.nodeName, n.hostName, n.haActive, n.ip])).toEqual([
      ['192-168-0-30', 'mgtomsdat-sh-3-01-1', 'active', '192.168.0.30'],
      ['192-168-0-24', 'mgtomsdat-sh-3-01-2', 'standby', '192.168.0.24'],
    ]);
    const active = nodes.ok ? activeNode(nodes.value) : undefined;
    expect(active?.ok && active.value.hostName).toBe('mgtomsdat-sh-3-01-1');
  });
  it('matches the active node to a configured node by IP or host name', () => {
    const nodes = parseStatusOms(STATUS_OMS);
    if (!nodes.ok) throw new Error(nodes.reason);
    const active = nodes.value[0] as (typeof nodes.value)[number];
    expect(configuredIndex(active, ['192.168.0.24', '192.168.0.30'])).toBe(1);
    expect(configuredIndex(active, ['MGTOMSDAT-SH-3-01-1'])).toBe(0);
    expect(configuredIndex(active, ['192.168.0.3', '192.168.0.300'])).toBe(-1);
  });
  it('refuses no header, no active node and two active nodes', () => {
    expect(parseStatusOms('command not found').ok).toBe(false);
    const standbyOnly = STATUS_OMS.replace(' active ', ' standby');
    const parsed = parseStatusOms(standbyOnly);
    expect(parsed.ok && activeNode(parsed.value)).toMatchObject({ ok: false, reason: expect.stringMatching(/no management node is active/) });
    const both = parseStatusOms(STATUS_OMS.replace('standby ', 'active  '));
    expect(both.ok && activeNode(both.value)).toMatchObject({ ok: false, reason: expect.stringMatching(/2 management nodes/) });
  });
});

describe('omm commands', () => {
  it('runs as omm directly, or through su - omm from root, with the documented paths', () => {
    expect(realmScriptCommand('omm')).toContain('sh "${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh"');
    expect(realmScriptCommand('root')).toMatch(/^su - omm -c '.*restart-RealmConfig\.sh.*'$/);
    expect(statusOmsCommand('omm')).toContain('/om-server/om/sbin/status-oms.sh');
    expect(asOmm('omm', 'x')).toContain('BIGDATA_HOME is not set');
  });
  it('success is the documented line', () => {
    expect(realmScriptSucceeded('...\nModify realm successfully. Use the new password to log into FusionInsight again.\n')).toBe(true);
    expect(realmScriptSucceeded('Modify realm failed.')).toBe(false);
  });
});

const side = (over: Partial<ChecklistSide> = {}): ChecklistSide => ({
  cluster: 'alpha',
  realm: 'ALPHA.MRS',
  managerUrl: 'https://10.1.0.10:28443',
  role: 'two-way',
  row: { realm_name: 'BETA.MRS', ip_port: ipPortValue([{ ip: '10.2.0.21', port: 21732 }, { ip: 'fd00::22', port: 21732 }]) },
  keep: [{ realm_name: 'PARTNER.MRS', ip_port: '10.9.0.1:21732' }],
  peerCluster: 'beta',
  ...over,
});

describe('the console checklist', () => {
  it('two-way: stop all clusters, the row with the values to type, keep the others, OK, then the script by the tool', () => {
    const text = renderChecklist(buildChecklist(side(), 'console')).join('\n');
    expect(text).toMatch(/downtime: all clusters of this Manager are stopped/);
    expect(text).toMatch(/https:\/\/10\.1\.0\.10:28443/);
    const order = ['Stop all clusters', 'System > Permission > Domain and Mutual Trust', 'Peer Mutual Trust Domain: add a row', 'realm_name', 'Keep the other rows as they are: PARTNER.MRS 10.9.0.1:21732', 'Click OK', '[mrs-trust] Then mrs-trust runs `sh ${BIGDATA_HOME}/om-server/om/sbin/restart-RealmConfig.sh` as omm'];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((x) => x >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    // Service IPs with ports, IPv6 in brackets.
    expect(text).toMatch(/ip_port\s+10\.2\.0\.21:21732,\[fd00::22\]:21732/);
    expect(text).toMatch(/Service IP Address of each KerberosServer instance of beta.*not the OM\/management IP/);
  });
  it('an existing row with other KDCs is changed, not added twice', () => {
    const text = renderChecklist(buildChecklist(side({ rowBefore: { realm_name: 'BETA.MRS', ip_port: '10.2.0.99:21732' } }), 'console')).join('\n');
    expect(text).toMatch(/the row of BETA\.MRS holds ip_port 10\.2\.0\.99:21732; change it to/);
    expect(text).not.toMatch(/add a row/);
  });
  it('then start all clusters', () => {
    expect(renderChecklist(buildChecklist(side(), 'start')).join('\n')).toMatch(/Start all clusters/);
  });
  it('one-way: no stop; the local side restarts the configuration-expired instances, the accessed side has no script', () => {
    const local = renderChecklist(buildChecklist(side({ role: 'one-way-local' }), 'console')).join('\n');
    expect(local).not.toMatch(/Stop all clusters/);
    expect(local).toMatch(/restart-RealmConfig\.sh/);
    expect(renderChecklist(buildChecklist(side({ role: 'one-way-local' }), 'start')).join('\n')).toMatch(/Restart Configuration-Expired Instances[\s\S]*Log out of the Manager and log in again/);
    const peer = renderChecklist(buildChecklist(side({ role: 'one-way-peer' }), 'console')).join('\n');
    expect(peer).not.toMatch(/Stop all clusters|runs `sh/);
    expect(hasPhase('one-way-peer', 'start')).toBe(false);
  });
});

describe('the console step, checked in krb5.conf', () => {
  const row = { realm_name: 'BETA.MRS', ip_port: '10.2.0.21:21732,10.2.0.22:21732' };
  const peers = (kdcs: string[]) => krb5Peers(parseKrb5Conf(`[libdefaults]\n default_realm = ALPHA.MRS\n[realms]\n ALPHA.MRS = {\n  kdc = 10.1.0.21:21732\n }\n${kdcs.length ? ` BETA.MRS = {\n${kdcs.map((k) => `  kdc = ${k}\n`).join('')} }\n` : ''}`), 'ALPHA.MRS');
  it('the other realms of a krb5.conf are its peers (IPv6 in brackets, port 88 when none)', () => {
    expect(peers(['10.2.0.21:21732', 'fd00::5'])).toEqual([{ realm_name: 'BETA.MRS', ip_port: '10.2.0.21:21732,[fd00::5]:88' }]);
  });
  it('present with the same KDCs (any order)', () => expect(checkPeerRow(peers(['10.2.0.22:21732', '10.2.0.21:21732']), row)).toEqual({ ok: true }));
  it('missing realm', () => expect(checkPeerRow(peers([]), row)).toEqual({ ok: false, cause: 'realm-missing' }));
  it('other KDCs (OM IPs typed instead of service IPs)', () => expect(checkPeerRow(peers(['10.2.0.11:21732', '10.2.0.12:21732']), row)).toEqual({ ok: false, cause: 'kdcs-differ', found: '10.2.0.11:21732,10.2.0.12:21732' }));
});

describe('3.x preflight rules', () => {
  const a = facts('alpha', 1, { mrsVersion: '3.6.0' });
  const b = facts('beta', 2, { mrsVersion: '3.1.0' });
  it('one-way needs MRS 3.6.0 or later on both sides', () => {
    expect(mrs3Problems(a, b, { oneWay: true }).map((p) => [p.code, p.cluster])).toEqual([['ONE_WAY_UNSUPPORTED', 'beta']]);
    expect(mrs3Problems(a, facts('beta', 2, { mrsVersion: '3.6.1' }), { oneWay: true })).toEqual([]);
    expect(mrs3Problems(a, facts('beta', 2), { oneWay: true }).map((p) => p.cluster)).toEqual(['beta']);
  });
  it('existing cross-realm keys must be AES only', () => {
    const rows = [{ principal: 'krbtgt/BETA.MRS@ALPHA.MRS', keys: { alpha: { kvno: 1, enctypes: ['aes256-cts-hmac-sha1-96', 'arcfour-hmac'] }, beta: undefined } }];
    expect(enctypeProblems(rows)).toEqual([expect.objectContaining({ code: 'ENCTYPE_NOT_AES', cluster: 'alpha', message: expect.stringMatching(/arcfour-hmac/) })]);
    expect(mrs3Problems(a, b, { oneWay: false, parity: rows }).map((p) => p.code)).toEqual(['ENCTYPE_NOT_AES']);
    // Two 2.x clusters are not bound by the 3.x KDC's rule.
    expect(mrs3Problems(facts('a', 1), facts('b', 2), { oneWay: false, parity: rows })).toEqual([]);
  });
});
