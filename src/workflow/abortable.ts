import { InterruptedError } from '../errors/index.js';
import type { Manager } from '../ports/manager.js';

/** Rejects as soon as `signal` aborts; the call itself is left to settle on its own. */
function race<T>(signal: AbortSignal, cluster: string, call: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError(`${cluster}: interrupted before a read`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError(`${cluster}: interrupted during a read`));
    signal.addEventListener('abort', onAbort, { once: true });
    call().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Ctrl-C / SIGTERM at the port boundary: reads stop at once (their answer no longer matters),
 * writes are never cut off — a save in flight finishes and its outcome is journaled, so no value
 * is ever half-written. Waiting for a command takes the signal itself.
 */
export function abortableManager(inner: Manager, signal: AbortSignal): Manager {
  const read = <T>(call: () => Promise<T>) => race(signal, inner.cluster, call);
  return {
    cluster: inner.cluster,
    login: () => read(() => inner.login()),
    logout: () => inner.logout(),
    readClusterInfo: () => read(() => inner.readClusterInfo()),
    readHealth: () => read(() => inner.readHealth()),
    readHosts: () => read(() => inner.readHosts()),
    readKerberosFacts: () => read(() => inner.readKerberosFacts()),
    readPeerRealms: () => read(() => inner.readPeerRealms()),
    savePeerRealms: (peers, options) => inner.savePeerRealms(peers, options),
    stopService: (name) => inner.stopService(name),
    startService: (name) => inner.startService(name),
    waitForCommand: (id, options) => inner.waitForCommand(id, { ...options, signal: options.signal ?? signal }),
  };
}
