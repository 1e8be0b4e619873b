/**
 * metadata.managedFields: decoding and encoding the entries (managedfields.go), the identity of
 * a manager, the fields no manager ever owns (stripmeta.go, plus the status/spec split of the
 * status subresource), and recording an Update-operation entry for a non-apply write
 * (`recordUpdate`, the managedFieldsUpdater and structured-merge-diff's Updater.Update).
 */
import type { KubeObject, ManagedFieldsEntry } from '../../api-types/meta.js';
import { encodeCreatedFields, SERVER_SET_METADATA } from './created-fields.js';
import { FieldSet, type FieldPath } from './field-set.js';
import { isObject, jsonEqual, type JsonObject } from './json-value.js';
import { schemaFor } from './merge-keys.js';
import { compareValues } from './typed-value.js';

/** One manager's decoded entry. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

/**
 * The identity of a manager (BuildManagerIdentifier): name, operation and subresource, plus the
 * apiVersion for Update entries (appliers keep one entry whatever version they apply with).
 */
export function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Update' ? m.apiVersion : '', m.subresource ?? '']);
}

/** Decodes metadata.managedFields; entries that cannot be decoded are dropped. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Manager[] {
  const out: Manager[] = [];
  for (const e of entries ?? []) {
    if ((e.operation !== 'Apply' && e.operation !== 'Update') || !e.apiVersion || e.fieldsType !== 'FieldsV1') continue;
    let fields: FieldSet;
    try {
      fields = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch {
      continue;
    }
    const m: Manager = { manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion, fields };
    if (e.time) m.time = e.time;
    if (e.subresource) m.subresource = e.subresource;
    out.push(m);
  }
  return out;
}

/**
 * Encodes managers, dropping those that own nothing, sorted as sortEncodedManagedFields does:
 * by operation (Apply first), time (seconds), manager, apiVersion, subresource.
 */
export function encodeManagedFields(managers: readonly Manager[]): ManagedFieldsEntry[] {
  const kept = managers.filter(isOwningAny);
  if (kept.length > 1) kept.sort(compareManagers);
  const out: ManagedFieldsEntry[] = new Array(kept.length);
  for (let i = 0; i < kept.length; i++) out[i] = encodeEntry(kept[i], kept[i].fields.toFieldsV1());
  return out;
}

// Module-level rather than closures: recording runs on every write with a field manager.
function isOwningAny(m: Manager): boolean {
  return !m.fields.isEmpty();
}

function compareManagers(p: Manager, q: Manager): number {
  return compareText(p.operation, q.operation) || toEpochSeconds(p.time) - toEpochSeconds(q.time) || compareText(p.manager, q.manager)
    || compareText(p.apiVersion, q.apiVersion) || compareText(p.subresource ?? '', q.subresource ?? '');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Whole seconds since the epoch (0 when absent or unparseable), as entries are ordered by time.
function toEpochSeconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) || 0 : 0;
}

// One entry, its keys in the order the API server writes them.
function encodeEntry(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'time' | 'subresource'>, fieldsV1: JsonObject): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
  if (m.time) e.time = m.time;
  e.fieldsType = 'FieldsV1';
  e.fieldsV1 = fieldsV1;
  if (m.subresource) e.subresource = m.subresource;
  return e;
}

/**
 * How a conflict message names a manager (printManager in managedfields' conflict.go). It prints
 * the manager's identifier, which BuildManagerIdentifier builds without the entry's time, so no
 * time is ever printed, though printManager has a branch for one.
 */
export function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** RFC 3339 at second precision, as metav1.Time serializes. Unparseable input is kept. */
export function toSeconds(time: string): string {
  // Writes within one second share their timestamp: the last one converted is kept.
  if (time === lastTime) return lastSeconds;
  const ms = Date.parse(time);
  const seconds = Number.isNaN(ms) ? time : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  lastTime = time;
  lastSeconds = seconds;
  return seconds;
}

let lastTime = '';
let lastSeconds = '';

/**
 * Drops from `set` what no manager may own: apiVersion, kind and server-set metadata; and the
 * fields the request's endpoint resets (ResetFieldsStrategy): status on the main resource,
 * everything but metadata and status on the status subresource.
 */
export function ownableFields(set: FieldSet, subresource?: 'status'): FieldSet {
  return set.filter(subresource === 'status' ? isOwnableOnStatus : isOwnableOnMain);
}

// Shared by both endpoints: apiVersion, kind and server-set metadata are never owned.
function isOwnableMeta(p: FieldPath): boolean | undefined {
  const top = p[0];
  if (top === 'f:apiVersion' || top === 'f:kind') return false;
  if (top === 'f:metadata') return p.length > 1 && !SERVER_SET_METADATA.has(p[1].slice(2));
  return undefined;
}

function isOwnableOnMain(p: FieldPath): boolean {
  return isOwnableMeta(p) ?? p[0] !== 'f:status';
}

// The status strategies reset spec (pods also some metadata, which the store restores, so it
// never shows up as changed); metadata such as labels may change through /status.
function isOwnableOnStatus(p: FieldPath): boolean {
  return isOwnableMeta(p) ?? p[0] === 'f:status';
}

/**
 * Records a non-apply write (create, update, or a JSON/merge/strategic patch) by `manager` in
 * `next.metadata.managedFields` and returns the new object; inputs are not mutated.
 * 1. If the write sets managedFields itself, those are taken as given (`[]` clears them all),
 *    except on /status. Never call this after an apply patch: the apply already recorded it.
 * 2. An existing object that has no managedFields stays untracked (skipnonapplied.go).
 * 3. Fields the write changed or added move to the manager's Update entry for `apiVersion`
 *    (other managers lose them: an update always forces); removed fields leave every entry.
 * 4. The entry's time becomes `now` only when the write changed a field.
 * 5. Past 10 Update entries, the oldest merge into `ancient-changes` (capmanagers.go).
 * @param previous the stored object, or undefined for a create.
 * @param manager the fieldManager (callers default it from the user agent, as Kubernetes does).
 * @param apiVersion the group/version written through, e.g. `v1` or `discovery.k8s.io/v1`.
 * @param now the request time, RFC 3339 (stored at second precision).
 * @param subresource `status` for writes to /status.
 */
export function recordUpdate(
  previous: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  apiVersion: string,
  now: string,
  subresource?: 'status',
): KubeObject {
  // Only metadata.managedFields changes: a shallow copy keeps the input as it was.
  const out: KubeObject = { ...next, metadata: { ...next.metadata } };
  const previousEntries = previous?.metadata?.managedFields;
  const nextEntries = next.metadata?.managedFields;
  // 1. (decodeLiveOrNew: a /status write cannot set managedFields; undecodable ones are ignored.)
  const userSet = !subresource && nextEntries !== undefined && !jsonEqual(nextEntries, previousEntries)
    && (nextEntries.length === 0 || decodeManagedFields(nextEntries).length > 0);
  if (userSet && nextEntries.length === 0) {
    delete out.metadata.managedFields;
    return out;
  }
  // 2.
  if (previous && !userSet && (previousEntries ?? []).length === 0) {
    delete out.metadata.managedFields;
    return out;
  }
  // 3.
  const managers = decodeManagedFields(userSet ? nextEntries : previousEntries);
  const schema = schemaFor(next.kind ?? previous?.kind);
  // A create that finds no entries to take from: every field it sets is the writer's, encoded
  // in one walk (what the general path below would compute, far cheaper).
  if (!previous && managers.length === 0 && (next.metadata === undefined || next.metadata === null || isObject(next.metadata))) {
    const fieldsV1 = encodeCreatedFields(next as unknown as JsonObject, schema, subresource);
    if (Object.keys(fieldsV1).length > 0) out.metadata.managedFields = [encodeEntry({ manager, operation: 'Update', apiVersion, time: toSeconds(now), subresource }, fieldsV1)];
    else delete out.metadata.managedFields;
    return out;
  }
  const diff = compareValues(withoutManagedFields(previous), withoutManagedFields(next), schema);
  const changed = ownableFields(diff.modified.union(diff.added), subresource);
  const removed = ownableFields(diff.removed, subresource);
  const self = { manager, operation: 'Update' as const, apiVersion, subresource };
  const id = managerId(self);
  let mine = managers.find((m) => managerId(m) === id);
  for (const m of managers) m.fields = m.fields.difference(changed).difference(removed);
  if (!changed.isEmpty()) {
    if (!mine) {
      mine = { ...self, fields: new FieldSet() };
      if (!subresource) delete mine.subresource;
      managers.push(mine);
    }
    mine.fields = mine.fields.union(changed);
    // 4.
    mine.time = toSeconds(now);
  }
  // 5. (encodeManagedFields drops managers left owning nothing.)
  const encoded = encodeManagedFields(capUpdateManagers(managers.filter((m) => !m.fields.isEmpty())));
  if (encoded.length > 0) out.metadata.managedFields = encoded;
  else delete out.metadata.managedFields;
  return out;
}

function withoutManagedFields(o: KubeObject | undefined): unknown {
  if (!o) return undefined;
  const { managedFields: _m, ...metadata } = o.metadata ?? {};
  return { ...o, metadata };
}

/** The most Update entries an object keeps (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;

/**
 * Merges the oldest Update entries, per apiVersion, into an `ancient-changes` entry until at
 * most `max` Update entries remain (capUpdateManagers). The bucket takes the time of the latest
 * entry merged into it.
 */
export function capUpdateManagers(managers: Manager[], max = MAX_UPDATE_MANAGERS): Manager[] {
  const updaters = managers.filter((m) => m.operation === 'Update');
  if (updaters.length <= max) return managers;
  const seconds = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
  updaters.sort((a, b) => seconds(a.time) - seconds(b.time) || (managerId(a) < managerId(b) ? -1 : 1));
  const dropped = new Set<Manager>();
  const firstByVersion = new Map<string, Manager>();
  const buckets = new Map<string, Manager>();
  let count = updaters.length;
  for (const m of updaters) {
    if (count <= max) break;
    const first = firstByVersion.get(m.apiVersion);
    if (!first) {
      firstByVersion.set(m.apiVersion, m);
      continue;
    }
    let bucket = buckets.get(m.apiVersion);
    if (!bucket) {
      bucket = { manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion, fields: first.fields };
      if (first.time) bucket.time = first.time;
      buckets.set(m.apiVersion, bucket);
      dropped.add(first);
    }
    bucket.fields = bucket.fields.union(m.fields);
    if (m.time) bucket.time = m.time;
    dropped.add(m);
    count--;
  }
  return [...managers.filter((m) => !dropped.has(m)), ...buckets.values()];
}
