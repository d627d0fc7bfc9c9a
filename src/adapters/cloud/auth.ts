import type { ClusterConfig } from '../../config/load.js';
import { resolveSecret } from '../../config/secrets.js';
import type { Secret } from '../../domain/secret.js';
import { authorizationHeader, DATE_HEADER, sdkDate, type SignableRequest } from '../../wire/cloud/signer.js';

/** How one request is authenticated: AK/SK signature, a given token, or an IAM login token. */
export interface CloudAuth {
  readonly kind: 'aksk' | 'token' | 'login';
  /** The config field(s) to check when the credentials are refused. */
  readonly field: string;
  /** Headers to add to a request whose signable parts are given (host included). */
  headers(request: SignableRequest): Promise<Record<string, string>>;
  /** Drops a cached login token (after a 401); false when there is nothing to refresh. */
  invalidate(): boolean;
}

export type TokenFetcher = (login: { user: string; password: Secret; domain: string }) => Promise<{ token: string; expiresAt: Date }>;

interface CachedToken {
  token: string;
  expiresAt: Date;
}

/** IAM tokens live 24 h; one login per (IAM endpoint, domain, user, project) for the whole run. */
const tokenCache = new Map<string, Promise<CachedToken>>();
const EARLY_REFRESH_MS = 5 * 60_000;

export function createAuth(cluster: ClusterConfig, iamBase: string, fetchToken: TokenFetcher, now: () => Date = () => new Date()): CloudAuth {
  const cloud = cluster.cloud;
  if (!cloud) throw new Error(`clusters.${cluster.name}.cloud is not configured`);
  const at = `clusters.${cluster.name}.cloud.auth`;
  const a = cloud.auth;
  if (a.ak && a.sk) {
    const ak = a.ak;
    const sk = a.sk;
    let keys: Promise<[Secret, Secret]> | undefined;
    return {
      kind: 'aksk',
      field: `${at}.ak and ${at}.sk`,
      async headers(request) {
        keys ??= Promise.all([resolveSecret(ak, `${at}.ak`), resolveSecret(sk, `${at}.sk`)]);
        const [akValue, skValue] = await keys;
        const date = sdkDate(now());
        const signed = { ...request, headers: { ...request.headers, [DATE_HEADER]: date } };
        return { [DATE_HEADER]: date, Authorization: authorizationHeader(signed, akValue.reveal(), skValue.reveal(), date) };
      },
      invalidate: () => false,
    };
  }
  if (a.token) {
    const ref = a.token;
    let token: Promise<Secret> | undefined;
    return {
      kind: 'token',
      field: `${at}.token`,
      async headers() {
        token ??= resolveSecret(ref, `${at}.token`);
        return { 'X-Auth-Token': (await token).reveal() };
      },
      invalidate: () => false,
    };
  }
  const user = a.user as string;
  const domain = a.domain as string;
  const passwordRef = a.password;
  const key = `${iamBase}|${domain}|${user}|${cloud.projectId}`;
  const login = async (): Promise<CachedToken> => {
    if (!passwordRef) throw new Error('unreachable: schema requires password with user');
    const password = await resolveSecret(passwordRef, `${at}.password`);
    return fetchToken({ user, password, domain });
  };
  return {
    kind: 'login',
    field: `${at}.user, ${at}.password and ${at}.domain`,
    async headers() {
      const cached = tokenCache.get(key);
      const current = cached ? await cached.catch(() => undefined) : undefined;
      if (current && current.expiresAt.getTime() - now().getTime() >= EARLY_REFRESH_MS) return { 'X-Auth-Token': current.token };
      const fresh = login();
      tokenCache.set(key, fresh);
      fresh.catch(() => tokenCache.delete(key));
      return { 'X-Auth-Token': (await fresh).token };
    },
    invalidate() {
      tokenCache.delete(key);
      return true;
    },
  };
}

/** Tests: forget every cached IAM token. */
export function clearTokenCache(): void {
  tokenCache.clear();
}
