import { z } from '../../zod.js';

/**
 * ASSUMED (no public MRS page documents it): the API behind the Manager's "Download Client →
 * Only configuration files" button. Followed by `src/adapters/manager/client-download.ts` (client)
 * and `src/sandbox/manager/client-download-route.ts` (server); docs/assumptions.md "Client
 * configuration download". Correct it here when a live Manager disagrees.
 *
 * `GET <path>` with the Manager session cookie answers the tar itself (`application/x-tar`),
 * a `Content-Disposition: attachment; filename=…`, and the file's hex SHA-256 in `SHA256_HEADER`
 * (optional); an error answers the documented JSON envelope.
 */
export const CLIENT_DOWNLOAD = {
  path: '/web/v1/cluster/1/client/config_files',
  sha256Header: 'x-mrs-client-sha256',
  /** The name the Manager gives the file (MRS manual: `MRS_Services_Client.tar`). */
  defaultFileName: 'MRS_Services_Client.tar',
} as const;

/** `attachment; filename="MRS_Services_Client.tar"` → the file name, if safe (no path). */
export const contentDispositionSchema = z
  .string()
  .transform((text) => /filename="?([^";/\\]+)"?/i.exec(text)?.[1])
  .pipe(z.string().regex(/^[A-Za-z0-9._-]+$/).optional());
