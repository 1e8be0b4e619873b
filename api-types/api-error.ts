/**
 * The error every client of the API throws for a failure answer, and the API server for a failure
 * it answers: it carries the Kubernetes `Status` body (apimachinery/pkg/api/errors). It lives
 * here, beside the wire types, because both sides share it: the controllers' runtime (the HTTP
 * client, informers, apply) matches on it, and the bundled API server and its in-process client
 * raise it. Callers match on `code` (the HTTP status) and `reason`, never on text.
 */
import type { Status, StatusReason } from './meta.js';

/** An error the API answers with a Status. */
export class ApiError extends Error {
  /** The HTTP status code. */
  readonly code: number;
  readonly reason: StatusReason;
  readonly status: Status;
  /** Seconds to wait before retrying (429), also sent as the Retry-After header. */
  readonly retryAfterSeconds?: number;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.code = status.code;
    this.reason = status.reason ?? '';
    this.status = status;
    this.retryAfterSeconds = status.details?.retryAfterSeconds;
  }
}
