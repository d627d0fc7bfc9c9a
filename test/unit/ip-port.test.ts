import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpPort, isIpv6, parseIpPort } from '../../src/domain/ip-port.js';

describe('ip_port codec', () => {
  it.each([
    ['10.0.0.1:21732', [{ ip: '10.0.0.1', port: 21732 }]],
    ['10.0.0.1:21732,10.0.0.2:21732', [{ ip: '10.0.0.1', port: 21732 }, { ip: '10.0.0.2', port: 21732 }]],
    ['[fd00::1]:21732', [{ ip: 'fd00::1', port: 21732 }]],
    ['[FD00::A]:1,192.168.1.1:65535', [{ ip: 'fd00::a', port: 1 }, { ip: '192.168.1.1', port: 65535 }]],
    ['[::ffff:10.0.0.1]:88', [{ ip: '::ffff:10.0.0.1', port: 88 }]],
  ])('parses %s', (text, expected) => {
    expect(parseIpPort(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', /no KDC address/],
    ['10.0.0.1', /missing ":port"/],
    ['10.0.0.1:0', /port "0" is not a number from 1 to 65535/],
    ['10.0.0.1:65536', /port "65536"/],
    ['10.0.0.1:port', /port "port"/],
    ['10.0.0.1:21732,', /empty entry/],
    [',10.0.0.1:21732', /empty entry/],
    ['10.0.0.1:21732,,10.0.0.2:21732', /empty entry/],
    ['10.0.0.1:21732, 10.0.0.2:21732', /" 10.0.0.2:21732": spaces are not allowed/],
    ['10.0.0.256:21732', /"10.0.0.256" is not an IPv4 address/],
    ['10.0.0:21732', /is not an IPv4 address/],
    ['kdc.example.com:21732', /is not an IPv4 address/],
    ['fd00::1:21732', /IPv6 addresses must be in brackets/],
    ['[fd00::1]21732', /must be written \[address\]:port/],
    ['[fd00::g]:21732', /is not an IPv6 address/],
    ['[1:2:3:4:5:6:7:8:9]:88', /is not an IPv6 address/],
    ['10.0.0.1:21732,10.0.0.1:21732', /"10.0.0.1:21732": listed twice/],
    ['[FD00::1]:88,[fd00::1]:88', /listed twice/],
    ['010.0.0.1:88', /not an IPv4 address/],
  ])('rejects %j naming the entry and reason', (text, reason) => {
    const result = parseIpPort(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('knows IPv6 forms', () => {
    for (const ok of ['::', '::1', 'fe80::1', '2001:db8::8a2e:370:7334', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4']) expect(isIpv6(ok), ok).toBe(true);
    for (const bad of ['1:2:3:4:5:6:7:8:9', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7']) expect(isIpv6(bad), bad).toBe(false);
  });

  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
  const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((n) => n.toString(16)).join(':'));
  const address = fc.record({ ip: fc.oneof(ipv4, ipv6), port: fc.integer({ min: 1, max: 65535 }) });

  it('round-trips: parse(format(x)) = x and format(parse(s)) = s for canonical s', () => {
    fc.assert(
      fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 16, selector: (a) => `${a.ip}|${a.port}` }), (list) => {
        const text = formatIpPort(list);
        const parsed = parseIpPort(text);
        expect(parsed).toEqual({ ok: true, value: list });
        if (parsed.ok) expect(formatIpPort(parsed.value)).toBe(text);
      }),
    );
  });
});
