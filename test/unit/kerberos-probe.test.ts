import { describe, expect, it } from 'vitest';
import { application, context, DerError, generalString, integer, readInteger, readTlv, sequence, tlv } from '../../src/domain/kerberos/der.js';
import { buildProbeRequest, frameTcp, parseAsRequest, parseKdcReply, PROBE_NONCE, PROBE_PRINCIPAL, tcpLength, unframeTcp } from '../../src/domain/kerberos/probe.js';
import { describeExchange } from '../../src/domain/precheck/network.js';
import { hexBytes, MIT } from '../support/fake-network.js';

// The DER AS-REQ probe against what a real MIT krb5kdc answered to it (test/fixtures/mit-kdc-replies.json,
// recorded by scripts/record-kdc-replies.mjs from krb5kdc on loopback; re-recording changes only the
// KDC's clock fields stime/susec). Nothing here was written by hand to agree with the parser.

const udpOwn = hexBytes(MIT.udp.ownRealm);
const udpOther = hexBytes(MIT.udp.otherRealm);
const tcpOwn = hexBytes(MIT.tcp.ownRealm.reply as string);

describe('the recorded fixture', () => {
  it('came from MIT krb5kdc and holds a reply per transport, none to garbage', () => {
    expect(MIT.recordedWith).toMatch(/^MIT krb5-kdc 1\.\d+/);
    expect(MIT.udp.garbage).toBeNull();
    expect(MIT.tcp.garbage).toEqual({ reply: null, closed: true });
    // The KDC sends the same KRB-ERROR over both transports (TCP only adds the length prefix, already removed).
    expect(MIT.tcp.ownRealm.reply).toBe(MIT.udp.ownRealm);
  });
});

describe('parseKdcReply on MIT replies', () => {
  it('own realm: KRB-ERROR KDC_ERR_C_PRINCIPAL_UNKNOWN with the realm, the KDC clock and e-text', () => {
    const r = parseKdcReply(udpOwn);
    expect(r).toMatchObject({ kind: 'krb-error', code: 6, name: 'KDC_ERR_C_PRINCIPAL_UNKNOWN', realm: 'PROBE.TEST', text: 'CLIENT_NOT_FOUND' });
    // stime 20261130123915Z, susec 0x092df7 = 601591 µs → milliseconds.
    expect(r.kind === 'krb-error' && r.serverTime).toBe('2026-11-30T12:39:15.601Z');
  });

  it('another realm: MIT answers the same error, naming the realm asked for', () => {
    expect(parseKdcReply(udpOther)).toMatchObject({ kind: 'krb-error', code: 6, realm: 'OTHER.REALM' });
  });

  it('the TCP reply parses to the same result as the UDP one', () => {
    expect(parseKdcReply(tcpOwn)).toEqual(parseKdcReply(udpOwn));
  });

  it('every truncation of a real reply is "not Kerberos", never an exception', () => {
    for (let n = 0; n < udpOwn.length; n++) {
      const r = parseKdcReply(udpOwn.subarray(0, n));
      expect(r.kind, `first ${n} octets`).toBe('not-kerberos');
    }
  });

  it('octets after the message, a flipped field or a foreign protocol are "not Kerberos" with the reason', () => {
    const trailing = new Uint8Array([...udpOwn, 0]);
    expect(parseKdcReply(trailing)).toEqual({ kind: 'not-kerberos', reason: '1 octets after the message' });
    expect(parseKdcReply(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'))).toMatchObject({ kind: 'not-kerberos' });
    expect(parseKdcReply(sequence(integer(5)))).toEqual({ kind: 'not-kerberos', reason: 'first octet 0x30 is neither KRB-ERROR (0x7e) nor AS-REP (0x6b)' });
    expect(parseKdcReply(new TextEncoder().encode('SSH-2.0-OpenSSH_9.2p1\r\n'))).toMatchObject({ kind: 'not-kerberos' });
    // pvno (the first INTEGER inside the SEQUENCE) changed from 5 to 4.
    const pvno = Uint8Array.from(udpOwn);
    const at = Buffer.from(pvno).indexOf(Buffer.from('a003020105', 'hex'));
    pvno[at + 4] = 4;
    expect(parseKdcReply(pvno)).toEqual({ kind: 'not-kerberos', reason: 'pvno is not 5' });
  });

  it('an AS-REP is recognised by its application tag and crealm', () => {
    const asRep = tlv(application(11), sequence(tlv(context(0), integer(5)), tlv(context(1), integer(11)), tlv(context(3), generalString('PROBE.TEST'))));
    expect(parseKdcReply(asRep)).toEqual({ kind: 'as-rep', realm: 'PROBE.TEST' });
  });
});

describe('the probe request', () => {
  it('is the same bytes every time, and reads back as the AS-REQ for the probe principal', () => {
    const request = buildProbeRequest('PROBE.TEST');
    expect(Buffer.from(request).toString('hex')).toBe(Buffer.from(buildProbeRequest('PROBE.TEST')).toString('hex'));
    expect(parseAsRequest(request)).toEqual({ realm: 'PROBE.TEST', client: PROBE_PRINCIPAL, nonce: PROBE_NONCE });
    expect(request[0]).toBe(0x6a); // [APPLICATION 10] AS-REQ
    expect(request.length).toBeLessThan(200);
  });

  it('names the realm it is sent for (MIT echoed it in its reply)', () => {
    const parsed = parseKdcReply(udpOther);
    expect(parseAsRequest(buildProbeRequest('OTHER.REALM'))).toMatchObject({ realm: parsed.kind === 'krb-error' ? parsed.realm : '' });
  });

  it('a reply is not a request', () => {
    expect(parseAsRequest(udpOwn)).toEqual({ error: 'not an AS-REQ' });
  });
});

describe('TCP framing (RFC 4120 §7.2.2)', () => {
  it('prefixes the length in four octets, big-endian, and reads it back only when complete', () => {
    const message = buildProbeRequest('PROBE.TEST');
    const framed = frameTcp(message);
    expect(tcpLength(framed)).toBe(message.length);
    expect(tcpLength(framed.subarray(0, 3))).toBeUndefined();
    expect(unframeTcp(framed.subarray(0, framed.length - 1))).toBeUndefined();
    expect(Buffer.from(unframeTcp(framed) as Uint8Array).equals(Buffer.from(message))).toBe(true);
    expect(Buffer.from(unframeTcp(frameTcp(tcpOwn)) as Uint8Array).equals(Buffer.from(tcpOwn))).toBe(true);
  });
});

describe('DER pieces', () => {
  it('INTEGER in the fewest two\'s-complement octets, read back', () => {
    const cases: [number, string][] = [[0, '020100'], [5, '020105'], [127, '02017f'], [128, '02020080'], [-1, '0201ff'], [PROBE_NONCE, '02044d525354'], [601591, '0203092df7']];
    for (const [value, hex] of cases) {
      expect(Buffer.from(integer(value)).toString('hex'), String(value)).toBe(hex);
      expect(readInteger(readTlv(integer(value)), 'n')).toBe(value);
    }
  });

  it('long-form lengths are written and read; indefinite lengths and truncation are refused', () => {
    const big = tlv(0x04, new Uint8Array(300));
    expect(Buffer.from(big.subarray(0, 4)).toString('hex')).toBe('0482012c');
    expect(readTlv(big).value.length).toBe(300);
    expect(() => readTlv(Uint8Array.from([0x30, 0x80, 0, 0]))).toThrow(DerError);
    expect(() => readTlv(big.subarray(0, 100))).toThrow(/truncated: 300 content octets announced, 96 present/);
  });
});

describe('what the pre-check makes of each probe outcome', () => {
  it('a MIT reply proves a KDC over either transport', () => {
    expect(describeExchange('udp', { outcome: 'reply', ms: 2, reply: udpOwn })).toEqual({ ok: true, kind: 'kdc', line: 'UDP: a KDC (KRB-ERROR KDC_ERR_C_PRINCIPAL_UNKNOWN for realm PROBE.TEST, 2 ms)' });
    expect(describeExchange('tcp', { outcome: 'reply', ms: 3, reply: tcpOwn })).toMatchObject({ ok: true, kind: 'kdc' });
  });

  it('garbage answered the way MIT treats it (UDP silence, TCP closed) and foreign replies are named, never a pass', () => {
    expect(describeExchange('udp', { outcome: 'timeout', ms: 1500 })).toMatchObject({ ok: false, kind: 'filtered' });
    expect(describeExchange('tcp', { outcome: 'closed', ms: 1, partial: 0 })).toMatchObject({ ok: false, kind: 'not-kdc' });
    expect(describeExchange('tcp', { outcome: 'reply', ms: 1, reply: udpOwn.subarray(0, 40) })).toMatchObject({ ok: false, kind: 'not-kdc', line: expect.stringContaining('not Kerberos (truncated') });
    expect(describeExchange('udp', { outcome: 'refused', ms: 0 })).toMatchObject({ ok: false, kind: 'closed' });
    expect(describeExchange('tcp', { outcome: 'silent', ms: 900 })).toMatchObject({ ok: false, kind: 'filtered' });
  });
});
