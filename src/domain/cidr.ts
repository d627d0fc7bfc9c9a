import { isIpv4, isIpv6 } from './ip-port.js';

/** IP arithmetic for security-group CIDRs: pure, IPv4 and IPv6, as BigInt. */
export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const last = text.slice(text.lastIndexOf(':') + 1);
  if (last.includes('.')) {
    const v4 = ipv4ToBigInt(last);
    text = `${text.slice(0, text.lastIndexOf(':') + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function parseIp(ip: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIpv4(ip)) return { family: 4, value: ipv4ToBigInt(ip) };
  if (isIpv6(ip)) return { family: 6, value: ipv6ToBigInt(ip) };
  return undefined;
}

/** `10.0.0.0/16`, `10.0.0.5` (a host), `::/0`; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const shift = BigInt(bits - prefix);
  return { family: ip.family, network: (ip.value >> shift) << shift, prefix };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const parsed = parseIp(ip);
  if (!parsed || parsed.family !== cidr.family) return false;
  const shift = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return parsed.value >> shift === cidr.network >> shift;
}

export function ipFamily(ip: string): 'IPv4' | 'IPv6' | undefined {
  const parsed = parseIp(ip);
  return parsed ? (parsed.family === 4 ? 'IPv4' : 'IPv6') : undefined;
}
