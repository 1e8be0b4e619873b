/**
 * The verbs on resources: get, list, watch, create, update, patch, delete and deletecollection,
 * from an HTTP request to a store call and back, with kube-apiserver's status codes
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/: get.go, create.go, update.go, patch.go,
 * delete.go, watch.go). Everything Kubernetes-semantic is the store's; this file only checks
 * what belongs to the URL (name and namespace agreement, allowed methods).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api-types/meta.js';
import { parse as parseYaml } from 'yaml';
import { REQUEST_YAML } from '../patch/apply.js';
import { ApiError, badRequest, cannotDecode, methodNotAllowed, patchDoesNotDecode, typedPatchFailed } from '../errors.js';
import { listJson, storedJson, storedJsonBytes } from '../json-text.js';
import { groupVersion } from '../resources.js';
import { checkDecodes } from '../store-admission.js';
import { type DuplicateScan, jsonPatchStrictErrors, scanDuplicates, strictDecodingErrors, yamlDuplicateKeys } from './duplicate-fields.js';
import { FRESHNESS_WAIT_MS } from '../version-waiters.js';
import type { MemoryGetOptions, MemoryListOptions, MemoryWriteOptions } from '../store.js';
import type { StoreClock } from '../clock.js';
import type { Store } from '../types.js';
import {
  asksCascadeWithOrphanDependents,
  deleteOptionsFrom,
  isWatchRequest,
  listOptionsFrom,
  patchOptionsFrom,
  patchTypeFrom,
  watchOptionsFrom,
  writeOptionsFrom,
} from './query.js';
import { PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';
import { applyErrors } from '../validation/json-types.js';
import { unknownFields } from '../validation/unknown-fields.js';
import { negotiateOutput, type Output, sendOutput } from './output-negotiation.js';
import { addWarnings, isJsonMedia, mediaTypeOf, parseBody, readBody, readBodyBytes } from './respond.js';
import type { ResourceRoute } from './routes.js';
import { sendListTable, sendObjectTable, tableWatchOf, tableWatchSink } from './table-response.js';
import { WatchStream, type WatchStreamOptions } from './watch-stream.js';
import { answerReview } from './self-reviews.js';
import { formatTimestamp } from '../store-meta.js';

/** The verb a request on a resource performs, as RBAC and discovery name it. */
export function verbOf(method: string, route: ResourceRoute, q: URLSearchParams): string | undefined {
  switch (method) {
    case 'GET':
      if (isWatchRequest(q, route.isWatchPath)) return 'watch';
      return route.name === undefined ? 'list' : 'get';
    case 'POST':
      return route.name === undefined && !route.subresource ? 'create' : undefined;
    case 'PUT':
      return route.name === undefined ? undefined : 'update';
    case 'PATCH':
      return route.name === undefined ? undefined : 'patch';
    case 'DELETE':
      if (route.subresource) return undefined;
      return route.name === undefined ? 'deletecollection' : 'delete';
    default:
      return undefined;
  }
}

/** What the resource handler needs from the server. */
export interface ResourceHandlerContext {
  store: Store;
  /** The clock Table ages are computed on (the store's). */
  clock: StoreClock;
  /** Watch stream settings shared by every watch (everything but the per-request fields). */
  watchDefaults: Omit<WatchStreamOptions, 'kind' | 'apiVersion' | 'timeoutMs' | 'allowBookmarks' | 'onDone'>;
  /** The server-chosen timeout of a watch without timeoutSeconds (kube: 30–60 min at random). */
  defaultWatchTimeoutMs: () => number;
  /** Open streams, so the server can end them all. */
  watches: Set<WatchStream>;
}

/**
 * A create or update body as an object of the route's kind: a JSON object whose values have
 * their types (else 400 in Go's words, checkDecodes), with metadata.
 */
function asObject(route: ResourceRoute, body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of the request must be a JSON object');
  const obj = body as KubeObject;
  checkDecodes(route.info, obj);
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  // Left to here: a kind this server has no schema for.
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw badRequest('metadata must be an object');
  return obj;
}

/**
 * Makes the body agree with the URL: a namespaced object takes the URL's namespace (a different
 * one is a 400, as kube-apiserver's rest.EnsureObjectNamespaceMatchesRequestNamespace answers),
 * and a PUT's name must match the URL's.
 */
function alignWithUrl(route: ResourceRoute, obj: KubeObject, urlName?: string): void {
  if (route.info.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns && ns !== route.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = route.namespace;
  }
  if (urlName !== undefined) {
    const name = obj.metadata.name;
    if (name && name !== urlName) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
    obj.metadata.name = urlName;
  }
}

/** Unknown fields reported in Warning headers at most; past it, one more says how many were left out. */
const MAX_FIELD_WARNINGS = 50;

/** The request's `fieldValidation`: Strict, Warn (the default) or Ignore. */
function fieldValidation(q: URLSearchParams): string {
  return q.get('fieldValidation') || 'Warn';
}

/**
 * The paths of the members of `obj` its kind does not have; unless Strict, those members are
 * dropped from `obj`, as decoding into the Go type drops them in kube-apiserver.
 */
function unknownFieldPaths(route: ResourceRoute, obj: object, directive: string): string[] {
  return unknownFields(groupVersion(route.info), route.info.kind, obj, directive !== 'Strict') ?? [];
}

/** `unknown field "<path>"` for each unknown member (unknownFieldPaths). */
function unknownFieldErrors(route: ResourceRoute, obj: object, directive: string): string[] {
  return unknownFieldPaths(route, obj, directive).map((path) => `unknown field "${path}"`);
}

/**
 * A JSON create or update body's duplicate members (duplicate-fields.ts), counted on the value
 * as parsed, before anything adds to it (an empty `metadata`) or prunes it; none under Ignore.
 */
function duplicatesOf(q: URLSearchParams, body: Buffer, parsed: unknown, contentType: string | undefined): DuplicateScan | undefined {
  return fieldValidation(q) !== 'Ignore' && isJsonMedia(mediaTypeOf(contentType)) ? scanDuplicates(body, parsed) : undefined;
}

/** Warn: a Warning header per unknown field (kube-apiserver's addStrictDecodingWarnings). */
function warnUnknownFields(res: ServerResponse, errors: string[]): void {
  const shown = errors.slice(0, MAX_FIELD_WARNINGS);
  if (errors.length > shown.length) shown.push(`${errors.length - shown.length} more unknown fields left out`);
  addWarnings(res, shown);
}

/**
 * `fieldValidation` on a create or update body (kube-apiserver: endpoints/handlers/create.go and
 * update.go decode strictly unless Ignore): Strict fails the request with a 400 naming every
 * unknown field and, in a JSON body, every duplicate member (duplicate-fields.ts); Warn sends a
 * Warning header for each; Warn and Ignore drop the unknown fields. Protobuf bodies are skipped:
 * decoding already dropped their unknown fields, as in kube-apiserver.
 */
function checkUnknownFields(res: ServerResponse, route: ResourceRoute, q: URLSearchParams, obj: KubeObject, body: Buffer, duplicates: DuplicateScan | undefined, contentType: string | undefined): void {
  if ((contentType ?? '').toLowerCase().startsWith(PROTOBUF_MEDIA_TYPE)) return;
  const directive = fieldValidation(q);
  const errors = strictDecodingErrors(unknownFieldPaths(route, obj, directive), duplicates);
  // A YAML body's repeated keys come first, in go-yaml's words. Only Strict says so: that error
  // spans lines, and kube-apiserver drops a warning with control characters in it.
  const repeatedKeys = directive === 'Strict' && mediaTypeOf(contentType) === 'application/yaml' ? yamlDuplicateKeys(body.toString('utf8')) : undefined;
  if (repeatedKeys) errors.unshift(repeatedKeys);
  if (errors.length === 0 || directive === 'Ignore') return;
  if (directive !== 'Strict') return warnUnknownFields(res, errors);
  throw cannotDecode(route.info, obj, `strict decoding error: ${errors.join(', ')}`);
}

/**
 * `fieldValidation` on a patch (kube-apiserver: endpoints/handlers/patch.go): the patch's own
 * strict errors first (a merge or strategic merge patch's duplicate members; a JSON patch's
 * unknown and duplicate operation members, `json patch …`), then the patched object's unknown
 * fields. Strict is a 422 on the field "patch" carrying the patched object; Warn, Warning
 * headers; Warn and Ignore drop the unknown fields. A patch body that is not JSON is left to the
 * store's own error.
 */
function patchedChecker(res: ServerResponse, route: ResourceRoute, q: URLSearchParams, type: string, body: string): (patched: KubeObject) => void {
  const directive = fieldValidation(q);
  const patchErrors = directive === 'Ignore' ? [] : patchStrictErrors(type, body);
  return (patched) => {
    const errors = [...patchErrors, ...unknownFieldErrors(route, patched, directive)];
    if (errors.length === 0 || directive === 'Ignore') return;
    if (directive !== 'Strict') return warnUnknownFields(res, errors);
    throw patchDoesNotDecode(patched, `strict decoding error: ${errors.join(', ')}`);
  };
}

/** A patch body's own strict errors (see patchedChecker). */
function patchStrictErrors(type: string, body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const bytes = Buffer.from(body, 'utf8');
  if (type === 'application/json-patch+json') return jsonPatchStrictErrors(bytes, parsed);
  return strictDecodingErrors([], scanDuplicates(bytes, parsed));
}

/**
 * Server-side apply of a configuration with fields its kind does not have, or values of the wrong
 * type, fails whatever `fieldValidation` says: kube-apiserver's field manager cannot make it a
 * typed object (managedfields structuredmerge.go, "field not declared in schema"), and no layer
 * turns that error into a Status, so it is a 500 with no reason, listing every error
 * (validation/json-types.ts applyErrors). A body that does not parse is left to the store's own
 * error.
 */
function checkApplied(route: ResourceRoute, q: URLSearchParams, body: string): void {
  let applied: unknown;
  try {
    applied = parseYaml(body, REQUEST_YAML);
  } catch {
    return;
  }
  // patch.go applyPatcher: Strict refuses a configuration with a key repeated in one map, in
  // sigs.k8s.io/yaml UnmarshalStrict's words (Warn's warning would span lines, which
  // kube-apiserver drops). Upstream checks after applying, so an apply that fails otherwise
  // reports that first; here this 400 comes first (docs/architecture.md).
  const repeatedKeys = fieldValidation(q) === 'Strict' ? yamlDuplicateKeys(body) : undefined;
  if (repeatedKeys) throw badRequest(`error strict decoding YAML: error converting YAML to JSON: ${repeatedKeys}`);
  if (applied === null || typeof applied !== 'object' || Array.isArray(applied)) return;
  const errors = applyErrors(groupVersion(route.info), route.info.kind, applied);
  if (errors.length === 0) return;
  const meta = (applied as KubeObject).metadata;
  throw typedPatchFailed(route.info, typeof meta === 'object' && meta !== null ? meta : {}, errors);
}

/** Serves one request on a resource route. Throws ApiError for every failure answer. */
export async function handleResource(
  ctx: ResourceHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  q: URLSearchParams,
  verb: string,
): Promise<void> {
  const { store } = ctx;
  const { info, namespace: ns, name, subresource } = route;
  // Every verb on a deprecated kind warns, failures included (installer.go AddWarningsHandler).
  if (info.deprecationWarning) addWarnings(res, [info.deprecationWarning]);
  // A namespaced object needs its namespace in the URL; only collection reads span namespaces.
  if (info.namespaced && ns === undefined && verb !== 'list' && verb !== 'watch') throw methodNotAllowed();
  // A review serves POST alone.
  if (info.isReview && verb !== 'create') throw methodNotAllowed();
  const sub = subresource === 'status' ? 'status' : undefined;
  if (verb === 'watch') return startWatch(ctx, res, route, q, req.headers);
  // The answer's form is settled first: a 406 reads no body and writes nothing.
  const output = negotiateOutput(req.headers.accept, q, req.headers['user-agent']);
  switch (verb) {
    case 'get': {
      const opts: MemoryGetOptions = { ...optionalRV(q), isShared: true };
      const obj = await readFresh(store, opts.resourceVersion, true, () => store.get(info, ns, name!, opts));
      if (output.table) return sendObjectTable(res, ctx.clock, info, obj, output.table, q);
      return sendOutput(res, 200, output, storedJson(obj));
    }
    case 'list': {
      const opts: MemoryListOptions = { ...listOptionsFrom(q, ns), isShared: true };
      // A list the watch cache serves waits for its version. Exact, continued and legacy exact
      // (a limit without a match) lists do not: kube-apiserver 1.33 hands them to etcd, which
      // answers at once (cacher/delegator ShouldDelegateList).
      const mayWait = opts.resourceVersionMatch !== 'Exact' && !opts.continue && !((opts.limit ?? 0) > 0 && !opts.resourceVersionMatch);
      const list = await readFresh(store, opts.resourceVersion, mayWait, () => store.list(info, opts));
      if (output.table) return sendListTable(res, ctx.clock, info, list, output.table, q);
      return sendOutput(res, 200, output, listJson(list));
    }
    case 'create': {
      const body = await readBodyBytes(req);
      const parsed = parseBody(body, req.headers['content-type']);
      const duplicates = duplicatesOf(q, body, parsed, req.headers['content-type']);
      const obj = asObject(route, parsed);
      checkUnknownFields(res, route, q, obj, body, duplicates, req.headers['content-type']);
      alignWithUrl(route, obj);
      const opts: MemoryWriteOptions = { ...writeOptionsFrom(q, req.headers['user-agent']), isHandedOver: true, isDecoded: true };
      if (info.isReview) return sendOutput(res, 201, output, JSON.stringify(answerReview(info, obj, { fieldManager: opts.fieldManager, now: formatTimestamp(ctx.clock.now()) })));
      return sendWritten(res, 201, store.create(info, ns, obj, opts), opts.dryRun, output);
    }
    case 'update': {
      const body = await readBodyBytes(req);
      const parsed = parseBody(body, req.headers['content-type']);
      const duplicates = duplicatesOf(q, body, parsed, req.headers['content-type']);
      const obj = asObject(route, parsed);
      checkUnknownFields(res, route, q, obj, body, duplicates, req.headers['content-type']);
      alignWithUrl(route, obj, name);
      const opts = writeOptionsFrom(q, req.headers['user-agent'], 'UpdateOptions');
      if (subresource === 'finalize') return sendOutput(res, 200, output, JSON.stringify(finalize(store, route, obj, opts)));
      const handedOver: MemoryWriteOptions & { subresource?: 'status' } = { ...opts, subresource: sub, isHandedOver: true, isDecoded: true };
      const out = store.update(info, ns, name!, obj, handedOver);
      return sendWritten(res, out.created ? 201 : 200, out.object, opts.dryRun, output);
    }
    case 'patch': {
      const type = patchTypeFrom(req.headers['content-type']);
      const opts = patchOptionsFrom(q, type, req.headers['user-agent']);
      const body = await readBody(req);
      const isApply = type === 'application/apply-patch+yaml';
      if (isApply) checkApplied(route, q, body);
      const checkPatched = isApply ? undefined : patchedChecker(res, route, q, type, body);
      const handedOver: MemoryWriteOptions & { subresource?: 'status' } = { ...opts, subresource: sub, isHandedOver: true, checkPatched };
      const out = store.patch(info, ns, name!, type, body, handedOver);
      return sendWritten(res, out.created ? 201 : 200, out.object, opts.dryRun, output);
    }
    case 'delete': {
      const body = parseBody(await readBodyBytes(req), req.headers['content-type']);
      const opts = deleteOptionsFrom(q, body);
      const answer = store.delete(info, ns, name!, opts);
      // 202 when the request set orphanDependents to false and the object stays (finalizers, a
      // graceful pod): delete.go keeps this legacy answer for old clients, and only for them.
      const isKept = () => (opts.dryRun ? answer.kind !== 'Status' && !!(answer as KubeObject).metadata?.deletionTimestamp : isStored(store, info, ns, name!));
      return sendOutput(res, asksCascadeWithOrphanDependents(q, body) && isKept() ? 202 : 200, output, JSON.stringify(answer));
    }
    case 'deletecollection':
      if (info.noDeleteCollection) throw methodNotAllowed();
      return sendOutput(res, 200, output, JSON.stringify(deleteCollection(store, route, q, parseBody(await readBodyBytes(req), req.headers['content-type']))));
    default:
      throw methodNotAllowed();
  }
}

/**
 * Answers a write with the object it stored: the text the store remembered for it (the watch
 * events of the write carry the same), or, for a dry run (nothing stored), the object serialised.
 */
function sendWritten(res: ServerResponse, code: number, obj: KubeObject, isDryRun: boolean | undefined, output: Output): void {
  sendOutput(res, code, output, isDryRun ? JSON.stringify(obj) : storedJsonBytes(obj));
}

/**
 * Runs a read. When it is a 504 for a resourceVersion the store has not reached yet and the read
 * `mayWait`, it is run again once the version arrives, or after 3 s (watch_cache.go
 * waitUntilFreshAndBlock). A read that is wrong otherwise (a bad selector, a bad option) fails at
 * once, as kube-apiserver validates before it waits.
 */
async function readFresh<T>(store: Store, rv: string | undefined, mayWait: boolean, read: () => T): Promise<T> {
  try {
    return read();
  } catch (err) {
    const isTooLarge = err instanceof ApiError && err.code === 504 && err.status.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge') === true;
    if (!mayWait || !isTooLarge) throw err;
  }
  await store.whenReached(rv, FRESHNESS_WAIT_MS);
  return read();
}

function optionalRV(q: URLSearchParams): { resourceVersion?: string } {
  const rv = q.get('resourceVersion');
  return rv ? { resourceVersion: rv } : {};
}

/**
 * PUT namespaces/{name}/finalize: replaces only spec.finalizers, keeping everything else as
 * stored (pkg/registry/core/namespace/storage/storage.go, FinalizeREST).
 */
function finalize(store: Store, route: ResourceRoute, obj: KubeObject, opts: ReturnType<typeof writeOptionsFrom>): KubeObject {
  const current = store.get(route.info, undefined, route.name!);
  const spec = { ...((current.spec as Record<string, unknown> | undefined) ?? {}) };
  const finalizers = (obj.spec as { finalizers?: unknown } | undefined)?.finalizers;
  if (finalizers === undefined) delete spec.finalizers;
  else spec.finalizers = finalizers;
  const next: KubeObject = { ...current, spec };
  if (obj.metadata.resourceVersion) next.metadata = { ...current.metadata, resourceVersion: obj.metadata.resourceVersion };
  return store.update(route.info, undefined, route.name!, next, opts).object;
}

/** Whether the object is still stored (after a delete that may have left it terminating). */
function isStored(store: Store, info: ResourceRoute['info'], ns: string | undefined, name: string): boolean {
  try {
    store.get(info, ns, name, { isShared: true } as MemoryGetOptions);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return false;
    throw e;
  }
}

/** DELETE on a collection: deletes every object the selectors match and returns them as a list. */
function deleteCollection(store: Store, route: ResourceRoute, q: URLSearchParams, body: unknown): object {
  const { info, namespace } = route;
  const opts = deleteOptionsFrom(q, body);
  const listed = store.list(info, listOptionsFrom(q, namespace));
  const items: KubeObject[] = [];
  for (const obj of listed.items) {
    try {
      const out = store.delete(info, obj.metadata.namespace, obj.metadata.name ?? '', opts);
      items.push('kind' in out && out.kind === 'Status' ? obj : (out as KubeObject));
    } catch (e) {
      // Deleted by someone else between the list and the delete: already done.
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  return { kind: info.listKind, apiVersion: groupVersion(info), metadata: { resourceVersion: store.currentResourceVersion() }, items };
}

function startWatch(ctx: ResourceHandlerContext, res: ServerResponse, route: ResourceRoute, q: URLSearchParams, headers: IncomingMessage['headers']): void {
  const { info, name } = route;
  const { opts, timeoutSeconds } = watchOptionsFrom(q, route.namespace);
  if (name !== undefined) {
    // The deprecated /watch/…/{name} form watches one object.
    const byName = `metadata.name=${name}`;
    opts.fieldSelector = opts.fieldSelector ? `${opts.fieldSelector},${byName}` : byName;
  }
  // A streaming list (initial events, then a bookmark) cannot be a Table.
  const table = negotiateOutput(headers.accept, q, headers['user-agent'], true, opts.sendInitialEvents === true && opts.allowWatchBookmarks === true).table;
  const tableWatch = table && tableWatchOf(table, q);
  const stream: WatchStream = new WatchStream(res, {
    ...ctx.watchDefaults,
    kind: info.kind,
    apiVersion: groupVersion(info),
    // 0 means "the server's default", as in kube-apiserver's watch handler.
    timeoutMs: timeoutSeconds ? timeoutSeconds * 1000 : ctx.defaultWatchTimeoutMs(),
    allowBookmarks: opts.allowWatchBookmarks === true,
    onDone: () => ctx.watches.delete(stream),
  });
  ctx.watches.add(stream);
  let handle;
  try {
    handle = ctx.store.watch(info, opts, tableWatch ? tableWatchSink(stream, ctx.clock, info, tableWatch) : stream);
  } catch (e) {
    if (e instanceof ApiError && e.code === 410) {
      stream.failAtStart(e.status);
      return;
    }
    ctx.watches.delete(stream);
    throw e;
  }
  stream.begin(handle);
}
