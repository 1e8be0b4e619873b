/**
 * Lists: the ListOptions rules of apimachinery/pkg/apis/meta/internalversion/validation
 * (ValidateListOptions; a violation is 422 on `ListOptions.meta.k8s.io ""`), resourceVersion and
 * resourceVersionMatch, and limit/continue pages served from a snapshot taken by the first page,
 * so every page shows the same resourceVersion whatever is written in between.
 */
import type { KubeList, KubeObject, StatusCause, WatchEvent } from '../api-types/meta.js';
import { badRequest, expired, invalid } from './errors.js';
import { InvalidContinueTokenError, LATEST, decodeContinue, encodeContinue } from './continue-token.js';
import { parseFieldSelector } from './field-selectors.js';
import { SelectorError, parseLabelSelector } from './selectors.js';
import { type ResourceInfo, groupVersion } from './resources.js';
import type { MemoryStore } from './store.js';
import type { ListOptions, WatchOptions } from './types.js';
import { cloneJson } from './store-meta.js';
import { bookmarkEvent, eventFor } from './store-watch.js';

/** The same 410 when no such token can be made (a token without its last key): etcd3's continueExpired. */
export const CONTINUE_EXPIRED_NO_TOKEN_MESSAGE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

/** An object's place in list order: namespace, NUL, name (itemsAt sorts by it). */
function listKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}\u0000${obj.metadata.name}`;
}

const LIST_OPTIONS = { group: 'meta.k8s.io', kind: 'ListOptions' };
const MAX_SNAPSHOTS = 256;

/**
 * The 410 a stale continue token gets, with a token that resumes at the latest version
 * (apiserver/pkg/storage/etcd3/errors.go, inconsistentContinue).
 */
export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

const forbiddenCause = (field: string, message: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${message}` });

/** The predicate of a list or watch: namespace, label selector and field selector; 400 on a bad selector. */
export function objectSelector(r: ResourceInfo, namespace: string | undefined, labelSelector?: string, fieldSelector?: string): (obj: KubeObject) => boolean {
  try {
    const labels = parseLabelSelector(labelSelector ?? '');
    const fields = parseFieldSelector(r, fieldSelector ?? '');
    const ns = r.namespaced ? namespace : undefined;
    return (obj) => (ns === undefined || obj.metadata.namespace === ns) && labels.matches(obj.metadata.labels) && fields.matches(obj);
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

/** Validates list options as ValidateListOptions does for a list; 422 when violated. */
export function validateListOptions(opts: ListOptions): void {
  const causes: StatusCause[] = [];
  const match = opts.resourceVersionMatch as string | undefined;
  if (match) {
    if (!opts.resourceVersion) causes.push(forbiddenCause('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (opts.continue) causes.push(forbiddenCause('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      causes.push({ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""` });
    }
    if (match === 'Exact' && opts.resourceVersion === '0') {
      causes.push(forbiddenCause('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (causes.length > 0) throw invalid(LIST_OPTIONS, '', causes);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 0)) throw badRequest(`limit: Invalid value: ${opts.limit}: must be a non-negative integer`);
}

/** Validates watch options as ValidateListOptions does for a watch; 422 when violated. */
export function validateWatchOptions(opts: WatchOptions): void {
  const causes: StatusCause[] = [];
  const match = opts.resourceVersionMatch as string | undefined;
  if (opts.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    causes.push(forbiddenCause('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match) {
    if (opts.sendInitialEvents === undefined) {
      causes.push(forbiddenCause('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') {
      causes.push({ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${match}": supported values: "NotOlderThan"` });
    }
  }
  if (causes.length > 0) throw invalid(LIST_OPTIONS, '', causes);
}

function listItem(obj: KubeObject): KubeObject {
  const copy = cloneJson(obj);
  // Built-in types' list items carry no kind/apiVersion.
  delete copy.kind;
  delete copy.apiVersion;
  return copy;
}

/**
 * Answers one list request.
 *
 * 1. A continue token: serve the next page of its snapshot (400 with a resourceVersion). Once the
 *    snapshot is gone, 410 with a token that resumes after the last item served at the latest
 *    version; that token lists the current state from there, in a new snapshot.
 * 2. Otherwise choose the state: Exact N reconstructs the state at N (410 when compacted); any
 *    other resourceVersion is served from the current state (never older than asked).
 * 3. Filter by selectors; cut the first page; keep the rest as a snapshot behind a token.
 */
export function listPage(
  store: MemoryStore,
  r: ResourceInfo,
  opts: ListOptions,
  matches: (obj: KubeObject) => boolean,
  stateAt: (exactRV?: number) => KubeObject[],
  isShared = false,
): KubeList {
  const limit = opts.limit ?? 0;
  let items: KubeObject[];
  let rv: number;
  let offset = 0;
  let snapshotId = 0;
  // 1.
  if (opts.continue) {
    if (opts.resourceVersion && opts.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    let pos;
    try {
      pos = decodeContinue(opts.continue);
    } catch (err) {
      if (err instanceof InvalidContinueTokenError) throw badRequest(err.message);
      throw err;
    }
    if (pos.resourceVersion === LATEST) {
      const after = pos.lastKey as string;
      items = stateAt().filter((obj) => listKey(obj) > after && matches(obj));
      rv = store.currentRV();
    } else {
      const snap = store.snapshots.get(pos.snapshotId);
      if (!snap || snap.rv !== pos.resourceVersion || snap.expiresAtMs <= store.clock.now().getTime()) {
        store.snapshots.delete(pos.snapshotId);
        if (pos.lastKey === undefined) throw expired(CONTINUE_EXPIRED_NO_TOKEN_MESSAGE);
        const err = expired(CONTINUE_EXPIRED_MESSAGE);
        err.status.metadata.continue = encodeContinue({ resourceVersion: LATEST, snapshotId: 0, offset: 0, lastKey: pos.lastKey });
        throw err;
      }
      ({ items, rv } = snap);
      offset = pos.offset;
      snapshotId = pos.snapshotId;
    }
  } else {
    // 2.
    let exact: number | undefined;
    if (opts.resourceVersion && opts.resourceVersion !== '0') {
      const n = store.parseRV(opts.resourceVersion);
      if (opts.resourceVersionMatch === 'Exact') exact = n;
    }
    // 3.
    items = stateAt(exact).filter(matches);
    rv = exact ?? store.currentRV();
  }
  const end = limit > 0 ? Math.min(items.length, offset + limit) : items.length;
  const list: KubeList = {
    apiVersion: groupVersion(r),
    kind: r.listKind,
    metadata: { resourceVersion: String(rv) },
    // Shared: the stored objects, for a caller that serialises them with listJson.
    items: isShared ? items.slice(offset, end) : items.slice(offset, end).map(listItem),
  };
  if (end < items.length) {
    if (!snapshotId) {
      snapshotId = store.nextSnapshotId++;
      store.snapshots.set(snapshotId, { rv, items, expiresAtMs: store.clock.now().getTime() + store.continueTTLSeconds * 1000 });
      // Bounded: the oldest snapshots (first in insertion order) go first.
      for (const id of store.snapshots.keys()) {
        if (store.snapshots.size <= MAX_SNAPSHOTS) break;
        store.snapshots.delete(id);
      }
    }
    list.metadata.continue = encodeContinue({ resourceVersion: rv, snapshotId, offset: end, lastKey: listKey(items[end - 1]) });
    list.metadata.remainingItemCount = items.length - end;
  }
  return list;
}

/**
 * Objects of `r` (in `namespace` when given) sorted by namespace then name, at the
 * current RV or reconstructed at `atRV` from the history (410 when compacted).
 */
export function itemsAt(store: MemoryStore, r: ResourceInfo, namespace: string | undefined, atRV?: number): KubeObject[] {
  const bucket = store.bucket(r);
  const nsFilter = r.namespaced ? namespace : undefined;
  if (atRV === undefined || atRV === store.currentRV()) {
    if (!bucket) return [];
    const namespaces = nsFilter !== undefined ? [nsFilter] : [...bucket.keys()].sort(compare);
    const out: KubeObject[] = [];
    for (const ns of namespaces) {
      const names = bucket.get(ns);
      if (!names) continue;
      for (const name of [...names.keys()].sort(compare)) out.push(names.get(name) as KubeObject);
    }
    return out;
  }
  const state = new Map<string, KubeObject>();
  for (const [ns, names] of bucket ?? []) {
    if (nsFilter !== undefined && ns !== nsFilter) continue;
    for (const [name, obj] of names) state.set(`${ns}\u0000${name}`, obj);
  }
  const changes = store.history(r).since(atRV);
  for (let i = changes.length - 1; i >= 0; i--) {
    const e = changes[i];
    const ns = e.object.metadata.namespace ?? '';
    if (nsFilter !== undefined && ns !== nsFilter) continue;
    const key = `${ns}\u0000${e.object.metadata.name}`;
    if (e.prev) state.set(key, e.prev);
    else state.delete(key);
  }
  return [...state.keys()].sort(compare).map((k) => state.get(k) as KubeObject);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What a new watch sends before live changes: with no resourceVersion, "0" or sendInitialEvents,
 * an ADDED per matching object (and, for a streaming list with bookmarks, the initial-events-end
 * BOOKMARK); from "N", every retained change after N (410 when forgotten, 504 from the future).
 */
export function initialWatchEvents(store: MemoryStore, r: ResourceInfo, opts: WatchOptions, matches: (obj: KubeObject) => boolean): WatchEvent[] {
  const rv = opts.resourceVersion;
  const initial: WatchEvent[] = [];
  const fromNow = rv === undefined || rv === '' || rv === '0';
  if (opts.sendInitialEvents === true || fromNow) {
    if (!fromNow) store.parseRV(rv);
    if (opts.sendInitialEvents !== false) {
      // Stored objects are frozen: every watcher can share them.
      for (const obj of itemsAt(store, r, opts.namespace)) if (matches(obj)) initial.push({ type: 'ADDED', object: obj });
    }
    if (opts.sendInitialEvents === true && opts.allowWatchBookmarks) {
      initial.push(bookmarkEvent(r.kind, groupVersion(r), store.currentRV(), true));
    }
    return initial;
  }
  for (const entry of store.history(r).since(store.parseRV(rv))) {
    const ev = eventFor(entry, matches);
    if (ev) initial.push(ev);
  }
  return initial;
}
