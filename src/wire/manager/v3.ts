import { z } from '../../zod.js';

/**
 * MRS 3.x (FusionInsight Manager 8.x) REST API, as far as public pages show it. Shared by the
 * adapter (client) and the sandbox (server).
 *
 * Sources (docs/assumptions.md "MRS 3.x"):
 * - Huawei MRS developer guide "Calling FusionInsight Manager REST APIs" / the sample
 *   `huaweicloud-mrs-example` (branches mrs-3.0.2…mrs-3.3.0) `BasicAuthAccess.java`: every call
 *   carries `Authorization: Basic base64(user:password)`; the first one is
 *   `GET {webUrl}api/v2/session/status` with webUrl `https://<ip>:28443/web/`; any status but 200
 *   is an authentication failure; a 200 body holding the CAS wrong-credentials text or
 *   `modify_password.html` means wrong credentials / password change required.
 * - Replies of the v2 API wrap their payload in camelCase `resObj` (public client code reading
 *   `resObj`); no page lists the envelope's other fields, so nothing else is required.
 */
export const V3_PATHS = {
  sessionStatus: '/web/api/v2/session/status',
} as const;

/**
 * A v2 reply: a JSON object, its `resObj` optional and of any shape. Only the fields the tool
 * reads are typed, and none is required: the session check reads nothing from the body.
 */
export const v3ReplySchema = z.looseObject({
  resObj: z.unknown().optional(),
});
export type V3Reply = z.infer<typeof v3ReplySchema>;

/** The markers the documented sample looks for in a 200 body (the same text as 2.x CAS). */
export const V3_MARKERS = {
  wrongCredentials: 'The credentials you provided cannot be determined to be authentic',
  mustChangePassword: 'modify_password.html',
} as const;
