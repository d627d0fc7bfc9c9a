/** What a cluster entry offers to prove the trust (the parts of clusters.yaml the checks use). */
export interface ProofParts {
  verify?: unknown;
  clients?: unknown[] | undefined;
  kerberos?: { admin?: unknown } | undefined;
}

/**
 * Says plainly what the configuration of a pair cannot prove: without `verify` and a client host
 * on both sides no real cross-realm ticket is tried; without `kerberos.admin` no krbtgt parity,
 * no default-password check and no `rotate`. Empty when everything can be proved.
 */
export function proofGaps(pair: [string, string], entries: Record<string, ProofParts | undefined>): string[] {
  const gaps: string[] = [];
  for (const name of pair) {
    const e = entries[name];
    if (!e) continue;
    if (!e.verify) gaps.push(`clusters.${name}.verify is not set: link and verify cannot prove the trust with a real cross-realm ticket (add verify: principal, password, service)`);
    if (!e.clients || e.clients.length === 0) gaps.push(`clusters.${name}.clients is empty: the ticket test needs a client host to run kinit on`);
    if (!e.kerberos?.admin) gaps.push(`clusters.${name}.kerberos.admin is not set: krbtgt parity and the default-password check are skipped, and rotate cannot run`);
  }
  return gaps;
}
