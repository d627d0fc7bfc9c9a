import { describe, expect, it } from 'vitest';
import { otherRealms, parseKrb5Conf, realmAndKdcs } from '../../src/domain/krb5conf.js';

const MRS_CLIENT = `[kdcdefaults]
kdc_ports = 127.0.0.1:21732

[libdefaults]
default_realm = HADOOP.COM
kdc_timeout = 2500
clockskew = 300
# comment = not a relation
; another comment

[realms]
HADOOP.COM = {
  kdc = 192.168.0.11:21732
  kdc = 192.168.0.12:21732
  admin_server = 192.168.0.11:21730
  kpasswd_server = 192.168.0.11:21731
  supported_enctypes = aes256-cts-hmac-sha1-96:normal
}
PARTNER.COM = {
  kdc = 10.1.0.5:21732
}

[domain_realm]
.hadoop.com = HADOOP.COM

[capaths]
HADOOP.COM = {
  PARTNER.COM = .
}
`;

describe('krb5.conf parser', () => {
  it('reads default_realm and every realm block, ignoring comments and nested capaths', () => {
    const conf = parseKrb5Conf(MRS_CLIENT);
    expect(conf.defaultRealm).toBe('HADOOP.COM');
    expect(conf.realms).toEqual({
      'HADOOP.COM': { kdc: ['192.168.0.11:21732', '192.168.0.12:21732'], adminServer: ['192.168.0.11:21730'] },
      'PARTNER.COM': { kdc: ['10.1.0.5:21732'], adminServer: [] },
    });
  });

  it('returns the default realm and its KDCs as addresses', () => {
    expect(realmAndKdcs(parseKrb5Conf(MRS_CLIENT))).toEqual({
      ok: true,
      value: { realm: 'HADOOP.COM', kdcs: [{ ip: '192.168.0.11', port: 21732 }, { ip: '192.168.0.12', port: 21732 }] },
    });
  });

  it.each([
    ['CRLF line ends and final markers', '[libdefaults]*\r\n default_realm = A.B\r\n[realms]\r\n A.B = {\r\n  kdc = 10.0.0.1:21732\r\n }\r\n', { realm: 'A.B', kdcs: [{ ip: '10.0.0.1', port: 21732 }] }],
    ['the only realm when default_realm is missing', '[realms]\nONLY.R = {\n kdc = 10.0.0.2:21732\n}\n', { realm: 'ONLY.R', kdcs: [{ ip: '10.0.0.2', port: 21732 }] }],
    ['a KDC without a port gets 88', '[libdefaults]\ndefault_realm = X\n[realms]\nX = {\n kdc = 10.0.0.3\n kdc = 10.0.0.3:88\n}\n', { realm: 'X', kdcs: [{ ip: '10.0.0.3', port: 88 }] }],
    ['IPv6 in brackets and bare', '[libdefaults]\ndefault_realm = V6\n[realms]\nV6 = {\n kdc = [fd00::1]:21732\n kdc = fd00::2\n}\n', { realm: 'V6', kdcs: [{ ip: 'fd00::1', port: 21732 }, { ip: 'fd00::2', port: 88 }] }],
    ['a one-line block', '[libdefaults]\ndefault_realm = R\n[realms]\nOTHER = { }\nR = {\n kdc = 10.0.0.4:21732\n}\n', { realm: 'R', kdcs: [{ ip: '10.0.0.4', port: 21732 }] }],
  ])('handles %s', (_name, text, expected) => {
    expect(realmAndKdcs(parseKrb5Conf(text))).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['an empty file', '', /no default_realm and no \[realms\]/],
    ['several realms and no default', '[realms]\nA = {\n kdc = 10.0.0.1:1\n}\nB = {\n kdc = 10.0.0.2:1\n}\n', /several realms listed \(A, B\)/],
    ['a realm without kdc lines', '[libdefaults]\ndefault_realm = A\n[realms]\nA = {\n admin_server = 10.0.0.1\n}\n', /no "kdc =" line for A/],
    ['a host name as KDC', '[libdefaults]\ndefault_realm = A\n[realms]\nA = {\n kdc = kdc.example.com:21732\n}\n', /host name; peer_realms needs IP addresses/],
    ['a bad port', '[libdefaults]\ndefault_realm = A\n[realms]\nA = {\n kdc = 10.0.0.1:99999\n}\n', /port "99999"/],
    ['default_realm naming an unlisted realm', '[libdefaults]\ndefault_realm = A\n[realms]\nB = {\n kdc = 10.0.0.1:1\n}\n', /no "kdc =" line for A/],
  ])('refuses %s with a reason', (_name, text, reason) => {
    const result = realmAndKdcs(parseKrb5Conf(text));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});

describe('otherRealms: the peers a node krb5.conf lists (MRS 3.x, after restart-RealmConfig.sh)', () => {
  const text = [
    '[libdefaults]', ' default_realm = ALPHA.MRS', '[realms]',
    ' ALPHA.MRS = {', '  kdc = 10.0.0.1:21732', '  admin_server = 10.0.0.1:21730', ' }',
    ' BETA.MRS = {', '  kdc = 10.1.0.1:21732', '  kdc = 10.1.0.2:21732', ' }',
    ' V6.MRS = {', '  kdc = [fd00::1]:21732', '  kdc = fd00::2', ' }',
    ' EMPTY.MRS = {', '  admin_server = 10.2.0.1', ' }',
  ].join('\n');
  it('every realm but the own one, kdc lines joined as ip_port (IPv6 in brackets, no port → 88), realms without kdc left out', () => {
    expect(otherRealms(parseKrb5Conf(text), 'ALPHA.MRS')).toEqual([
      { realm_name: 'BETA.MRS', ip_port: '10.1.0.1:21732,10.1.0.2:21732' },
      { realm_name: 'V6.MRS', ip_port: '[fd00::1]:21732,[fd00::2]:88' },
    ]);
  });
  it('a krb5.conf with only its own realm has no peers', () => {
    expect(otherRealms(parseKrb5Conf('[libdefaults]\n default_realm = A.MRS\n[realms]\n A.MRS = {\n kdc = 1.2.3.4:21732\n }\n'), 'A.MRS')).toEqual([]);
  });
});
