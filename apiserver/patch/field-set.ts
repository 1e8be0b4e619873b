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
    let node = this.children.get(path[0]);
    if (path.length === 1) {
      this.members.add(path[0]);
      return;
    }
    if (!node) this.children.set(path[0], (node = new FieldSet()));
    for (let i = 1; i < path.length - 1; i++) {
      let c: FieldSet | undefined = node.children.get(path[i]);
      if (!c) node.children.set(path[i], (c = new FieldSet()));
      node = c;
    }
    node.members.add(path[path.length - 1]);
  }

  /** Whether `path` is a member. */
  has(path: FieldPath): boolean {
    const node = this.nodeAt(path, path.length - 1);
    return node !== undefined && node.members.has(path[path.length - 1]);
  }

  /** Whether `path` or any path below it is a member. */
  hasAtOrBelow(path: FieldPath): boolean {
    if (path.length === 0) return !this.isEmpty();
    const node = this.nodeAt(path, path.length - 1);
    if (!node) return false;
    const last = path[path.length - 1];
    if (node.members.has(last)) return true;
    const c = node.children.get(last);
    return c !== undefined && !c.isEmpty();
  }

  /** The node reached by the first `depth` elements of `path`. */
  private nodeAt(path: FieldPath, depth: number): FieldSet | undefined {
    if (depth === 0) return this;
    let node = this.children.get(path[0]);
    for (let i = 1; i < depth && node; i++) node = node.children.get(path[i]);
    return node;
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
    const walk = (node: FieldSet, prefix: string[]): void => {
      const pes = [...new Set([...node.members, ...node.children.keys()])].sort(comparePE);
      for (const pe of pes) {
        prefix.push(pe);
        if (node.members.has(pe)) out.push([...prefix]);
        const c = node.children.get(pe);
        if (c) walk(c, prefix);
        prefix.pop();
      }
    };
    walk(this, []);
    return out;
  }

  /** A set of the members of this set and `other`. */
  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.addAll(other);
    return out;
  }

  /** A set of the members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      const d = oc ? c.difference(oc) : c.copy();
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  /** A set of the members of both sets. */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      if (!oc) continue;
      const i = c.intersection(oc);
      if (!i.isEmpty()) out.children.set(pe, i);
    }
    return out;
  }

  /** This set without every path at or below a member of `prefixes` (RecursiveDifference). */
  withoutPrefixes(prefixes: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!prefixes.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (prefixes.members.has(pe)) continue;
      const pc = prefixes.children.get(pe);
      const d = pc ? c.withoutPrefixes(pc) : c.copy();
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  private copy(): FieldSet {
    const out = new FieldSet();
    out.addAll(this);
    return out;
  }

  private addAll(other: FieldSet): void {
    for (const m of other.members) this.members.add(m);
    for (const [pe, c] of other.children) {
      let mine = this.children.get(pe);
      if (!mine) this.children.set(pe, (mine = new FieldSet()));
      mine.addAll(c);
    }
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
