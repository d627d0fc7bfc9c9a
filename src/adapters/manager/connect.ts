import type { CookieJar } from 'tough-cookie';
import type { ClusterConfig } from '../../config/load.js';
import { ManagerHttp } from './http.js';
import { httpSettings, type ManagerLog, type ManagerOptions } from './settings.js';
import { createAgent } from './tls.js';

/** Clusters already warned about `tls.insecure` in this process: one warning each, whichever profile. */
const warnedInsecure = new Set<string>();

/**
 * The HTTP client of one Manager (2.x and 3.x profiles alike): TLS as clusters.yaml says (a pin,
 * a CA, or `insecure` with a warning), the given cookie jar, the timeouts of `options`.
 */
export function managerHttp(config: ClusterConfig, jar: CookieJar, log: ManagerLog, options: ManagerOptions): ManagerHttp {
  const settings = httpSettings(options);
  const agent = createAgent(
    config,
    jar,
    () => {
      if (warnedInsecure.has(config.name)) return;
      warnedInsecure.add(config.name);
      log.warn(`clusters.${config.name}.manager.tls.insecure: the Manager certificate is NOT verified; pin it with tls.fingerprint`);
    },
    settings.timeoutMs,
  );
  return new ManagerHttp(config, agent, settings);
}
