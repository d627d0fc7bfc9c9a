import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckError, UsageError, type MrsTrustError } from '../errors/index.js';
import type { SandboxHandle, SandboxStartOptions } from '../ports/sandbox.js';
import type { CliContext } from './context.js';

/** Maps the sandbox's own errors (plain Errors with a SANDBOX_* code) into the error tree. */
export function sandboxError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SANDBOX_')) return error;
  const message = (error as Error).message;
  if (code === 'SANDBOX_NAMES' || code === 'SANDBOX_FAULTS' || code === 'SANDBOX_CONSOLE' || code === 'SANDBOX_MRS3') return new UsageError(code, message, { hint: 'see docs/sandbox.md', cause: error });
  if (code === 'SANDBOX_NOT_RUNNING') return new CheckError(code, `sandbox: ${message}`, { hint: 'start it with `mrs-trust sandbox up` (--state-dir DIR for another directory)', cause: error });
  return new CheckError(code, `sandbox: ${message}`, { hint: 'another sandbox may be using these addresses: `mrs-trust sandbox down`, or pick another --subnet', cause: error });
}

/** Starts a sandbox in this process, with errors mapped. */
export async function startSandbox(ctx: CliContext, options: SandboxStartOptions): Promise<SandboxHandle> {
  const starter = await ctx.adapters.sandbox();
  try {
    return await starter.start(options);
  } catch (error) {
    throw sandboxError(error) as MrsTrustError;
  }
}

export interface WithSandboxOptions {
  enabled: boolean;
  /** The clusters the command names; the sandbox simulates exactly these. */
  clusters: string[];
  seedPeer?: boolean;
  restartMs?: number;
  /** false: Managers only (commands that need no SSH hosts or cloud API start faster). */
  plugins?: boolean;
}

/**
 * `--sandbox` on a command: simulated clusters in this process for this one run (a fresh
 * temporary state directory, a free loopback subnet), `fn` gets their clusters.yaml, and
 * everything is stopped and removed afterwards. Without `--sandbox`, `fn` gets `--config`.
 */
export async function withSandbox<T>(ctx: CliContext, options: WithSandboxOptions, fn: (configPath: string) => Promise<T>): Promise<T> {
  if (!options.enabled) return fn(ctx.global.config);
  const stateDir = await mkdtemp(join(tmpdir(), 'mrs-trust-sandbox-'));
  let handle: SandboxHandle | undefined;
  try {
    // Subnets 200..249 for one-off runs: a `sandbox up` (default subnet 0) and the tests (fixed subnets below 200) are never disturbed.
    for (let attempt = 0; !handle; attempt++) {
      const subnet = 200 + Math.floor(Math.random() * 50);
      try {
        handle = await startSandbox(ctx, { stateDir, clusters: [...new Set(options.clusters)], subnet, seedPeer: options.seedPeer, restartMs: options.restartMs, plugins: options.plugins });
      } catch (error) {
        if (attempt >= 4 || (error as { code?: string }).code !== 'SANDBOX_ADDRESS_IN_USE') throw error;
      }
    }
    ctx.out.info(`sandbox: ${handle.clusters.map((c) => `${c.name} (${c.managerUrl})`).join(', ')}; state in ${stateDir} (removed afterwards)`);
    return await fn(handle.configPath);
  } finally {
    await handle?.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
