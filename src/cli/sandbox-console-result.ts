import { z } from 'zod';

/** The `--json` document of `sandbox console-save|console-stop|console-start` (schemas/sandbox-console.schema.json). */
export const sandboxConsoleResultSchema = z.object({
  ok: z.literal(true),
  cluster: z.string(),
  action: z.enum(['save', 'stop', 'start']),
  peers: z.array(z.object({ realm_name: z.string(), ip_port: z.string() })).describe('the saved Peer Mutual Trust Domain (applied by restart-RealmConfig.sh)'),
  clustersRunning: z.boolean().describe('false after console-stop: all clusters of this Manager stopped'),
  saves: z.number().int().describe('console actions so far'),
});
export type SandboxConsoleResult = z.infer<typeof sandboxConsoleResultSchema>;
