import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface ServerCert {
  cert: string;
  key: string;
  /** `sha256:AB:CD:…`, the form clusters.yaml pins. */
  fingerprint: string;
}

/**
 * A self-signed Manager certificate like a fresh MRS install has: EC P-256, SHA-256, the
 * floating IP as subjectAltName (selfsigned's defaults are RSA/SHA-1 with a DNS SAN).
 */
export async function managerCert(ip: string, days = 30): Promise<ServerCert> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: ip }, { name: 'organizationName', value: 'mrs-trust sandbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip }] },
    ],
  });
  return { cert: pems.cert, key: pems.private, fingerprint: `sha256:${new X509Certificate(pems.cert).fingerprint256}` };
}
