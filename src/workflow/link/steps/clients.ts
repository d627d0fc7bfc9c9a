import type { Step } from '../../engine.js';
import type { LinkState } from '../context.js';

/** Pushes the new client configuration to every client host (scenario 1 or 2). */
export const refreshClients: Step<LinkState> = {
  id: 'refresh-clients',
  title: 'Refresh client configuration on client hosts',
  skipIfDoneBefore: true,
  skip(s) {
    const hosts = s.plan?.sides.reduce((n, side) => n + side.clientHosts.length, 0) ?? 0;
    if (s.request.skipClients) return `skipped by --skip-clients: run \`mrs-trust clients refresh ${s.request.a} ${s.request.b}\` after "Download Client → Server" on each cluster`;
    if (hosts === 0) return 'no client hosts configured (clusters.<name>.clients)';
    if (s.request.dryRun) return `would refresh ${hosts} client host${hosts === 1 ? '' : 's'} (those not yet current)`;
    if (!s.deps.clients) return 'client refresh is not available in this build';
    return undefined;
  },
  async run(s) {
    const result = await (s.deps.clients as NonNullable<typeof s.deps.clients>).refresh(s.plan as NonNullable<typeof s.plan>, s.deps.signal);
    s.clients = result;
    return { message: result.summary };
  },
};
