import { fail, ok, type Result } from './result.js';

/**
 * The `ip_port` value of a `peer_realms` row: KDC addresses as `ip:port` joined by commas, no
 * spaces, e.g. `10.0.0.1:21732,10.0.0.2:21732`; IPv6 in brackets, `[fd00::1]:21732` (MRS 3.x docs).
 */
export interface KdcAddress {
  ip: string;
  port: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** RFC 4291 text forms, including `::` compression and a trailing dotted IPv4. No zone ids. */
export function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.includes(':::')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    count += 1; // an embedded IPv4 takes two groups
    all.pop();
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}

export function isIp(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** Parses one entry; the reason names the entry. */
export function parseKdcAddress(entry: string): Result<KdcAddress> {
  if (entry === '') return fail('empty entry (two commas in a row, or a comma at either end)');
  if (/\s/.test(entry)) return fail(`"${entry}": spaces are not allowed`);
  let ip: string;
  let portText: string;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0 || entry[close + 1] !== ':') return fail(`"${entry}": IPv6 must be written [address]:port`);
    ip = entry.slice(1, close);
    portText = entry.slice(close + 2);
    if (!isIpv6(ip)) return fail(`"${entry}": "${ip}" is not an IPv6 address`);
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon < 0) return fail(`"${entry}": missing ":port"`);
    ip = entry.slice(0, colon);
    portText = entry.slice(colon + 1);
    if (ip.includes(':')) return fail(`"${entry}": IPv6 addresses must be in brackets, e.g. [${ip}]:${portText}`);
    if (!isIpv4(ip)) return fail(`"${entry}": "${ip}" is not an IPv4 address`);
  }
  const port = parsePort(portText);
  if (port === undefined) return fail(`"${entry}": port "${portText}" is not a number from 1 to 65535`);
  return ok({ ip: ip.toLowerCase(), port });
}

/** Parses a whole `ip_port` value. Duplicates are an error, so a typo never hides a missing KDC. */
export function parseIpPort(value: string): Result<KdcAddress[]> {
  if (value === '') return fail('no KDC address given');
  const seen = new Set<string>();
  const result: KdcAddress[] = [];
  for (const entry of value.split(',')) {
    const parsed = parseKdcAddress(entry);
    if (!parsed.ok) return parsed;
    const key = formatKdcAddress(parsed.value);
    if (seen.has(key)) return fail(`"${entry}": listed twice`);
    seen.add(key);
    result.push(parsed.value);
  }
  return ok(result);
}

export function formatKdcAddress(address: KdcAddress): string {
  return address.ip.includes(':') ? `[${address.ip.toLowerCase()}]:${address.port}` : `${address.ip}:${address.port}`;
}

/** Canonical text: the order given (the first KDC is tried first), lower-case IPv6, no spaces. */
export function formatIpPort(addresses: readonly KdcAddress[]): string {
  return addresses.map(formatKdcAddress).join(',');
}
