/**
 * Values of the wrong JSON type in a body: a string where a port number goes, an object where a
 * label value goes. kube-apiserver finds them while decoding the body into its Go type, before
 * any validation runs, and answers 400 in Go's words:
 * `json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32`.
 * Here the protobuf tables (apiserver/protobuf) are the schema, and go-types.ts gives the Go
 * type names the tables cannot know (`v1.Protocol` for a protocol). Validation then only ever
 * sees values of the types it expects.
 *
 * Go's decoder keeps the first type error and goes on; an error from a type's own UnmarshalJSON
 * (Time, IntOrString, Quantity) stops it at once and wins. What JSON.parse has already lost
 * cannot be found: `80.0` and `8e1` read as the integer 80, which Go refuses for an int32.
 *
 * Server-side apply checks the applied configuration against the same schema through
 * structured-merge-diff instead, which lists every error, naming an item of a keyed list by its
 * keys (`.spec.ports[port=80,protocol="TCP"].name: expected string, got …`); `applyErrors` gives
 * those, and the members the kind does not have.
 */
import { ALL_KINDS, ALL_MESSAGES } from '../protobuf/registry.js';
import { SPECIAL, parseFieldType, type FieldType } from '../protobuf/schema.js';
import { fieldPE } from '../patch/field-set.js';
import { pathString } from '../patch/path-string.js';
import { itemPE } from '../patch/item-path-element.js';
import { type FieldSchema, fieldSchema, schemaFor } from '../patch/merge-keys.js';
import { GO_FIELD_TYPES } from './go-types.js';
import { decodeGoTime, type GoTimeKind } from './go-time.js';

/** A member of a message's JSON object: its type and the Go type string of its field. */
export interface Member {
  type: FieldType;
  goType: string;
  /** For a string or boolean field, the `typeof` its values have: checked in place, the common case. */
  plainType: 'string' | 'boolean' | undefined;
  /** For a metav1.Time or MicroTime field, which. */
  time: GoTimeKind | undefined;
}

/** The time type of a field of type `t`, if it is one. */
function timeOf(t: FieldType): GoTimeKind | undefined {
  if (t.kind !== 'message') return undefined;
  return t.message === 'meta.Time' ? 'Time' : t.message === 'meta.MicroTime' ? 'MicroTime' : undefined;
}

/** The `typeof` of a field of type `t` whose every value of that type is right, if any. */
function plainTypeOf(t: FieldType): Member['plainType'] {
  if (t.kind !== 'scalar') return undefined;
  if (t.scalar === 'string' || t.scalar === 'bytes') return 'string';
  return t.scalar === 'bool' ? 'boolean' : undefined;
}

const SCALAR_GO_TYPES: Readonly<Record<string, string>> = { string: 'string', bool: 'bool', int32: 'int32', int64: 'int64', double: 'float64', bytes: '[]uint8' };

/** What `reflect.Type.String()` prints for a field of table type `t` by default. */
function defaultGoType(t: FieldType): string {
  switch (t.kind) {
    case 'scalar':
      return SCALAR_GO_TYPES[t.scalar];
    case 'message':
      return `v1.${goName(t.message)}`;
    case 'repeated':
      return `[]${defaultGoType(t.of)}`;
    case 'map':
      return `map[string]${defaultGoType(t.of)}`;
  }
}

/** The Go type string of an item of a list or map of Go type `goType` and table type `t`. */
function itemGoType(goType: string, t: FieldType & { kind: 'repeated' | 'map' }): string {
  if (goType.startsWith('[]')) return goType.slice(2);
  if (goType.startsWith('map[')) return goType.slice(goType.indexOf(']') + 1);
  // A named list or map type (v1.ResourceList): its items as the table types them.
  return defaultGoType(t.of);
}

const membersByKey = new Map<string, Map<string, Member>>();

/**
 * JSON name → member, for every member a message's object may hold (inline members included):
 * the schema of one message's JSON object, shared with unknown-fields.ts.
 */
export function schemaMembers(key: string): ReadonlyMap<string, Member> {
  let out = membersByKey.get(key);
  if (out === undefined) {
    out = new Map();
    const overrides = GO_FIELD_TYPES[key] ?? {};
    for (const [name, text] of Object.values(ALL_MESSAGES[key] ?? {})) {
      const type = parseFieldType(text);
      if (name === '' && type.kind === 'message') for (const [n, m] of schemaMembers(type.message)) out.set(n, m);
      else out.set(name, { type, goType: overrides[name] ?? defaultGoType(type), plainType: plainTypeOf(type), time: timeOf(type) });
    }
    membersByKey.set(key, out);
  }
  return out;
}

/** One wrong value: Go's decode message, and structured-merge-diff's path and words for apply. */
export interface JsonTypeError {
  /** Go's message (`json: cannot unmarshal …`, or a type's own words such as Quantity's). */
  message: string;
  /** Raised by a type's own UnmarshalJSON: Go's decoder stops at it, and it wins. */
  isHard: boolean;
  /** `.spec.ports[port=80,protocol="TCP"].name` (apply only, else ''). */
  applyPath: string;
  /** structured-merge-diff's words (`expected numeric (int or float), got string`), or undefined where it accepts the value. */
  applyMessage: string | undefined;
}

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;
/** A double cannot tell 2^63 - 1 from 2^63: the top is as close as JSON.parse's numbers get. */
const INT64 = [-(2 ** 63), 2 ** 63] as const;

/** How Go's decoder names a JSON value's kind in an UnmarshalTypeError. */
function jsonKind(v: unknown): string {
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** What Go's `%T` prints for the value structured-merge-diff holds for `v`. */
function goUnstructuredType(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  return jsonKind(v);
}

/** An integer in `range`, or how Go names the number it refuses (`number 1.5`). */
function intProblem(v: number, range: readonly [number, number]): string | undefined {
  return Number.isInteger(v) && v >= range[0] && v <= range[1] ? undefined : `number ${String(v)}`;
}

/** One walk over a body, collecting wrong values in document order. */
class Walk {
  readonly errors: JsonTypeError[] = [];
  /** Go field names from the top (`spec`, `ports`, `port`); list indices and map keys are not in Go's path. */
  private readonly fields: string[] = [];
  /** The Go struct that holds the innermost field. */
  private readonly structs: string[] = [];
  private hasHard = false;
  /**
   * Apply only: the path as structured-merge-diff's path elements (`f:spec`, `k:{"port":80,…}`,
   * `i:0`), with the merge schema of the field at each step, so that an item of a keyed list is
   * named by its keys (`.spec.ports[port=80,protocol="TCP"]`) as the field manager names it.
   */
  private readonly applyPath: string[] = [];
  private readonly ssaSchemas: (FieldSchema | undefined)[] = [];

  /**
   * @param isApply collect every error with structured-merge-diff's paths (else stop at Go's winning one).
   * @param isNormalizing rewrite each time as kube-apiserver stores it (decodeGoTime), in place.
   */
  constructor(
    private readonly isApply: boolean,
    kind: string,
    private readonly isNormalizing = false,
  ) {
    if (isApply) this.ssaSchemas.push(schemaFor(kind));
  }

  /** Whether the walk has what it needs and may stop. */
  isDone(): boolean {
    return !this.isApply && this.hasHard;
  }

  object(key: string, structName: string, obj: Record<string, unknown>, isTop: boolean): void {
    const known = schemaMembers(key);
    this.structs.push(structName);
    for (const name in obj) {
      if (isTop && (name === 'apiVersion' || name === 'kind')) continue;
      const member = known.get(name);
      const value = obj[name];
      if (member === undefined) {
        // Decoding drops an unknown member (unknown-fields.ts reports it); apply cannot type it.
        if (this.isApply) this.atApplyPath(fieldPE(name), undefined, () => this.push('', false, 'field not declared in schema'));
        continue;
      }
      // null is a zero value to Go.
      if (value === null || value === undefined || typeof value === member.plainType) continue;
      // A time's own UnmarshalJSON parses it (structured-merge-diff takes any string).
      if (member.time !== undefined && typeof value === 'string' && !this.isApply) {
        const decoded = decodeGoTime(value, member.time);
        if ('error' in decoded) this.push(decoded.error, true, undefined);
        else if (this.isNormalizing && decoded.text !== value) obj[name] = decoded.text;
        if (this.isDone()) break;
        continue;
      }
      this.fields.push(name);
      if (this.isApply) this.atApplyPath(fieldPE(name), fieldSchema(this.ssaSchema(), name), () => this.value(member.type, member.goType, value));
      else this.value(member.type, member.goType, value);
      this.fields.pop();
      if (this.isDone()) break;
    }
    this.structs.pop();
  }

  private value(t: FieldType, goType: string, v: unknown): void {
    switch (t.kind) {
      case 'scalar':
        return this.scalar(t.scalar, goType, v);
      case 'message':
        if (SPECIAL.has(t.message)) return this.special(t.message, v);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.typeError(jsonKind(v), goType, `expected map, got ${JSON.stringify(v)}`);
        return this.object(t.message, goName(t.message), v as Record<string, unknown>, false);
      case 'repeated': {
        if (!Array.isArray(v)) return this.typeError(jsonKind(v), goType, `expected list, got ${JSON.stringify(v)}`);
        const itemType = itemGoType(goType, t);
        const list = this.isApply ? this.ssaSchema() : undefined;
        for (let i = 0; i < v.length && !this.isDone(); i++) {
          if (v[i] === null) continue;
          if (this.isApply) this.atApplyPath(listItemPE(list, v[i], i), list?.kind === 'list' ? list.elem : undefined, () => this.value(t.of, itemType, v[i]));
          else this.value(t.of, itemType, v[i]);
        }
        return;
      }
      case 'map': {
        if (typeof v !== 'object' || Array.isArray(v)) return this.typeError(jsonKind(v), goType, `expected map, got ${JSON.stringify(v)}`);
        const itemType = itemGoType(goType, t);
        for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
          if (item === null) continue;
          if (this.isApply) this.atApplyPath(fieldPE(k), fieldSchema(this.ssaSchema(), k), () => this.value(t.of, itemType, item));
          else this.value(t.of, itemType, item);
          if (this.isDone()) return;
        }
      }
    }
  }

  private ssaSchema(): FieldSchema | undefined {
    return this.ssaSchemas[this.ssaSchemas.length - 1];
  }

  /** Runs `fn` one path element deeper, where the merge schema is `schema`. */
  private atApplyPath(pe: string, schema: FieldSchema | undefined, fn: () => void): void {
    this.applyPath.push(pe);
    this.ssaSchemas.push(schema);
    fn();
    this.ssaSchemas.pop();
    this.applyPath.pop();
  }

  private scalar(scalar: string, goType: string, v: unknown): void {
    switch (scalar) {
      case 'string':
      case 'bytes':
        if (typeof v !== 'string') this.typeError(jsonKind(v), goType, `expected string, got &value.valueUnstructured{Value:${JSON.stringify(v)}}`);
        return;
      case 'bool':
        if (typeof v !== 'boolean') this.typeError(jsonKind(v), goType, `expected boolean, got ${JSON.stringify(v)}`);
        return;
      default: {
        if (typeof v !== 'number') return this.typeError(jsonKind(v), goType, `expected numeric (int or float), got ${goUnstructuredType(v)}`);
        // structured-merge-diff takes any number for a numeric field.
        const problem = scalar === 'double' ? undefined : intProblem(v, scalar === 'int32' ? INT32 : INT64);
        if (problem !== undefined) this.typeError(problem, goType, undefined);
      }
    }
  }

  /** The JSON forms apimachinery's own types accept (their UnmarshalJSON); structured-merge-diff takes any scalar. */
  private special(key: string, v: unknown): void {
    const isScalar = typeof v !== 'object';
    switch (key) {
      case 'meta.Time':
      case 'meta.MicroTime':
      case 'meta.Duration':
        if (typeof v !== 'string') this.typeError(jsonKind(v), 'string', isScalar ? undefined : `expected string, got ${JSON.stringify(v)}`, true);
        return;
      case 'intstr.IntOrString':
        if (typeof v === 'number') {
          const problem = intProblem(v, INT32);
          if (problem !== undefined) this.typeError(problem, 'int32', undefined, true);
        } else if (typeof v !== 'string') this.typeError(jsonKind(v), 'int32', isScalar ? undefined : `expected string or int, got ${JSON.stringify(v)}`, true);
        return;
      case 'resource.Quantity':
        if (typeof v !== 'string' && typeof v !== 'number') this.push(QUANTITY_FORMAT, true, isScalar ? undefined : `expected string or number, got ${JSON.stringify(v)}`);
    }
  }

  private typeError(value: string, goType: string, applyMessage: string | undefined, isHard = false): void {
    const structName = this.structs[this.structs.length - 1];
    this.push(`json: cannot unmarshal ${value} into Go struct field ${structName}.${this.fields.join('.')} of type ${goType}`, isHard, applyMessage);
  }

  private push(message: string, isHard: boolean, applyMessage: string | undefined): void {
    this.hasHard ||= isHard;
    this.errors.push({ message, isHard, applyPath: this.isApply ? pathString(this.applyPath) : '', applyMessage });
  }
}

/** An item's path element: its keys in a keyed list, its value in a set, else its index. */
function listItemPE(list: FieldSchema | undefined, item: unknown, index: number): string {
  if (list?.kind === 'list' && list.ssa !== 'atomic') {
    const pe = itemPE(list, item);
    if (typeof pe === 'string') return pe;
  }
  return `i:${index}`;
}

/** The Go struct name of a message key (`core.ServicePort` → `ServicePort`). */
function goName(key: string): string {
  return key.slice(key.indexOf('.') + 1);
}

/** The message key of a body's kind, or undefined when there is no schema for it. */
function schemaOf(apiVersion: string, kind: string): string | undefined {
  return ALL_KINDS[apiVersion]?.[kind];
}

/**
 * The error Go's decoder reports for `obj` (its kind's `apiVersion` as `group/version`, `v1` for
 * core), or undefined when every value has its type or the kind has no schema here.
 * `isNormalizing`: also rewrite, in place, each metav1.Time and MicroTime as kube-apiserver
 * stores and answers it (UTC; seconds, or microseconds; null for the zero time), as decoding
 * into the Go type and encoding again does. Only for an object the caller owns.
 */
export function jsonTypeError(apiVersion: string, kind: string, obj: object, isNormalizing = false): string | undefined {
  const key = schemaOf(apiVersion, kind);
  if (key === undefined) return undefined;
  const walk = new Walk(false, kind, isNormalizing);
  walk.object(key, goName(key), obj as Record<string, unknown>, true);
  return (walk.errors.find((e) => e.isHard) ?? walk.errors[0])?.message;
}

/**
 * structured-merge-diff's errors for an applied configuration, in document order: members its kind
 * does not have (`.spec.portz: field not declared in schema`) and values of the wrong type
 * (`.spec.ports[port=80,protocol="TCP"].name: expected string, got …`).
 */
export function applyErrors(apiVersion: string, kind: string, obj: object): string[] {
  const key = schemaOf(apiVersion, kind);
  if (key === undefined) return [];
  const walk = new Walk(true, kind);
  walk.object(key, goName(key), obj as Record<string, unknown>, true);
  return walk.errors.flatMap((e) => (e.applyMessage === undefined ? [] : [`${e.applyPath}: ${e.applyMessage}`]));
}
