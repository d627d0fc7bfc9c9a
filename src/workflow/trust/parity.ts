import { crossRealmPrincipals, parityProblems, type ParityProblem, type ParityRow } from '../../domain/cross-realm.js';
import { CheckError } from '../../errors/index.js';
import type { KdcAdmin } from '../../ports/kdc-admin.js';
import type { Step } from '../engine.js';
import type { LinkState } from '../link/context.js';

/** kvno and enctypes of the four cross-realm principals (both names, both KDCs), read with kadmin. */
export async function readParity(admins: Record<string, KdcAdmin>, realms: Record<string, string>): Promise<ParityRow[]> {
  const [a, b] = Object.keys(realms) as [string, string];
  const rows: ParityRow[] = [];
  for (const principal of crossRealmPrincipals(realms[a] as string, realms[b] as string)) {
    const [ka, kb] = await Promise.all([a, b].map((c) => (admins[c] as KdcAdmin).getPrincipal(principal)));
    rows.push({ principal, keys: { [a]: ka, [b]: kb } });
  }
  return rows;
}

/** Why parity cannot be checked for this pair (no `kerberos.admin` on a side); undefined = it can. */
export function paritySkip(s: LinkState): string | undefined {
  const missing = [s.request.a, s.request.b].filter((c) => !s.deps.kdcAdmin?.[c]);
  return missing.length > 0 ? `no admin access: clusters.${missing.join(', clusters.')}.kerberos.admin is not set` : undefined;
}

const cause = (problems: ParityProblem[]) => (problems.find((p) => p.cause !== 'missing') ?? problems[0])?.cause ?? 'missing';

function realmsOf(s: LinkState): Record<string, string> {
  const a = s.facts[s.request.a]?.realm;
  const b = s.facts[s.request.b]?.realm;
  if (!a || !b) throw new Error('parity before discover');
  return { [s.request.a]: a, [s.request.b]: b };
}

/**
 * The four cross-realm principals must have the same kvno and enctypes in both KDCs, or
 * cross-realm tickets fail. In link (before any write) only a real mismatch blocks: principals
 * missing on a side are what link is about to create. In verify and rotate, missing fails too.
 */
export const parity: Step<LinkState> = {
  id: 'parity',
  title: 'Compare kvno and enctypes of krbtgt/B@A and krbtgt/A@B in both KDCs',
  readOnly: true,
  skip: (s) => (s.request.action === 'unlink' ? 'not needed to remove trust' : paritySkip(s)),
  async run(s) {
    const rows = await readParity(s.deps.kdcAdmin as Record<string, KdcAdmin>, realmsOf(s));
    s.parityRows = rows;
    const blocking = parityProblems(rows).filter((p) => !s.parityAllowMissing || p.cause !== 'missing');
    if (blocking.length > 0) {
      throw new CheckError('PARITY_MISMATCH', `cross-realm principals differ between the KDCs: ${blocking.map((p) => p.message).join('; ')}`, {
        hint: `the four principals need the same password, kvno and enctypes in both KDCs: run \`mrs-trust rotate ${s.request.a} ${s.request.b}\` to set them in lockstep`,
        details: { cause: cause(blocking), problems: blocking },
      });
    }
    const present = rows.filter((r) => Object.values(r.keys).some(Boolean));
    if (present.length === 0) return { message: 'no cross-realm principals yet' };
    return { message: present.map((r) => `${r.principal} kvno ${Object.values(r.keys)[0]?.kvno ?? '-'} ${Object.values(r.keys)[0]?.enctypes.join(',') ?? ''}`).join('; ') };
  },
};
