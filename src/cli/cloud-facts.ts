import type { ClusterConfig } from '../config/load.js';
import type { CloudFacts } from '../workflow/discovery.js';
import type { CliContext } from './context.js';

/**
 * The documented cloud API as a second discovery source (MRS version, host names), for the
 * clusters with a `cloud` block; nothing is called unless discovery needs it.
 */
export function cloudFacts(ctx: CliContext, clusters: ClusterConfig[]): Record<string, () => Promise<CloudFacts>> {
  return Object.fromEntries(
    clusters
      .filter((c) => c.cloud)
      .map((c) => [
        c.name,
        async () => {
          const info = await (await ctx.adapters.cloud(c, ctx.out)).readClusterInfo();
          return { clusterVersion: info.clusterVersion, hosts: info.hosts ?? [] };
        },
      ]),
  );
}
