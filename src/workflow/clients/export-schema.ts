import { z } from '../../zod.js';

/** The `clients export --json` document; `schemas/clients-export.schema.json` is generated from it. */
export const clientExportResultSchema = z.object({
  format: z.literal('ansible'),
  out: z.string().describe('the directory written'),
  files: z.array(z.string()).describe('files written, relative to out'),
  hosts: z.array(z.object({ name: z.string(), cluster: z.string(), host: z.string(), port: z.number().int(), sources: z.array(z.string()) })),
  notes: z.array(z.string()).describe('what the inventory cannot carry (pinned host keys, passwords, passphrases)'),
  command: z.string().describe('how to run it'),
});

export type ClientExportResult = z.infer<typeof clientExportResultSchema>;
