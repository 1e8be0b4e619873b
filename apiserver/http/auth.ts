/**
 * Bearer-token authentication: one random token per server start, checked on every request
 * but the health probes. A loopback test server still gets a token so that a stray process on
 * the machine cannot read or write the cluster a test is driving.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random bearer token (32 random bytes, base64url). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The first path segment of a token-carrying server URL (`http://127.0.0.1:PORT/token/<token>`). */
export const PATH_TOKEN_SEGMENT = 'token';

/**
 * Strips a `/token/<token>` prefix from a request path. kubectl (client-go's clientcmd) sends no
 * credentials at all to a plain-http server (it reads the kubeconfig user only for https), so the
 * kubeconfig carries the token in the server URL as well; clients then ask for
 * `/token/<token>/api/v1/...`. Returns the path without the prefix and whether it carried the token.
 */
export function stripPathToken(pathname: string, token: string): { pathname: string; isAuthorized: boolean } {
  const head = `/${PATH_TOKEN_SEGMENT}/`;
  if (!pathname.startsWith(head)) return { pathname, isAuthorized: false };
  const end = pathname.indexOf('/', head.length);
  const given = Buffer.from(pathname.slice(head.length, end < 0 ? undefined : end));
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { pathname, isAuthorized: false };
  return { pathname: end < 0 ? '/' : pathname.slice(end), isAuthorized: true };
}

/**
 * Whether an `Authorization` header carries `Bearer <token>`. The comparison takes the same time
 * whatever prefix matches, so the token cannot be guessed byte by byte.
 */
export function isAuthorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
