/**
 * An informer's cache: objects by key (`namespace/name`) plus secondary indexes, each mapping an
 * index value to the keys filed under it (client-go's cache.Indexer,
 * staging/src/k8s.io/client-go/tools/cache/thread_safe_store.go). The informer alone writes it.
 */

/** Maps an object to the index values it is filed under. */
export type IndexFunc<T> = (obj: T) => string[];

/** Objects by key, with an index per IndexFunc. */
export class IndexedCache<T> {
  readonly #items = new Map<string, T>();
  /** index name → value → keys */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  readonly #indexers: [string, IndexFunc<T>][];

  /**
   * @param name the informer's name, for errors.
   * @param indexers index name → the values an object is filed under.
   */
  constructor(
    private readonly name: string,
    indexers: Record<string, IndexFunc<T>>,
  ) {
    this.#indexers = Object.entries(indexers);
    for (const [index] of this.#indexers) this.#indexes.set(index, new Map());
  }

  /** The object with this key. */
  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /** Every object. */
  values(): IterableIterator<T> {
    return this.#items.values();
  }

  /** Every key and object. */
  entries(): IterableIterator<[string, T]> {
    return this.#items.entries();
  }

  /** How many objects there are. */
  get size(): number {
    return this.#items.size;
  }

  /** The objects filed under `value` in index `index`; a TypeError for an index never declared. */
  byIndex(index: string, value: string): T[] {
    const idx = this.#indexes.get(index);
    if (!idx) throw new TypeError(`informer ${this.name} has no index "${index}"`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.#items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** Stores `obj` under `key`, replacing `old` (the object stored there now, if any) in every index. */
  put(key: string, obj: T, old?: T): void {
    this.#items.set(key, obj);
    for (const [name, fn] of this.#indexers) {
      const idx = this.#indexes.get(name)!;
      const values = fn(obj);
      if (old) {
        // Most updates (readiness, IPs) keep every index value: touch no index set then.
        const oldValues = fn(old);
        if (sameValues(oldValues, values)) continue;
        for (const v of oldValues) unfile(idx, v, key);
      }
      for (const v of values) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  /** Removes the object `old` stored under `key` from the cache and every index. */
  remove(key: string, old: T): void {
    for (const [name, fn] of this.#indexers) {
      const idx = this.#indexes.get(name)!;
      for (const v of fn(old)) unfile(idx, v, key);
    }
    this.#items.delete(key);
  }
}

/** Takes `key` off the set of `value`, dropping the set once empty. */
function unfile(idx: Map<string, Set<string>>, value: string, key: string): void {
  const set = idx.get(value);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) idx.delete(value);
}

function sameValues(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
