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
