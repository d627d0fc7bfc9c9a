import { z } from '../zod.js';
import { clustersFileSchema } from '../config/schema.js';
import { topologySchema } from '../config/topology.js';
import { meshResultSchema } from '../workflow/mesh/result.js';
import { linkResultSchema } from '../workflow/link/result.js';
import { planFileSchema, planResultSchema } from '../workflow/link/plan-file.js';
import { statusResultSchema } from '../cli/status-result.js';
import { precheckResultSchema } from '../workflow/precheck/result.js';
import { clientRefreshResultSchema } from '../workflow/clients/result-schema.js';
import { verifyResultSchema } from '../workflow/verify/result.js';
import { rotateResultSchema } from '../workflow/rotate/result.js';
import { sshDoctorResultSchema } from '../workflow/ssh-doctor/result.js';
import { sshTrustResultSchema } from '../workflow/ssh-trust/result.js';
import { clientExportResultSchema } from '../workflow/clients/export-schema.js';
import { sandboxConsoleDownloadSchema, sandboxConsoleResultSchema } from '../cli/sandbox-console-result.js';

/**
 * Every JSON Schema published under `schemas/`, generated from the zod source of truth.
 * `npm run schemas` writes them; test/unit/schemas.test.ts fails when a committed file is stale.
 */
export interface PublishedSchema {
  file: string;
  schema: z.ZodType;
  /** `input` for files users write (defaults optional), `output` for documents we print. */
  io: 'input' | 'output';
  title: string;
}

export const published: PublishedSchema[] = [
  { file: 'clusters.schema.json', schema: clustersFileSchema, io: 'input', title: 'mrs-trust clusters.yaml' },
  { file: 'link-result.schema.json', schema: linkResultSchema, io: 'output', title: 'mrs-trust link/unlink/rollback/apply/resume --json result' },
  { file: 'plan.schema.json', schema: planFileSchema, io: 'output', title: 'mrs-trust plan file (plan --out, read by apply)' },
  { file: 'plan-result.schema.json', schema: planResultSchema, io: 'output', title: 'mrs-trust plan --json result' },
  { file: 'clients-refresh.schema.json', schema: clientRefreshResultSchema, io: 'output', title: 'mrs-trust clients refresh --json result' },
  { file: 'clients-export.schema.json', schema: clientExportResultSchema, io: 'output', title: 'mrs-trust clients export --json result' },
  { file: 'status.schema.json', schema: statusResultSchema, io: 'output', title: 'mrs-trust status --json result' },
  { file: 'verify-result.schema.json', schema: verifyResultSchema, io: 'output', title: 'mrs-trust verify --json result' },
  { file: 'rotate-result.schema.json', schema: rotateResultSchema, io: 'output', title: 'mrs-trust rotate --json result' },
  { file: 'precheck.schema.json', schema: precheckResultSchema, io: 'output', title: 'mrs-trust precheck --json result' },
  { file: 'ssh-doctor.schema.json', schema: sshDoctorResultSchema, io: 'output', title: 'mrs-trust ssh doctor --json result' },
  { file: 'ssh-trust.schema.json', schema: sshTrustResultSchema, io: 'output', title: 'mrs-trust ssh trust / ssh revoke --json result' },
  { file: 'topology.schema.json', schema: topologySchema, io: 'input', title: 'mrs-trust mesh topology file' },
  { file: 'mesh-result.schema.json', schema: meshResultSchema, io: 'output', title: 'mrs-trust mesh --json result' },
  { file: 'sandbox-console.schema.json', schema: sandboxConsoleResultSchema, io: 'output', title: 'mrs-trust sandbox console-save / console-stop / console-start --json result' },
  { file: 'sandbox-console-download.schema.json', schema: sandboxConsoleDownloadSchema, io: 'output', title: 'mrs-trust sandbox console-download --json result' },
];

export function render(entry: PublishedSchema): string {
  const json = z.toJSONSchema(entry.schema, { io: entry.io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  const document = { $id: `https://mrs-trust.dev/schemas/${entry.file}`, title: entry.title, ...json };
  return `${JSON.stringify(document, null, 2)}\n`;
}
