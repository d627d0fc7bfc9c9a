import { z } from '../zod.js';

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

/** The `--json` document of `sandbox console-download` (schemas/sandbox-console-download.schema.json). */
export const sandboxConsoleDownloadSchema = z.object({
  ok: z.literal(true),
  cluster: z.string(),
  action: z.literal('download'),
  node: z.string().describe('the management node the configuration was saved on'),
  path: z.string().describe('its path on that node'),
  peers: z.array(z.string()).describe('peer realms its krb5.conf names (those restart-RealmConfig.sh applied)'),
});
export type SandboxConsoleDownload = z.infer<typeof sandboxConsoleDownloadSchema>;
