/** The certificate a server presents, as a person deciding whether to pin it needs to see it. */
export interface ServerCertificate {
  /** In the `clusters.yaml` pin format: `sha256:AB:CD:…` (32 bytes, upper-case hex). */
  fingerprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Issuer equals subject. */
  selfSigned: boolean;
  /** The chain verifies against the system CAs and the name matches: no pin or CA file needed. */
  trusted: boolean;
  /** Why it is not trusted (e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`), when it is not. */
  untrustedReason?: string;
}

/**
 * Fetches a TLS server's certificate without trusting it, so the user can compare its fingerprint
 * with the one the Manager shows and decide to pin it. Sends nothing over the connection.
 * Throws RemoteError (exit 4) when the server cannot be reached or does not speak TLS.
 */
export interface TlsProbe {
  fetchCertificate(url: string, options?: { signal?: AbortSignal }): Promise<ServerCertificate>;
}
