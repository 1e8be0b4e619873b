/**
 * The API server's typed errors. Each carries the Kubernetes `Status` body it answers with
 * (apimachinery/pkg/api/errors/errors.go), so the HTTP front and the in-process client report a
 * failure the same way. Callers match on `code` (the HTTP status) and `reason`, never on text.
 */
import { ApiError } from '../api-types/api-error.js';
import type { Status, StatusCause, StatusReason } from '../api-types/meta.js';
import { type ResourceInfo, qualifiedKind, qualifiedResource } from './resources.js';

export { ApiError } from '../api-types/api-error.js';

function failure(code: number, reason: StatusReason, message: string, details?: Status['details']): ApiError {
  const status: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new ApiError(status);
}

type Res = Pick<ResourceInfo, 'group' | 'resource'>;

/** 404 `<resource>[.<group>] "<name>" not found`. */
export function notFound(r: Res, name: string): ApiError {
  return failure(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, detailsFor(r, name));
}

/** 409 `<resource>[.<group>] "<name>" already exists`. */
export function alreadyExists(r: Res, name: string, suffix = ''): ApiError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists${suffix}`, detailsFor(r, name));
}

/** 409 Conflict, by default the stale-resourceVersion message. */
export function conflict(
  r: Res,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
  causes?: StatusCause[],
): ApiError {
  const details = detailsFor(r, name);
  if (causes) details.causes = causes;
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, details);
}

/** 422 `<Kind>[.<group>] "<name>" is invalid: <causes>`, one cause per field. */
export function invalid(r: Pick<ResourceInfo, 'group' | 'kind'>, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message ?? ''));
  const text = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const details: Status['details'] = { name, kind: r.kind, causes };
  if (r.group) details.group = r.group;
  return failure(422, 'Invalid', `${qualifiedKind(r)} "${name}" is invalid: ${text}`, details);
}

/** 400 BadRequest with free text. */
export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

/**
 * 400 for a create or update body that does not decode into its type (kube-apiserver's
 * transformDecodeError): `Service in version "v1" cannot be handled as a Service: <why>`, with the
 * kind and version the body names, else the resource's.
 */
export function cannotDecode(r: Pick<ResourceInfo, 'kind' | 'version'>, body: { kind?: unknown; apiVersion?: unknown }, why: string): ApiError {
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : r.kind;
  const version = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion.split('/').pop() : r.version;
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${r.kind}: ${why}`);
}

/**
 * 422 for a patch whose result does not decode (kube-apiserver's patch handler): one cause on the
 * field `patch` carrying the patched object's JSON.
 */
export function patchDoesNotDecode(patched: unknown, why: string): ApiError {
  const message = `Invalid value: ${JSON.stringify(JSON.stringify(patched))}: ${why}`;
  return invalid({ group: '', kind: '' }, '', [{ reason: 'FieldValueInvalid', field: 'patch', message }]);
}

/** 410 Expired: `too old resource version: <asked> (<oldest kept>)`, or another expiry text. */
export function expired(message: string): ApiError {
  return failure(410, 'Expired', message);
}

/** 405 MethodNotAllowed, in the words and shape of apimachinery NewGenericServerResponse (empty details). */
export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** 406 NotAcceptable, in NewNotAcceptableError's words, naming the media types the server writes. */
export function notAcceptable(accepted: readonly string[]): ApiError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(message: string): ApiError {
  return failure(415, 'UnsupportedMediaType', message);
}

/** 401 Unauthorized. */
export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** 429 TooManyRequests with retryAfterSeconds (and a Retry-After header at the HTTP front). */
export function tooManyRequests(retryAfterSeconds: number, message = 'Too many requests, please try again later.'): ApiError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** 413 `Request entity too large: <message>` (NewRequestEntityTooLargeError), e.g. an oversized body. */
export function requestEntityTooLarge(message: string): ApiError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** 500 `Internal error occurred: <message>`. */
export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/**
 * 500 with no reason: how kube-apiserver answers an error no layer turned into a Status
 * (responsewriters' ErrorToAPIStatus), such as server-side apply's typed-conversion errors.
 */
export function unclassifiedError(message: string): ApiError {
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, code: 500 });
}

/**
 * Server-side apply's 500 for a configuration that is not a typed object of its kind (managedfields
 * structuredmerge.go): `failed to create typed patch object (<ns>/<name>; <group>/<version>,
 * Kind=<Kind>): <errors>`, one error alone or an `errors:` list.
 */
export function typedPatchFailed(r: Pick<ResourceInfo, 'group' | 'version' | 'kind'>, meta: { name?: unknown; namespace?: unknown }, errors: string[]): ApiError {
  const text = errors.length === 1 ? errors[0] : `errors:\n  ${errors.join('\n  ')}`;
  const at = (v: unknown) => (typeof v === 'string' ? v : '');
  return unclassifiedError(`failed to create typed patch object (${at(meta.namespace)}/${at(meta.name)}; ${r.group}/${r.version}, Kind=${r.kind}): ${text}`);
}

/** 504 Timeout. */
export function timeout(message: string): ApiError {
  return failure(504, 'Timeout', message);
}

function detailsFor(r: Res, name: string): NonNullable<Status['details']> {
  const details: NonNullable<Status['details']> = { name, kind: r.resource };
  if (r.group) details.group = r.group;
  return details;
}

/** 403 `<resource>[.<group>] "<name>" is forbidden: <why>` (e.g. creating in a terminating namespace). */
export function forbidden(r: Res, name: string, why: string, causes?: StatusCause[]): ApiError {
  const details = detailsFor(r, name);
  if (causes) details.causes = causes;
  return failure(403, 'Forbidden', `${qualifiedResource(r)} "${name}" is forbidden: ${why}`, details);
}

/** 504 Timeout for a resourceVersion the store has not reached (cause ResourceVersionTooLarge). */
export function tooLargeResourceVersion(asked: number, current: number): ApiError {
  return failure(504, 'Timeout', `Too large resource version: ${asked}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}
