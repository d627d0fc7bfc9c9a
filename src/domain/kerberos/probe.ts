import { application, bitString, context, contextFields, DerError, expectTag, generalizedTime, generalString, integer, readInteger, readString, readTlv, sequence, TAG, tlv } from './der.js';

/**
 * The KDC probe (RFC 4120): a fixed, minimal AS-REQ for a principal that does not exist, and
 * the reading of whatever comes back. A KDC answers it with a KRB-ERROR (MIT:
 * KDC_ERR_C_PRINCIPAL_UNKNOWN for its own realm, KDC_ERR_WRONG_REALM for another), which proves
 * "reachable, and a Kerberos KDC" without any credential, password or key. Pure: no I/O, no clock.
 */

/** The client name asked for: long and specific enough never to exist in a real realm. */
export const PROBE_PRINCIPAL = 'mrs-trust-precheck-probe-no-such-user';
/** Fixed, so the request is byte-for-byte the same every time (tests compare it). */
export const PROBE_NONCE = 0x4d525354; // "MRST"

const NT_PRINCIPAL = 1;
const NT_SRV_INST = 2;
const AS_REQ = 10;
const AS_REP = 11;
const KRB_ERROR = 30;
/** aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96: what MRS cross-realm principals use. */
const ETYPES = [18, 17];

const principalName = (type: number, parts: string[]) => sequence(tlv(context(0), integer(type)), tlv(context(1), sequence(...parts.map(generalString))));

/** The AS-REQ bytes for `realm` (UDP payload; over TCP use `frameTcp`). */
export function buildProbeRequest(realm: string): Uint8Array {
  const body = sequence(
    tlv(context(0), bitString([0, 0, 0, 0])),
    tlv(context(1), principalName(NT_PRINCIPAL, [PROBE_PRINCIPAL])),
    tlv(context(2), generalString(realm)),
    tlv(context(3), principalName(NT_SRV_INST, ['krbtgt', realm])),
    // "19700101000000Z" = no end time requested (the KDC applies its maximum).
    tlv(context(5), generalizedTime('19700101000000Z')),
    tlv(context(7), integer(PROBE_NONCE)),
    tlv(context(8), sequence(...ETYPES.map(integer))),
  );
  return tlv(application(AS_REQ), sequence(tlv(context(1), integer(5)), tlv(context(2), integer(AS_REQ)), tlv(context(4), body)));
}

/** Kerberos over TCP: each message is preceded by its length, 4 octets big-endian (RFC 4120 §7.2.2). */
export function frameTcp(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + message.length);
  new DataView(out.buffer).setUint32(0, message.length);
  out.set(message, 4);
  return out;
}

/** The announced length of a TCP reply once 4 octets are in, or undefined before. */
export function tcpLength(prefix: Uint8Array): number | undefined {
  return prefix.length < 4 ? undefined : new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0);
}

/** The message inside one TCP frame; undefined while incomplete. */
export function unframeTcp(data: Uint8Array): Uint8Array | undefined {
  const length = tcpLength(data);
  if (length === undefined || data.length < 4 + length) return undefined;
  return data.subarray(4, 4 + length);
}

export const KRB_ERROR_NAMES: Record<number, string> = {
  6: 'KDC_ERR_C_PRINCIPAL_UNKNOWN',
  7: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  12: 'KDC_ERR_POLICY',
  14: 'KDC_ERR_ETYPE_NOSUPP',
  18: 'KDC_ERR_CLIENT_REVOKED',
  24: 'KDC_ERR_PREAUTH_FAILED',
  25: 'KDC_ERR_PREAUTH_REQUIRED',
  37: 'KRB_AP_ERR_SKEW',
  40: 'KRB_AP_ERR_MSG_TYPE',
  41: 'KRB_AP_ERR_MODIFIED',
  52: 'KRB_ERR_RESPONSE_TOO_BIG',
  60: 'KRB_ERR_GENERIC',
  68: 'KDC_ERR_WRONG_REALM',
};

export type KdcReply =
  | { kind: 'krb-error'; code: number; name: string; realm: string; /** The KDC's clock, ISO 8601. */ serverTime: string; text?: string }
  | { kind: 'as-rep'; realm: string }
  | { kind: 'not-kerberos'; reason: string };

/** `20261130123456Z` → ISO 8601, or throws. */
function kerberosTime(text: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new DerError(`not a KerberosTime: ${text}`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

function readKrbError(value: Uint8Array): KdcReply {
  const f = contextFields(expectTag(readTlv(value), TAG.sequence, 'KRB-ERROR').value);
  if (readInteger(f.get(0), 'pvno') !== 5) throw new DerError('pvno is not 5');
  if (readInteger(f.get(1), 'msg-type') !== KRB_ERROR) throw new DerError('msg-type is not 30');
  const code = readInteger(f.get(6), 'error-code');
  const stime = kerberosTime(readString(f.get(4), 'stime', TAG.generalizedTime));
  const susec = readInteger(f.get(5), 'susec');
  const serverTime = stime.replace('Z', `.${String(Math.floor(susec / 1000)).padStart(3, '0')}Z`);
  const realm = readString(f.get(9), 'realm');
  const text = f.has(11) ? readString(f.get(11), 'e-text') : undefined;
  return { kind: 'krb-error', code, name: KRB_ERROR_NAMES[code] ?? `error ${code}`, realm, serverTime, ...(text === undefined ? {} : { text }) };
}

/**
 * What a reply is. Anything that is not a well-formed KRB-ERROR or AS-REP is `not-kerberos`,
 * with the reason (a web server, an SSH banner or garbage answering on the KDC port).
 */
export function parseKdcReply(reply: Uint8Array): KdcReply {
  try {
    const outer = readTlv(reply);
    if (outer.end !== reply.length) throw new DerError(`${reply.length - outer.end} octets after the message`);
    if (outer.tag === application(KRB_ERROR)) return readKrbError(outer.value);
    if (outer.tag === application(AS_REP)) {
      const f = contextFields(expectTag(readTlv(outer.value), TAG.sequence, 'AS-REP').value);
      if (readInteger(f.get(1), 'msg-type') !== AS_REP) throw new DerError('msg-type is not 11');
      return { kind: 'as-rep', realm: readString(f.get(3), 'crealm') };
    }
    throw new DerError(`first octet 0x${outer.tag.toString(16)} is neither KRB-ERROR (0x7e) nor AS-REP (0x6b)`);
  } catch (error) {
    if (error instanceof DerError) return { kind: 'not-kerberos', reason: error.message };
    throw error;
  }
}

/** Reads an AS-REQ (the simulated KDC in the sandbox): its realm and client name, or why not. */
export function parseAsRequest(message: Uint8Array): { realm: string; client: string; nonce: number } | { error: string } {
  try {
    const outer = readTlv(message);
    if (outer.tag !== application(AS_REQ) || outer.end !== message.length) throw new DerError('not an AS-REQ');
    const f = contextFields(expectTag(readTlv(outer.value), TAG.sequence, 'KDC-REQ').value);
    if (readInteger(f.get(1), 'pvno') !== 5 || readInteger(f.get(2), 'msg-type') !== AS_REQ) throw new DerError('bad pvno or msg-type');
    const body = contextFields(expectTag(f.get(4), TAG.sequence, 'req-body').value);
    const cname = contextFields(expectTag(body.get(1), TAG.sequence, 'cname').value);
    const parts = expectTag(cname.get(1), TAG.sequence, 'name-string');
    const names: string[] = [];
    for (let at = 0; at < parts.value.length; ) {
      const t = readTlv(parts.value, at);
      names.push(readString(t, 'name'));
      at = t.end;
    }
    expectTag(body.get(5), TAG.generalizedTime, 'till');
    expectTag(body.get(8), TAG.sequence, 'etype');
    return { realm: readString(body.get(2), 'realm'), client: names.join('/'), nonce: readInteger(body.get(7), 'nonce') };
  } catch (error) {
    if (error instanceof DerError) return { error: error.message };
    throw error;
  }
}
