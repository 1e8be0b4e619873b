/**
 * Sets of field paths, as structured-merge-diff's fieldpath.Set: what one manager owns. A path is
 * a list of path elements in their serialized form (fieldpath/serialize-pe.go): `f:<field>`,
 * `k:<json of the key fields, sorted>` for an item of an associative list, `v:<json>` for an
 * item of a set, `i:<index>`. The set encodes to and from metadata.managedFields[].fieldsV1.
 */
import { isObject, type JsonObject } from './json-value.js';

/** A path: serialized path elements, outermost first. */
export type FieldPath = readonly string[];

// f: fields, k: keys, v: values, i: indexes (by char code: no string or property lookup).
function rank(pe: string): number {
  switch (pe.charCodeAt(0)) {
    case 102: return 0;
    case 107: return 1;
    case 118: return 2;
    case 105: return 3;
    default: return 4;
  }
}
/** Orders path elements as structured-merge-diff does: fields, keys, values, indexes; then by text. */
export function comparePE(a: string, b: string): number {
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The FieldsV1 of a member with nothing below it, and the `"."` marker: one frozen empty object
 * serves them all in what this module and created-fields.ts encode (the store freezes what it
 * keeps and skips what is frozen already; decoding knows it at a glance).
 */
export const EMPTY_FIELDS: JsonObject = Object.freeze({}) as JsonObject;

/**
 * The FieldsV1 object each set was decoded from, when that object was frozen (a stored
 * managedFields entry never changes): encoding a set that no write changed hands the same
 * object back instead of building it again. Subsets (subtrees) are mapped too, so a set that
 * differs from a decoded one along one path re-encodes only that path.
 */
const encodedFrom = new WeakMap<FieldSet, JsonObject>();
/**
 * The reverse, for the objects decoded last that this server did not write (those it wrote are
 * read lazily, see `trusted`): a stored entry a client sent decodes once however often the object
 * is written again. Bounded, since history keeps thousands of stored entries and a decoded set is
 * far larger than its JSON.
 */
const decodedFrom = new Map<object, FieldSet>();
const MAX_DECODED = 512;

/**
 * FieldsV1 objects known canonical and well-formed because this module or created-fields.ts
 * wrote them (createdFields is byte for byte the general path's encoding, a property test says):
 * once stored (frozen), they are decoded lazily.
 */
const trusted = new WeakSet<object>();

/** Marks FieldsV1 written by created-fields.ts as trusted (see `trusted`). */
export function trustFieldsV1(v: JsonObject): JsonObject {
  trusted.add(v);
  return v;
}

/**
 * A set of field paths, stored as a tree keyed by path element. The set operations may share
 * subtrees with their operands (or return an operand unchanged), so a set must not be inserted
 * into once another set was built from it.
 */
export class FieldSet {
  readonly #members = new Set<string>();
  readonly #children = new Map<string, FieldSet>();
  /**
   * A trusted FieldsV1 object (canonical, frozen, written by this module or created-fields.ts)
   * not yet read into `members` and `children`: a stored entry an update decodes is read only
   * along the paths the update touches; the rest stays as it was and encodes as itself.
   */
  #raw: JsonObject | undefined;

  private get members(): Set<string> {
    if (this.#raw !== undefined) this.#expand();
    return this.#members;
  }

  private get children(): Map<string, FieldSet> {
    if (this.#raw !== undefined) this.#expand();
    return this.#children;
  }

  /** A set that reads trusted FieldsV1 `v` one level at a time, when first looked into. */
  private static lazy(v: JsonObject): FieldSet {
    const set = new FieldSet();
    set.#raw = v;
    // An object with a "." marker also encodes its parent's membership: not this set's encoding.
    if (!('.' in v)) encodedFrom.set(set, v);
    return set;
  }

  // Reads one level of the pending FieldsV1 (trusted: no checks), children left pending.
  #expand(): void {
    const v = this.#raw as JsonObject;
    this.#raw = undefined;
    for (const pe of Object.keys(v)) {
      if (pe === '.') continue;
      const inner = v[pe] as JsonObject;
      if (inner === EMPTY_FIELDS) {
        this.#members.add(pe);
        continue;
      }
      const hasMarker = '.' in inner;
      let count = 0;
      for (const _ in inner) count++;
      if (count === 0 || hasMarker) this.#members.add(pe);
      if (count > (hasMarker ? 1 : 0)) this.#children.set(pe, FieldSet.lazy(inner));
    }
  }

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
    // Pending FieldsV1 holds a member somewhere below any key but the marker.
    if (this.#raw !== undefined) {
      for (const pe in this.#raw) if (pe !== '.') return false;
      return true;
    }
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

  /** A set of the members of this set and `other` (this set itself when `other` adds nothing). */
  union(other: FieldSet): FieldSet {
    let out: FieldSet | undefined;
    for (const m of other.members) {
      if (this.members.has(m)) continue;
      out ??= this.shallowCopy();
      out.members.add(m);
    }
    for (const [pe, oc] of other.children) {
      const c = this.children.get(pe);
      const u = c ? c.union(oc) : oc.isEmpty() ? undefined : oc;
      if (u === undefined || u === c) continue;
      out ??= this.shallowCopy();
      out.children.set(pe, u);
    }
    return out ?? this;
  }

  /** A set of the members of this set that are not members of `other` (this set itself when none are). */
  difference(other: FieldSet): FieldSet {
    let isSame = true;
    const out = new FieldSet();
    for (const m of this.members) {
      if (other.members.has(m)) isSame = false;
      else out.members.add(m);
    }
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      const d = oc ? c.difference(oc) : c;
      if (d !== c) isSame = false;
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return isSame ? this : out;
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
      const d = pc ? c.withoutPrefixes(pc) : c;
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  /**
   * A set of the member paths `keep` accepts, judged on the whole path, outermost first (the
   * array is reused between calls: copy it to keep it).
   */
  filter(keep: (path: FieldPath) => boolean): FieldSet {
    const prefix: string[] = [];
    const walk = (node: FieldSet): FieldSet => {
      const out = new FieldSet();
      for (const m of node.members) {
        prefix.push(m);
        if (keep(prefix)) out.members.add(m);
        prefix.pop();
      }
      for (const [pe, c] of node.children) {
        prefix.push(pe);
        const kept = walk(c);
        prefix.pop();
        if (!kept.isEmpty()) out.children.set(pe, kept);
      }
      return out;
    };
    return walk(this);
  }

  // The same members and children (the children shared), to change at the top level only.
  private shallowCopy(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c);
    return out;
  }

  /** Encodes as FieldsV1: `{"f:spec":{"f:ports":{"k:{…}":{".":{},"f:port":{}}}}}`. */
  toFieldsV1(): JsonObject {
    const known = encodedFrom.get(this);
    if (known !== undefined) return known;
    const out: JsonObject = {};
    const pes = [...this.members];
    for (const pe of this.children.keys()) if (!this.members.has(pe)) pes.push(pe);
    pes.sort(comparePE);
    for (const pe of pes) {
      const c = this.children.get(pe);
      const sub = c?.toFieldsV1();
      const hasSub = sub !== undefined && hasKeys(sub);
      const isMember = this.members.has(pe);
      if (isMember && hasSub) out[pe] = { '.': EMPTY_FIELDS, ...sub };
      else if (hasSub) out[pe] = sub;
      else if (isMember) out[pe] = EMPTY_FIELDS;
    }
    trusted.add(out);
    return out;
  }

  /** Decodes FieldsV1; throws a TypeError naming what is malformed. */
  static fromFieldsV1(v: unknown): FieldSet {
    if (!isObject(v)) throw new TypeError(`fieldsV1: expected an object, got ${JSON.stringify(v)}`);
    const known = decodedFrom.get(v);
    if (known !== undefined) return known;
    // What this module wrote, now stored (frozen): read lazily, without checks.
    if (trusted.has(v) && Object.isFrozen(v)) return FieldSet.lazy(v);
    const set = new FieldSet();
    if (set.decode(v) && encodedFrom.get(set) === v) {
      if (decodedFrom.size >= MAX_DECODED) decodedFrom.clear();
      decodedFrom.set(v, set);
    }
    return set;
  }

  // Decodes `v` into this (empty) set, and tells whether `v` is exactly what toFieldsV1 would
  // write for the set (sorted keys, "." only first and beside other keys). A frozen canonical
  // object (from a stored entry) is the set's encoding for good, so it is remembered; an object
  // with a "." marker encodes its parent's member as well, so it is not its set's encoding.
  // Plain loops and no per-node result. Entries this server wrote are read lazily instead
  // (`trusted`); this reads the rest, such as managedFields a client sent.
  private decode(v: JsonObject): boolean {
    let isCanonical = true;
    let previous: string | undefined;
    const pes = Object.keys(v);
    for (let i = 0; i < pes.length; i++) {
      const pe = pes[i];
      if (pe === '.') continue;
      if (!isPathElement(pe)) throw new TypeError(`fieldsV1: unknown path element ${JSON.stringify(pe)}`);
      const inner = v[pe];
      if (!isObject(inner)) throw new TypeError(`fieldsV1: expected an object under ${pe}`);
      if (previous !== undefined && comparePE(previous, pe) >= 0) isCanonical = false;
      previous = pe;
      // The shared leaf of what this module and created-fields.ts encode.
      if (inner === EMPTY_FIELDS) {
        this.members.add(pe);
        continue;
      }
      const keys = Object.keys(inner);
      const hasMarker = '.' in inner;
      if (hasMarker && (keys[0] !== '.' || keys.length === 1)) isCanonical = false;
      if (keys.length === 0 || hasMarker) this.members.add(pe);
      if (keys.length > (hasMarker ? 1 : 0)) {
        const child = new FieldSet();
        if (!child.decode(inner)) isCanonical = false;
        this.children.set(pe, child);
      }
    }
    if (isCanonical && Object.isFrozen(v) && !('.' in v)) encodedFrom.set(this, v);
    return isCanonical;
  }

  /** A set holding `paths`. */
  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }
}

// `f:`, `k:`, `v:` or `i:` and what follows.
function isPathElement(pe: string): boolean {
  return pe.length >= 2 && pe.charCodeAt(1) === 58 && rank(pe) < 4;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** The `f:` path element of a field. */
export function fieldPE(name: string): string {
  // Field names repeat from object to object: one string per name saves building it, and
  // interning it again as a property name, at every FieldsV1 key. Bounded, as names are data.
  let pe = fieldPEs.get(name);
  if (pe === undefined) {
    if (fieldPEs.size >= MAX_FIELD_PES) fieldPEs.clear();
    fieldPEs.set(name, (pe = `f:${name}`));
  }
  return pe;
}

const fieldPEs = new Map<string, string>();
const MAX_FIELD_PES = 8192;
