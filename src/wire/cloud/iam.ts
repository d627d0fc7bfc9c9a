import { z } from '../../zod.js';

/** IAM `POST /v3/auth/tokens` (password method, project scope); the token is in `X-Subject-Token`. */
export const tokenRequestSchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.tuple([z.literal('password')]),
      password: z.object({ user: z.object({ name: z.string().min(1), password: z.string().min(1), domain: z.object({ name: z.string().min(1) }) }) }),
    }),
    scope: z.object({ project: z.object({ id: z.string().min(1) }) }),
  }),
});
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

export const tokenReplySchema = z.object({ token: z.object({ expires_at: z.string().min(1), issued_at: z.string().nullish() }) });
export type TokenReply = z.infer<typeof tokenReplySchema>;

export const SUBJECT_TOKEN_HEADER = 'x-subject-token';
export const AUTH_TOKEN_HEADER = 'x-auth-token';
