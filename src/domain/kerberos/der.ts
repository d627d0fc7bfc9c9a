/**
 * The few DER (ASN.1 distinguished encoding) pieces the KDC probe needs: build a TLV, read one
 * back. Kerberos messages (RFC 4120 §5) are DER with explicit context tags. Pure: no I/O.
 */

/** One decoded TLV: `tag` is the whole identifier octet (class, constructed bit, number < 31). */
export interface Tlv {
  tag: number;
  /** The content octets (a view into the input). */
  value: Uint8Array;
  /** Offset just after this TLV in the input. */
  end: number;
}

export class DerError extends Error {}

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  generalString: 0x1b,
  generalizedTime: 0x18,
  sequence: 0x30,
} as const;

/** `[n]` explicit context tag (constructed). */
export const context = (n: number): number => 0xa0 | n;
/** `[APPLICATION n]` (constructed). */
export const application = (n: number): number => 0x60 | n;

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const size = content.reduce((n, c) => n + c.length, 0);
  const head = [tag, ...lengthOctets(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (const c of content) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A signed INTEGER in the fewest two's-complement octets. */
export function integer(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new DerError(`integer out of range: ${value}`);
  const bytes: number[] = [];
  let n = BigInt(value);
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (!((n === 0n && (bytes[0] as number) < 0x80) || (n === -1n && (bytes[0] as number) >= 0x80)));
  return tlv(TAG.integer, Uint8Array.from(bytes));
}

const ascii = (text: string) => Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0x7f));

export const generalString = (text: string): Uint8Array => tlv(TAG.generalString, ascii(text));
export const generalizedTime = (text: string): Uint8Array => tlv(TAG.generalizedTime, ascii(text));
export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(TAG.sequence, ...items);
/** A BIT STRING of whole octets (no unused bits), as Kerberos flags are sent. */
export const bitString = (octets: number[]): Uint8Array => tlv(TAG.bitString, Uint8Array.from([0, ...octets]));

/** Reads one TLV at `offset`; throws DerError on truncation, long tags or indefinite lengths. */
export function readTlv(input: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > input.length) throw new DerError('truncated: no tag and length');
  const tag = input[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-octet tags are not used by Kerberos');
  let at = offset + 1;
  const first = input[at++] as number;
  let length = first;
  if (first === 0x80) throw new DerError('indefinite length is not DER');
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4 || at + count > input.length) throw new DerError('bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (input[at++] as number);
  }
  if (at + length > input.length) throw new DerError(`truncated: ${length} content octets announced, ${input.length - at} present`);
  return { tag, value: input.subarray(at, at + length), end: at + length };
}

/** The TLVs inside a constructed value, in order. */
export function children(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < value.length; ) {
    const t = readTlv(value, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** Fields of a SEQUENCE of explicit context tags `[n] value`, by n. */
export function contextFields(sequenceValue: Uint8Array): Map<number, Tlv> {
  const fields = new Map<number, Tlv>();
  for (const field of children(sequenceValue)) {
    if ((field.tag & 0xe0) !== 0xa0) throw new DerError(`expected a context tag, found 0x${field.tag.toString(16)}`);
    fields.set(field.tag & 0x1f, readTlv(field.value));
  }
  return fields;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`${what}: missing`);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

export function readInteger(t: Tlv | undefined, what: string): number {
  const v = expectTag(t, TAG.integer, what).value;
  if (v.length === 0 || v.length > 6) throw new DerError(`${what}: integer of ${v.length} octets`);
  let n = (v[0] as number) >= 0x80 ? -1n : 0n;
  for (const byte of v) n = (n << 8n) | BigInt(byte);
  return Number(BigInt.asIntN(48, n));
}

export function readString(t: Tlv | undefined, what: string, tag: number = TAG.generalString): string {
  return String.fromCharCode(...expectTag(t, tag, what).value);
}
