import { linkPreflight, NOT_BLOCKING, unlinkPreflight } from '../../../domain/preflight.js';
import { ruleChecks } from '../../../domain/precheck/rules.js';
import { CheckError } from '../../../errors/index.js';
import { procedureOf } from '../../../domain/mrs3/procedure.js';
import type { Step } from '../../engine.js';
import type { LinkState } from '../context.js';

function factsOf(s: LinkState) {
  const a = s.facts[s.request.a];
  const b = s.facts[s.request.b];
  if (!a || !b) throw new Error('preflight before discover');
  return [a, b] as const;
}

/** The rules that stop the run before any write. Never skipped by --skip-precheck. */
export const preflight: Step<LinkState> = {
  id: 'preflight',
  title: 'Check realms, Kerberos mode, health, overlap and the peer limit',
  readOnly: true,
  skipIfDoneBefore: true,
  async run(s) {
    const [a, b] = factsOf(s);
    const problems = s.request.action === 'link' ? linkPreflight(a, b) : unlinkPreflight(a, b);
    if (problems.length > 0) {
      // The peer limit alone has its own code: the one refusal a script can act on (peerLimit, or remove a peer).
      const code = problems.every((p) => p.code === 'PEER_LIMIT') ? 'PEER_LIMIT' : 'PREFLIGHT_FAILED';
      throw new CheckError(code, `preflight refused ${s.request.action} ${a.name} ${b.name}: ${problems.map((p) => p.message).join('; ')}`, {
        hint: 'fix the listed problems on the clusters, then run again; nothing was written',
        details: { problems },
      });
    }
    if (s.request.action === 'link') {
      // Reported, not blocking: e.g. different default cross-realm passwords are fixed after the write.
      for (const c of ruleChecks(a, b).filter((x) => NOT_BLOCKING.has(x.id) && x.status !== 'pass')) {
        s.deps.events.emit({ type: 'warning', message: `${c.id} ${c.status}: ${c.found.slice(0, -1).join('; ')}; after link: ${c.fix.slice(1, 3).join(' ')}` });
      }
    }
    // Client configurations: refuse now rather than after both restarts (issue #12 item 9). A 3.x
    // side's configuration naming the peer exists only once its console steps are done (the start
    // checklist downloads it to a node): it is fetched, and checked, by refresh-clients.
    const checked = [a, b].filter((f) => s.request.action !== 'link' || procedureOf(s.deps.clusters[f.name]?.mrsVersion) !== '3.x');
    const clients = s.deps.clients?.preflight && !s.request.skipClients && checked.length > 0 ? await s.deps.clients.preflight(checked.map((f) => ({ cluster: f.name, realm: f.realm, ...(f.mrsVersion ? { mrsVersion: f.mrsVersion } : {}) })), s.request.action === 'unlink' ? 'unlink' : 'link', s.deps.signal) : undefined;
    return { message: clients ? `all rules pass; ${clients}` : 'all rules pass' };
  },
};

/** The network pre-check (Managers, KDC probe, clocks; security groups with cloud access): `precheck`'s network checks. */
export const precheck: Step<LinkState> = {
  id: 'precheck',
  title: 'Pre-check the network: Managers, KDCs (Kerberos probe), clocks, security groups',
  readOnly: true,
  skipIfDoneBefore: true,
  skip(s) {
    if (s.request.action !== 'link') return 'not needed to remove trust';
    if (!s.deps.precheck) return 'no network pre-check wired';
    if (s.request.skipPrecheck) return 'skipped by --skip-precheck';
    return undefined;
  },
  async run(s) {
    const [a, b] = factsOf(s);
    const result = await (s.deps.precheck as NonNullable<typeof s.deps.precheck>).run(a, b);
    s.precheck = { summary: result.summary, details: result.details };
    if (result.problems.length > 0) {
      throw new CheckError('PRECHECK_FAILED', `pre-check failed: ${result.problems.map((p) => p.message).join('; ')}`, {
        hint: result.problems.some((p) => p.code.startsWith('SECURITY_GROUP'))
          ? `run \`mrs-trust precheck ${a.name} ${b.name} --fix\`, or pass --skip-precheck to link anyway`
          : `run \`mrs-trust precheck ${a.name} ${b.name}\` for the report with each fix, or pass --skip-precheck to link anyway`,
        details: { problems: result.problems },
      });
    }
    return { message: result.summary };
  },
};
