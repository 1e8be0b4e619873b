/**
 * Query parameters and bodies of API requests turned into the store's option objects. Pure:
 * every malformed value is a 400 `BadRequest` (apiserver/errors.ts), as kube-apiserver's
 * parameter codec answers (staging/src/k8s.io/apimachinery/pkg/runtime/codec.go, queryparams).
 */
import type { StatusCause } from '../../api-types/meta.js';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, WatchOptions, WriteOptions } from '../types.js';
import { badRequest, invalid, unclassifiedError, unsupportedMediaType } from '../errors.js';
import { jsonTypeError } from '../validation/json-types.js';
import { mediaTypeOf } from './respond.js';

/** Reads a boolean query parameter: `true`/`1` (and Go's other ParseBool spellings) are true. */
export function parseBool(q: URLSearchParams, key: string): boolean | undefined {
  const v = q.get(key);
  if (v === null) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['', '0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw badRequest(`invalid boolean value for ${key}: "${v}"`);
}

/** Reads a non-negative integer query parameter. */
export function parseNonNegativeInt(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw badRequest(`invalid value for ${key}: "${v}": must be a non-negative integer`);
  return Number(v);
}

/** Reads `gracePeriodSeconds`, which may be negative in Go (meaning "use the default"). */
function parseInteger(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw badRequest(`invalid value for ${key}: "${v}": must be an integer`);
  return Number(v);
}

// Any value is passed on: the store's ValidateListOptions answers one it does not support (422).
function parseRVMatch(q: URLSearchParams): 'Exact' | 'NotOlderThan' | undefined {
  const v = q.get('resourceVersionMatch');
  return v === null || v === '' ? undefined : (v as 'Exact' | 'NotOlderThan');
}

/** `limit`: an int64 as Go parses it; zero or less means no limit, as the storage layer treats it. */
function parseLimit(q: URLSearchParams): number | undefined {
  const limit = parseInteger(q, 'limit');
  return limit !== undefined && limit > 0 ? limit : undefined;
}

function setIf<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined | null): void {
  if (v !== undefined && v !== null && v !== '') o[k] = v;
}

/** Whether a GET is a watch: `watch=true|1` or the deprecated `/watch/` path. */
export function isWatchRequest(q: URLSearchParams, isWatchPath: boolean): boolean {
  return isWatchPath || parseBool(q, 'watch') === true;
}

/** ListOptions from a collection GET. */
export function listOptionsFrom(q: URLSearchParams, namespace: string | undefined): ListOptions {
  const o: ListOptions = {};
  setIf(o, 'namespace', namespace);
  setIf(o, 'labelSelector', q.get('labelSelector'));
  setIf(o, 'fieldSelector', q.get('fieldSelector'));
  setIf(o, 'limit', parseLimit(q));
  setIf(o, 'continue', q.get('continue'));
  setIf(o, 'resourceVersion', q.get('resourceVersion'));
  setIf(o, 'resourceVersionMatch', parseRVMatch(q));
  // A list has no use for timeoutSeconds, but the parameter codec still parses it (400); and
  // ValidateListOptions forbids sendInitialEvents outside a watch.
  parseNonNegativeInt(q, 'timeoutSeconds');
  if (parseBool(q, 'sendInitialEvents') !== undefined) {
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [{ reason: 'FieldValueForbidden', field: 'sendInitialEvents', message: 'Forbidden: sendInitialEvents is forbidden for list' }]);
  }
  return o;
}

/** WatchOptions (and the stream's timeout) from a watch GET. */
export function watchOptionsFrom(q: URLSearchParams, namespace: string | undefined): { opts: WatchOptions; timeoutSeconds?: number } {
  const o: WatchOptions = {};
  setIf(o, 'namespace', namespace);
  setIf(o, 'labelSelector', q.get('labelSelector'));
  setIf(o, 'fieldSelector', q.get('fieldSelector'));
  setIf(o, 'resourceVersion', q.get('resourceVersion'));
  setIf(o, 'resourceVersionMatch', parseRVMatch(q));
  setIf(o, 'allowWatchBookmarks', parseBool(q, 'allowWatchBookmarks'));
  setIf(o, 'sendInitialEvents', parseBool(q, 'sendInitialEvents'));
  const timeoutSeconds = parseNonNegativeInt(q, 'timeoutSeconds');
  return timeoutSeconds === undefined ? { opts: o } : { opts: o, timeoutSeconds };
}

/** The options kind a write validates its query against. */
type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/** `fieldValidation` values kube-apiserver accepts ("" is the default, Warn). */
const FIELD_VALIDATIONS = ['', 'Ignore', 'Strict', 'Warn'];

/** The longest fieldManager (apimachinery FieldManagerMaxLength, bytes). */
const MAX_FIELD_MANAGER_BYTES = 128;

/**
 * ValidateFieldManager, ValidateDryRun and ValidateFieldValidation of the write's query
 * (apimachinery pkg/apis/meta/v1/validation): at most 128 bytes of printable characters, dryRun
 * only `All`, a known fieldValidation.
 */
function writeQueryCauses(q: URLSearchParams): StatusCause[] {
  const causes: StatusCause[] = [];
  const manager = q.get('fieldManager') ?? '';
  if (Buffer.byteLength(manager) > MAX_FIELD_MANAGER_BYTES) {
    causes.push({ reason: 'FieldValueTooLong', field: 'fieldManager', message: `Too long: may not be more than ${MAX_FIELD_MANAGER_BYTES} bytes` });
  }
  let at = 0;
  for (const ch of manager) {
    // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const code = (ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
      causes.push({ reason: 'FieldValueInvalid', field: 'fieldManager', message: `Invalid value: ${JSON.stringify(manager)}: invalid character U+${code} (at position ${at})` });
    }
    at += Buffer.byteLength(ch);
  }
  const dryRun = dryRunProblem(q.getAll('dryRun'));
  if (dryRun) causes.push(dryRun);
  const fv = q.get('fieldValidation') ?? '';
  if (!FIELD_VALIDATIONS.includes(fv)) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'fieldValidation', message: `Unsupported value: ${JSON.stringify(fv)}: supported values: ${FIELD_VALIDATIONS.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  return causes;
}

/**
 * WriteOptions (`dryRun=All`, `fieldManager`) of POST and PUT, validated as ValidateCreateOptions
 * and ValidateUpdateOptions do (422 on `kind`, listing every problem). Without a fieldManager, a
 * non-apply write is recorded under the User-Agent's product name (the part before the first
 * `/`), as kube-apiserver's field manager does (`prefixFromUserAgent`).
 * @param kind the options kind the 422 names. @default 'CreateOptions'
 */
export function writeOptionsFrom(q: URLSearchParams, userAgent?: string, kind: WriteOptionsKind = 'CreateOptions'): WriteOptions {
  const causes = writeQueryCauses(q);
  if (causes.length > 0) throw invalid({ group: 'meta.k8s.io', kind }, '', causes);
  return writeOptionsOf(q, userAgent);
}

// The options of an already validated query.
function writeOptionsOf(q: URLSearchParams, userAgent?: string): WriteOptions {
  const o: WriteOptions = {};
  if (q.getAll('dryRun').length > 0) o.dryRun = true;
  setIf(o, 'fieldManager', q.get('fieldManager'));
  if (!o.fieldManager && userAgent) setIf(o, 'fieldManager', userAgent.split('/')[0].slice(0, MAX_FIELD_MANAGER_BYTES));
  return o;
}

const PATCH_TYPES: readonly PatchType[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/**
 * The PatchType a PATCH's Content-Type selects (parameters such as `charset` ignored); anything
 * else is 415, as kube-apiserver's patch handler answers (endpoints/handlers/patch.go).
 */
export function patchTypeFrom(contentType: string | undefined): PatchType {
  const media = mediaTypeOf(contentType);
  const t = PATCH_TYPES.find((p) => p === media);
  if (!t) throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
  return t;
}

/**
 * PatchOptions: write options plus `force`, validated as ValidatePatchOptions does (422 on
 * PatchOptions, every problem listed): an apply patch must name its field manager, and only an
 * apply patch may carry `force`.
 */
export function patchOptionsFrom(q: URLSearchParams, type: PatchType, userAgent?: string): PatchOptions {
  const isApply = type === 'application/apply-patch+yaml';
  const force = parseBool(q, 'force');
  const causes: StatusCause[] = [];
  if (isApply && !q.get('fieldManager')) causes.push({ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' });
  if (!isApply && force !== undefined) causes.push({ reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' });
  causes.push(...writeQueryCauses(q));
  if (causes.length > 0) throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', causes);
  // An apply patch must name its manager; only other patches fall back to the User-Agent.
  const o: PatchOptions = writeOptionsOf(q, isApply ? undefined : userAgent);
  if (force !== undefined) o.force = force;
  return o;
}

/**
 * DeleteOptions of a DELETE, as kube-apiserver's delete handlers read them
 * (endpoints/handlers/delete.go): from a DeleteOptions body when one is sent (kubectl sends
 * `{"propagationPolicy":"Background"}`), and then the query parameters are not read at all;
 * from the query parameters otherwise. A value of the wrong type in the body is the decoder's
 * plain error (500, no reason); options that decode but are not valid are a 422 on
 * DeleteOptions.meta.k8s.io (ValidateDeleteOptions), and nothing is deleted.
 */
export function deleteOptionsFrom(q: URLSearchParams, body: unknown): DeleteOptions {
  if (body === undefined) {
    return validDeleteOptions({
      dryRun: q.getAll('dryRun'), gracePeriodSeconds: parseInteger(q, 'gracePeriodSeconds'),
      propagationPolicy: q.get('propagationPolicy') || undefined, orphanDependents: parseBool(q, 'orphanDependents'),
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of a delete must be a DeleteOptions object');
  const why = jsonTypeError('v1', 'DeleteOptions', body);
  if (why !== undefined) throw unclassifiedError(why);
  const b = body as { dryRun?: string[] | null; gracePeriodSeconds?: number | null; propagationPolicy?: string | null; orphanDependents?: boolean | null;
    preconditions?: { uid?: string | null; resourceVersion?: string | null } | null };
  const o = validDeleteOptions({
    dryRun: b.dryRun ?? [], gracePeriodSeconds: b.gracePeriodSeconds ?? undefined, propagationPolicy: b.propagationPolicy ?? undefined,
    orphanDependents: b.orphanDependents ?? undefined,
  });
  if (b.preconditions) {
    const pre: NonNullable<DeleteOptions['preconditions']> = {};
    if (typeof b.preconditions.uid === 'string') pre.uid = b.preconditions.uid;
    if (typeof b.preconditions.resourceVersion === 'string') pre.resourceVersion = b.preconditions.resourceVersion;
    o.preconditions = pre;
  }
  return o;
}

/**
 * Whether a DELETE sets the deprecated `orphanDependents` to false, in the body when one is sent,
 * else in the query (read as deleteOptionsFrom reads them): delete.go then answers 202 Accepted
 * when the object was not deleted at once.
 */
export function asksCascadeWithOrphanDependents(q: URLSearchParams, body: unknown): boolean {
  if (body === undefined) return parseBool(q, 'orphanDependents') === false;
  return (body as { orphanDependents?: unknown }).orphanDependents === false;
}

/** DeleteOptions as decoded, before ValidateDeleteOptions. */
interface RawDeleteOptions {
  dryRun: readonly string[];
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
}

const POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

/**
 * ValidateDeleteOptions (apimachinery pkg/apis/meta/v1/validation): orphanDependents and
 * propagationPolicy not both, a known policy, dryRun only `All`; 422 listing every problem. The
 * deprecated orphanDependents becomes its policy (Orphan, or Background when false).
 */
function validDeleteOptions(raw: RawDeleteOptions): DeleteOptions {
  const causes: StatusCause[] = [];
  const policy = raw.propagationPolicy;
  if (raw.orphanDependents !== undefined && policy !== undefined) {
    causes.push({ reason: 'FieldValueInvalid', field: 'propagationPolicy', message: `Invalid value: "${policy}": orphanDependents and deletionPropagation cannot be both set` });
  }
  const known = POLICIES.find((x) => x === policy);
  if (policy !== undefined && !known) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: ${[...POLICIES, 'nil'].map((x) => `"${x}"`).join(', ')}` });
  }
  const dryRunCause = dryRunProblem(raw.dryRun);
  if (dryRunCause) causes.push(dryRunCause);
  if (causes.length > 0) throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', causes);
  const o: DeleteOptions = {};
  if (raw.dryRun.length > 0) o.dryRun = true;
  if (raw.gracePeriodSeconds !== undefined) o.gracePeriodSeconds = raw.gracePeriodSeconds;
  if (known) o.propagationPolicy = known;
  else if (raw.orphanDependents !== undefined) o.propagationPolicy = raw.orphanDependents ? 'Orphan' : 'Background';
  return o;
}

/** ValidateDryRun: every value must be `All`; the list is printed as Go prints a []string. */
function dryRunProblem(dryRun: readonly string[]): StatusCause | undefined {
  if (dryRun.every((d) => d === 'All')) return undefined;
  return { reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: []string{${dryRun.map((d) => JSON.stringify(d)).join(', ')}}: supported values: "All"` };
}
