import type { Step } from '../../engine.js';
import type { LinkState } from '../context.js';

/** Pushes the new client configuration to every client host (scenario 1 or 2). */
export const refreshClients: Step<LinkState> = {
  id: 'refresh-clients',
  title: 'Refresh client configuration on client hosts',
  skip(s) {
    if (s.request.dryRun) return 'dry run';
    if (s.request.skipClients) return `skipped by --skip-clients: run \`mrs-trust clients refresh ${s.request.a} ${s.request.b}\` after "Download Client → Server" on each cluster`;
    if (!s.plan?.sides.some((side) => side.clientHosts.length > 0)) return 'no client hosts configured (clusters.<name>.clients)';
    if (!s.deps.clients) return 'client refresh is not available in this build';
    return undefined;
  },
  async run(s) {
    const result = await (s.deps.clients as NonNullable<typeof s.deps.clients>).refresh(s.plan as NonNullable<typeof s.plan>, s.deps.signal);
    s.clients = result;
    return { message: result.summary };
  },
};
