/**
 * Continue tokens of paginated lists. Like the etcd3 store's (apiserver/pkg/storage/continue.go
 * EncodeContinue/DecodeContinue) a token is base64 JSON carrying the API version, the list's
 * resourceVersion and where to resume; ours also names the snapshot the pages come from, and the
 * key of the last item served, so that an expired token can be answered with one that resumes
 * after that item at the latest version (the etcd3 store's resourceVersion -1,
 * handleCompactedErrorForPaging). Clients treat it as opaque.
 */

/** What a continue token carries. */
export interface ContinuePosition {
  /**
   * The resourceVersion every page of the list reports, or {@link LATEST} for a token that
   * resumes after `lastKey` in the current state.
   */
  resourceVersion: number;
  /** The snapshot the pages are served from (0 with {@link LATEST}). */
  snapshotId: number;
  /** Index of the first item of the next page in the snapshot. */
  offset: number;
  /** The list key (`namespace NUL name`) of the last item served; the next page starts after it. */
  lastKey?: string;
}

/** The resourceVersion of a token that continues at the latest version (the etcd3 store's -1). */
export const LATEST = -1;

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
  const body = JSON.stringify({ v: VERSION, rv: pos.resourceVersion, start: pos.offset, s: pos.snapshotId, k: pos.lastKey });
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
  const { v, rv, start, s, k } = parsed as Record<string, unknown>;
  if (v !== VERSION) throw new InvalidContinueTokenError('server does not recognize this encoded key version');
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!isCount(start) || !isCount(s) || (k !== undefined && typeof k !== 'string')) throw new InvalidContinueTokenError('incorrect encoding');
  // A token to the latest version must say where to resume.
  if (!isCount(rv) && !(rv === LATEST && k !== undefined)) throw new InvalidContinueTokenError('incorrect encoding');
  const pos: ContinuePosition = { resourceVersion: rv, offset: start, snapshotId: s };
  if (k !== undefined) pos.lastKey = k;
  return pos;
}
