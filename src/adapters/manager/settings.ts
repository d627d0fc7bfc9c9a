import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpSettings } from './http.js';

export interface ManagerLog {
  warn(line: string): void;
  debug(line: string): void;
}

/** `trace` (in HttpSettings): `--trace-http FILE`, see src/adapters/http-trace/. */
export interface ManagerOptions extends Partial<HttpSettings> {
  env?: NodeJS.ProcessEnv;
}

/** Defaults; `MRS_TRUST_HTTP_TIMEOUT_MS` overrides the per-request timeout (docs/sandbox.md, README). */
export function httpSettings(options: ManagerOptions = {}): HttpSettings {
  const env = options.env ?? process.env;
  const fromEnv = Number(env.MRS_TRUST_HTTP_TIMEOUT_MS);
  return {
    timeoutMs: options.timeoutMs ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 30_000),
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 500,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
    ...(options.trace ? { trace: options.trace } : {}),
  };
}
