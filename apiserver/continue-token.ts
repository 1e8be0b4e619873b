/**
 * Continue tokens of paginated lists. Like the etcd3 store's (apiserver/pkg/storage/etcd3/
 * store.go encodeContinue/decodeContinue) a token is base64 JSON carrying the API version, the
 * list's resourceVersion and where to resume; ours also names the snapshot the pages come from.
 * Clients treat it as opaque.
 */

/** What a continue token carries. */
export interface ContinuePosition {
  /** The resourceVersion every page of the list reports. */
  resourceVersion: number;
  /** The snapshot the pages are served from. */
  snapshotId: number;
  /** Index of the first item of the next page. */
  offset: number;
}

/** A token that is not one of ours (400 BadRequest). */
export class InvalidContinueTokenError extends Error {
  readonly code = 'InvalidContinueToken';

  constructor(reason: string) {
    super(`continue key is not valid: ${reason}`);
    this.name = 'InvalidContinueTokenError';
  }
}

const VERSION = 'meta.k8s.io/v1';

/** Encodes a position as an opaque token. */
export function encodeContinue(pos: ContinuePosition): string {
  const body = JSON.stringify({ v: VERSION, rv: pos.resourceVersion, start: pos.offset, s: pos.snapshotId });
  return Buffer.from(body, 'utf8').toString('base64url');
}

/**
 * Decodes a token made by encodeContinue.
 * @throws InvalidContinueTokenError when the token is malformed or from another version.
 */
export function decodeContinue(token: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidContinueTokenError('incorrect encoding');
  }
  if (parsed === null || typeof parsed !== 'object') throw new InvalidContinueTokenError('incorrect encoding');
  const { v, rv, start, s } = parsed as Record<string, unknown>;
  if (v !== VERSION) throw new InvalidContinueTokenError('server does not recognize this encoded key version');
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!isCount(rv) || !isCount(start) || !isCount(s)) throw new InvalidContinueTokenError('incorrect encoding');
  return { resourceVersion: rv, offset: start, snapshotId: s };
}
