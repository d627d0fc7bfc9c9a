import { RemoteError } from '../../errors/index.js';
import type { ClusterConfig } from '../../config/load.js';
import type { Manager } from '../../ports/manager.js';

export interface ManagerLog {
  warn(line: string): void;
  debug(line: string): void;
}

/** Placeholder until the axios adapter lands (issue: Manager adapter). */
export function createManager(cluster: ClusterConfig, _log: ManagerLog): Manager {
  throw new RemoteError('NOT_IMPLEMENTED', `${cluster.name}: the Manager adapter is not built yet`);
}
