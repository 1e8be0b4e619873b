/**
 * Server-side apply (application/apply-patch+yaml), after structured-merge-diff's
 * merge/update.go (Updater.Apply, prune, update) and the API server's fieldmanager
 * (apimachinery/pkg/util/managedfields/internal). See docs/decisions/003-server-side-apply.md
 * for where this differs from Kubernetes.
 */
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api-types/meta.js';
import { badRequest, unclassifiedError } from '../errors.js';
import { groupVersion, type ResourceInfo } from '../resources.js';
import { applyConflict, type ApplyConflict } from './errors.js';
import { FieldSet } from './field-set.js';
import { pathString } from './path-string.js';
import { canonicalJson, cloneJson, isObject, jsonEqual, type JsonObject } from './json-value.js';
import {
  decodeManagedFields, encodeManagedFields, managerId, ownableFields, printManager, toSeconds, type Manager,
} from './managed-fields.js';
import { schemaFor, type MapSchema } from './merge-keys.js';
import { InvalidTypedValue, compareValues, mergeApplied, removeFields, toFieldSet } from './typed-value.js';

/**
 * How request YAML is parsed: a client's odd YAML (an unknown directive) must not print Node
 * warnings on the server's stderr; errors still throw. A key given twice in one map keeps its
 * last value, as sigs.k8s.io/yaml's lenient YAMLToJSON keeps it; `fieldValidation=Strict`
 * refuses such a body separately (http/duplicate-fields.ts yamlDuplicateKeys).
 */
export const REQUEST_YAML = { logLevel: 'error', uniqueKeys: false } as const;

/** Options of one apply. */
export interface ApplyOptions {
  /** The fieldManager; required (index.ts answers 422 without it). */
  fieldManager: string;
  /** Take fields owned by other managers instead of failing with 409. @default false */
  force?: boolean;
  /** The request time, RFC 3339. */
  now: string;
  subresource?: 'status';
}

/** Decodes an apply body (YAML or JSON) into an object; 400 when it is not a YAML map. */
export function decodeApplyBody(body: string): JsonObject {
  let parsed: unknown;
  try {
    // Most clients send JSON (client-node always does); JSON is YAML, and parses far faster.
    parsed = JSON.parse(body);
  } catch {
    try {
      parsed = parseYaml(body, REQUEST_YAML);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isObject(parsed)) {
    throw badRequest(`error decoding YAML: json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type map[string]interface {}`);
  }
  return parsed;
}

/**
 * Applies `config` for `opts.fieldManager` to `current` (undefined: create) and returns the new
 * object with metadata.managedFields updated; `current` is not mutated.
 * 1. Check the configuration names the resource's apiVersion and kind (400 otherwise).
 * 2. Decode the owners; an existing object without managedFields gets a `before-first-apply`
 *    Update owner of everything it holds (skipnonapplied.go), so a first apply can conflict.
 * 3. Merge the configuration into the live object; the applier now owns exactly what it sets.
 * 4. Prune: fields the applier set last time and no longer sets are removed, unless another
 *    manager (or the applier's new set) owns them or something below them.
 * 5. Compare live and merged: a changed or added field owned by another manager is a conflict
 *    (409 unless force; force moves it to the applier). Manager `kubectl` may take the fields
 *    its last-applied annotation still matches without a conflict. Removed fields leave every
 *    owner.
 * 6. If nothing changed, the object is returned as it was; otherwise the applier's time is now.
 * 7. An apply by manager `kubectl` refreshes an existing client-side-apply annotation
 *    (lastappliedupdater.go), so a later client-side apply diffs against this configuration.
 */
export function serverSideApply(r: ResourceInfo, current: KubeObject | undefined, config: JsonObject, opts: ApplyOptions): KubeObject {
  // 1.
  const gv = groupVersion(r);
  const apiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  if (apiVersion !== gv) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${apiVersion}, expected: ${gv}`);
  }
  if (config.kind !== r.kind) {
    const kind = typeof config.kind === 'string' ? config.kind : '';
    const gvk = `${r.group}/${r.version}, Kind=${kind}`;
    throw badRequest(`failed to create typed patch object (${gvknn(r, config).replace(/; .*$/, '')}; ${gvk}): no corresponding type for ${gvk}`);
  }
  if (config.metadata !== undefined && config.metadata !== null && !isObject(config.metadata)) {
    throw badRequest('error decoding YAML: metadata must be a map');
  }
  if (isObject(config.metadata) && config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const schema = schemaFor(r.kind);
  const now = toSeconds(opts.now);
  const live: JsonObject = current ? withoutManagedFields(current) : {};
  const applyConfig = withoutManagedFields(config);

  // 2.
  let managers: Manager[] = decodeManagedFields(current?.metadata?.managedFields);
  if (current && managers.length === 0) {
    const owned = ownableFields(toFieldSet(live, schema, true), opts.subresource);
    if (!owned.isEmpty()) {
      managers = [{ manager: 'before-first-apply', operation: 'Update', apiVersion: gv, time: now, fields: owned }];
    }
  }

  // 3.
  const self: Manager = { manager: opts.fieldManager, operation: 'Apply', apiVersion: gv, fields: new FieldSet() };
  if (opts.subresource) self.subresource = opts.subresource;
  const id = managerId(self);
  const previous = managers.find((m) => managerId(m) === id);
  const others = managers.filter((m) => m !== previous);
  let merged: JsonObject;
  try {
    self.fields = ownableFields(toFieldSet(applyConfig, schema), opts.subresource);
    merged = mergeApplied(live, applyConfig, schema) as JsonObject;
  } catch (e) {
    if (!(e instanceof InvalidTypedValue)) throw e;
    // Upstream returns a plain error here, which no layer turns into a Status: a 500 with no
    // reason and the error's own text (responsewriters ErrorToAPIStatus), as for an unknown field.
    throw unclassifiedError(`failed to create typed patch object (${gvknn(r, config)}): ${e.message}`);
  }
  if (previous?.time) self.time = previous.time;

  // 4.
  if (previous) {
    const owned = others.reduce((acc, m) => acc.union(m.fields), self.fields);
    const candidates = previous.fields.difference(self.fields).paths().filter((p) => !owned.hasAtOrBelow(p));
    merged = removeFields(merged, FieldSet.fromPaths(candidates), schema);
  }

  // 5.
  const diff = compareValues(live, merged, schema);
  const removed = ownableFields(diff.removed, opts.subresource);
  // Upstream compares a value with the applied null as modified, so nulling another manager's
  // field is a conflict like changing it.
  const changed = ownableFields(diff.modified.union(diff.added), opts.subresource).union(removed.intersection(self.fields));
  const lost = new Map(others.map((m) => [m, m.fields.intersection(changed)]));
  let force = opts.force === true;
  if (!force && [...lost.values()].some((l) => !l.isEmpty())) {
    // lastappliedmanager.go: kubectl taking over from client-side apply may take the fields its
    // last-applied configuration still matches without a conflict.
    const allowed = opts.fieldManager === 'kubectl' && current ? fieldsStillLastApplied(current, live, schema, opts.subresource) : new FieldSet();
    const conflicts: ApplyConflict[] = [];
    for (const [m, l] of lost) {
      for (const p of l.paths()) if (!allowed.has(p)) conflicts.push({ manager: printManager(m), path: pathString(p) });
    }
    if (conflicts.length > 0) throw applyConflict(conflicts);
    force = true;
  }
  for (const m of others) {
    if (force) m.fields = m.fields.difference(lost.get(m) ?? new FieldSet());
    m.fields = m.fields.difference(removed);
  }

  // 6.
  const unchanged = jsonEqual(live, merged);
  if (!unchanged || !self.time) self.time = now;
  const encoded = encodeManagedFields([...others, self]);
  const result = cloneJson((unchanged ? live : merged) as KubeObject);
  if (!isObject(result.metadata)) result.metadata = {};
  if (encoded.length > 0) result.metadata.managedFields = encoded;
  else delete result.metadata.managedFields;
  // 7.
  const annotations = result.metadata.annotations;
  if (opts.fieldManager === 'kubectl' && annotations?.[LAST_APPLIED]) {
    result.metadata.annotations = { ...annotations, [LAST_APPLIED]: lastApplied(config) };
  }
  return result;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The fields of the object's last-applied configuration whose live values still match it
 * (allowedConflictsFromLastApplied); empty when there is no usable annotation.
 */
function fieldsStillLastApplied(current: KubeObject, live: JsonObject, schema: MapSchema, subresource?: 'status'): FieldSet {
  const text = current.metadata?.annotations?.[LAST_APPLIED];
  if (!text) return new FieldSet();
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return new FieldSet();
  }
  if (!isObject(last) || last.apiVersion !== current.apiVersion) return new FieldSet();
  const diff = compareValues(last, live, schema);
  return ownableFields(toFieldSet(last, schema, true), subresource).difference(diff.modified).difference(diff.added).difference(diff.removed);
}

/**
 * The annotation value kubectl's client-side apply would keep for `config`: the configuration
 * without the annotation, as Go encodes a map (keys sorted, HTML characters escaped, a newline).
 */
function lastApplied(config: JsonObject): string {
  const copy = cloneJson(config);
  if (isObject(copy.metadata) && isObject(copy.metadata.annotations)) {
    delete copy.metadata.annotations[LAST_APPLIED];
  }
  const escaped = canonicalJson(copy).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${escaped}\n`;
}

/** objectGVKNN: `<namespace>/<name>; <group>/<version>, Kind=<kind>`. */
function gvknn(r: ResourceInfo, config: JsonObject): string {
  const meta = isObject(config.metadata) ? config.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  return `${ns}/${name}; ${r.group}/${r.version}, Kind=${r.kind}`;
}

function withoutManagedFields(o: JsonObject): JsonObject {
  if (!isObject(o.metadata) || !('managedFields' in o.metadata)) return o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}
