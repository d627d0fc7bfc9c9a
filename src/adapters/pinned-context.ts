import tls from 'node:tls';

/**
 * The TLS context of a pinned connection (Manager or cloud endpoint): the SHA-256 pin is the only
 * trust, checked on `secureConnect`, so the context holds no CA at all. `ca: []` keeps Node from
 * loading its ~140 bundled root certificates, which it parses on first use (~25 ms of start-up on
 * the 2-core test machine); one context then serves every connection of the agent.
 */
export function pinnedContext(): tls.SecureContext {
  return tls.createSecureContext({ ca: [] });
}
