import { z } from '../../zod.js';
import { verifyCheckSchema } from '../verify/result.js';

/** The `--json` document of `rotate` (schemas/rotate-result.schema.json). Never holds a password. */
export const rotateResultSchema = z.object({
  ok: z.boolean().describe('all four keys changed, parity and the ticket test passed'),
  clusters: z.tuple([z.string(), z.string()]),
  passwordSource: z.enum(['generated', 'file']).describe('where the new password came from (--password-file or generated)'),
  savedTo: z.string().optional().describe('--save-password: the file (0600) the new password was written to'),
  principals: z
    .array(
      z.object({
        cluster: z.string().describe('whose KDC'),
        principal: z.string(),
        kvnoBefore: z.number().optional(),
        state: z.enum(['unchanged', 'new', 'restored', 'unknown']).describe('new: the new password; restored: back to the previous key and kvno; unknown: a restore failed (see error)'),
        error: z.string().optional(),
      }),
    )
    .describe('the four cross-realm principals in the order they are changed'),
  steps: z.array(z.object({ id: z.string(), scope: z.string().optional(), status: z.enum(['done', 'skipped', 'failed']), message: z.string().optional() })),
  checks: z.array(verifyCheckSchema).describe('parity and the ticket test after the rotation (or after the restore)'),
  journal: z.string().optional(),
});

export type RotateResult = z.infer<typeof rotateResultSchema>;
