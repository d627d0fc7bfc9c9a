import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from '../../zod.js';
import { writeAtomic } from '../files.js';

/**
 * The MRS 3.x console as the person at it left it, one file per 3.x cluster in the sandbox
 * state dir: `console/<cluster>.json`. Written by `mrs-trust sandbox console-save|console-stop|
 * console-start` (another process), read by the sandbox process on every poll. The saved Peer
 * Mutual Trust Domain takes effect only when restart-RealmConfig.sh runs (realm-config.ts).
 */
export const consoleStateSchema = z.object({
  /** The Peer Mutual Trust Domain rows as saved on System > Permission > Domain and Mutual Trust. */
  peers: z.array(z.object({ realm_name: z.string(), ip_port: z.string() })),
  /** "Stop" / "Start" of all clusters on the home page. */
  clustersRunning: z.boolean(),
  /** Bumped by every console action, so the CLI can wait until the sandbox has seen it. */
  saves: z.number().int().min(0),
  updatedAt: z.string(),
});
export type ConsoleState = z.infer<typeof consoleStateSchema>;

export const consoleFileOf = (stateDir: string, cluster: string) => join(stateDir, 'console', `${cluster}.json`);

export async function readConsoleFile(path: string): Promise<ConsoleState | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = consoleStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeConsoleFile(stateDir: string, cluster: string, state: ConsoleState): void {
  writeAtomic(consoleFileOf(stateDir, cluster), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}
