/**
 * Sets of field paths, as structured-merge-diff's fieldpath.Set: what one manager owns. A path is
 * a list of path elements in their serialized form (fieldpath/serialize-pe.go): `f:<field>`,
 * `k:<json of the key fields, sorted>` for an item of an associative list, `v:<json>` for an
 * item of a set, `i:<index>`. The set encodes to and from metadata.managedFields[].fieldsV1.
 */
import { isObject, type JsonObject } from './json-value.js';

/** A path: serialized path elements, outermost first. */
export type FieldPath = readonly string[];

const rank = (pe: string): number => ({ f: 0, k: 1, v: 2, i: 3 })[pe[0]] ?? 4;
const comparePE = (a: string, b: string): number => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);

/** A set of field paths, stored as a tree keyed by path element. */
export class FieldSet {
  private readonly members = new Set<string>();
  private readonly children = new Map<string, FieldSet>();

  /** Adds `path` (non-empty) as a member. */
  insert(path: FieldPath): void {
    if (path.length === 0) throw new RangeError('FieldSet.insert: expected a non-empty path');
    if (path.length === 1) {
      this.members.add(path[0]);
      return;
    }
    let c = this.children.get(path[0]);
    if (!c) this.children.set(path[0], (c = new FieldSet()));
    c.insert(path.slice(1));
  }

  /** Whether `path` is a member. */
  has(path: FieldPath): boolean {
    if (path.length === 1) return this.members.has(path[0]);
    return this.children.get(path[0])?.has(path.slice(1)) ?? false;
  }

  /** Whether `path` or any path below it is a member. */
  hasAtOrBelow(path: FieldPath): boolean {
    if (path.length === 0) return !this.isEmpty();
    if (path.length === 1 && this.members.has(path[0])) return true;
    return this.children.get(path[0])?.hasAtOrBelow(path.slice(1)) ?? false;
  }

  /** The paths below path element `pe`, relative to it (undefined when none). */
  below(pe: string): FieldSet | undefined {
    return this.children.get(pe);
  }

  /** Whether the set has no members. */
  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Every member path, in structured-merge-diff's order (fields, keys, values, indexes). */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const pes = [...new Set([...this.members, ...this.children.keys()])].sort(comparePE);
    for (const pe of pes) {
      if (this.members.has(pe)) out.push([pe]);
      for (const p of this.children.get(pe)?.paths() ?? []) out.push([pe, ...p]);
    }
    return out;
  }

  /** A set of the members of this set and `other`. */
  union(other: FieldSet): FieldSet {
    return FieldSet.fromPaths([...this.paths(), ...other.paths()]);
  }

  /** A set of the members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    return FieldSet.fromPaths(this.paths().filter((p) => !other.has(p)));
  }

  /** A set of the members of both sets. */
  intersection(other: FieldSet): FieldSet {
    return FieldSet.fromPaths(this.paths().filter((p) => other.has(p)));
  }

  /** This set without every path at or below a member of `prefixes` (RecursiveDifference). */
  withoutPrefixes(prefixes: FieldSet): FieldSet {
    return FieldSet.fromPaths(this.paths().filter((p) => !p.some((_, i) => prefixes.has(p.slice(0, i + 1)))));
  }

  /** Encodes as FieldsV1: `{"f:spec":{"f:ports":{"k:{…}":{".":{},"f:port":{}}}}}`. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const pes = [...new Set([...this.members, ...this.children.keys()])].sort(comparePE);
    for (const pe of pes) {
      const c = this.children.get(pe);
      const inner: JsonObject = this.members.has(pe) && c && !c.isEmpty() ? { '.': {} } : {};
      if (c && !c.isEmpty()) Object.assign(inner, c.toFieldsV1());
      if (this.members.has(pe) || Object.keys(inner).length > 0) out[pe] = inner;
    }
    return out;
  }

  /** Decodes FieldsV1; throws a TypeError naming what is malformed. */
  static fromFieldsV1(v: unknown): FieldSet {
    const set = new FieldSet();
    if (!isObject(v)) throw new TypeError(`fieldsV1: expected an object, got ${JSON.stringify(v)}`);
    for (const [pe, inner] of Object.entries(v)) {
      if (pe === '.') continue;
      if (!/^[fkvi]:/.test(pe)) throw new TypeError(`fieldsV1: unknown path element ${JSON.stringify(pe)}`);
      if (!isObject(inner)) throw new TypeError(`fieldsV1: expected an object under ${pe}`);
      const keys = Object.keys(inner);
      if (keys.length === 0 || '.' in inner) set.members.add(pe);
      if (keys.some((k) => k !== '.')) set.children.set(pe, FieldSet.fromFieldsV1(inner));
    }
    return set;
  }

  /** A set holding `paths`. */
  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }
}

/** The `f:` path element of a field. */
export const fieldPE = (name: string): string => `f:${name}`;

/** Prints a path as structured-merge-diff does: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function pathString(path: FieldPath): string {
  return path.map(peString).join('');
}

function peString(pe: string): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const key = JSON.parse(body) as JsonObject;
      return `[${Object.entries(key).map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
    }
    case 'v':
      return `[=${valueString(JSON.parse(body))}]`;
    default:
      return `[${body}]`;
  }
}

/** value.ToString: strings quoted, numbers and booleans bare, lists and maps spelled out. */
function valueString(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join(',')}}`;
  return String(v);
}
