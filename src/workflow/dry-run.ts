import type { PeerEntry } from '../domain/peers.js';
import type { Manager } from '../ports/manager.js';

/** A write the run would have made; in a dry run these are the plan, as the ports saw it. */
export type RecordedWrite =
  | { type: 'save-peer-realms'; cluster: string; peers: PeerEntry[]; expectedVersion: string }
  | { type: 'restart-services'; cluster: string; services: string[] };

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
    async savePeerRealms(peers, options) {
      writes.push({ type: 'save-peer-realms', cluster: inner.cluster, peers: peers.map((p) => ({ ...p })), expectedVersion: options.expectedVersion });
      return options.restart ? { commandId: DRY_COMMAND } : {};
    },
    async restartServices(services) {
      writes.push({ type: 'restart-services', cluster: inner.cluster, services: [...services] });
      return DRY_COMMAND;
    },
    async waitForCommand(id, options) {
      if (id !== DRY_COMMAND) return inner.waitForCommand(id, options);
      return { state: 'COMPLETE', percent: 100 };
    },
  };
}
