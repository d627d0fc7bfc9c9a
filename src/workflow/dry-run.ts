import type { PeerEntry } from '../domain/peers.js';
import type { Manager } from '../ports/manager.js';
import { abortableManager } from './abortable.js';

/**
 * A write the run would have made; in a dry run these are the plan, as the ports saw it.
 * `restart-services` is no longer produced (the guessed restart call left the normal path) but
 * stays in the `--json` enum: a public shape is extended, never narrowed.
 */
export type RecordedWrite =
  | { type: 'save-peer-realms'; cluster: string; peers: PeerEntry[]; expectedVersion: string; restart: boolean }
  | { type: 'stop-service' | 'start-service'; cluster: string; service: string };

const DRY_COMMAND = 'dry-run';

/**
 * Dry run at the port boundary: reads go to the real Manager, writes are recorded and answered
 * as if they succeeded. Nothing above this wrapper knows it is a dry run.
 */
export function recordingManager(inner: Manager, writes: RecordedWrite[]): Manager {
  return {
    cluster: inner.cluster,
    login: () => inner.login(),
    logout: () => inner.logout(),
    readClusterInfo: () => inner.readClusterInfo(),
    readHealth: () => inner.readHealth(),
    readHosts: () => inner.readHosts(),
    readKerberosFacts: () => inner.readKerberosFacts(),
    readPeerRealms: () => inner.readPeerRealms(),
    ...(inner.readServerTime ? { readServerTime: () => (inner.readServerTime as NonNullable<Manager['readServerTime']>)() } : {}),
    async savePeerRealms(peers, options) {
      await options.ready;
      writes.push({ type: 'save-peer-realms', cluster: inner.cluster, peers: peers.map((p) => ({ ...p })), expectedVersion: options.expectedVersion, restart: options.restart });
      return options.restart ? { commandId: DRY_COMMAND } : {};
    },
    async stopService(service) {
      writes.push({ type: 'stop-service', cluster: inner.cluster, service });
      return DRY_COMMAND;
    },
    async startService(service) {
      writes.push({ type: 'start-service', cluster: inner.cluster, service });
      return DRY_COMMAND;
    },
    async waitForCommand(id, options) {
      if (id !== DRY_COMMAND) return inner.waitForCommand(id, options);
      return { state: 'COMPLETE', percent: 100 };
    },
  };
}

/**
 * The Managers a run uses: each aborts in-flight reads on the run's signal (abortable.ts), and in a
 * dry run records its writes instead of making them. Shared by link and mesh.
 */
export function runManagers(managers: Readonly<Record<string, Manager | undefined>>, names: readonly string[], options: { signal: AbortSignal; dryRun: boolean; writes: RecordedWrite[] }): Record<string, Manager> {
  return Object.fromEntries(
    names.map((n) => {
      const inner = abortableManager(managers[n] as Manager, options.signal);
      return [n, options.dryRun ? recordingManager(inner, options.writes) : inner];
    }),
  );
}
