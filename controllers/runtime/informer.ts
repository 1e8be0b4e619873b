/**
 * A shared informer: list (paginated) then watch, keeping an indexed cache of one resource and
 * telling handlers what changed. Unlike client-node 1.4's ListWatch it never gives up and never
 * spins (../shared/reference/client-and-wire.md §0.1, §1.4–1.6):
 *
 * 1. List with `limit`/`continue`; an expired continue token starts the list again.
 * 2. Replace the cache with the list, telling handlers the differences (adds, updates, deletes),
 *    so a relist after a gap is seen as the changes it implies.
 * 3. Watch from the list's resourceVersion with `allowWatchBookmarks` and a random
 *    `timeoutSeconds` in [5, 10] minutes; bookmarks advance the resourceVersion.
 * 4. A clean close resumes the watch from the last resourceVersion; a 410, or a 504 "Too large
 *    resource version" (at start or as an ERROR event), goes back to 1; any other failure waits
 *    (exponential backoff with jitter) and then resumes. A watch that ends at once without an
 *    event also backs off, so a server that closes every watch cannot make it spin.
 * 5. A throwing handler is logged and never stops the informer.
 */
import type { KubeObject, Status, WatchEvent } from '../../api-types/meta.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock } from './clock.js';
import { IndexedCache, type IndexFunc } from './indexed-cache.js';
import type { ClientWatch, ResourceClient } from './kube-client.js';

export type { IndexFunc } from './indexed-cache.js';

/** What an informer tells its handlers. `old` is the cached state before the change. */
export interface InformerHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  onDelete?(obj: T): void;
}

/** Logs what the informer cannot return to anyone. */
export interface InformerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of an Informer. */
export interface InformerOptions<T extends KubeObject> {
  /** The resource's client. */
  client: ResourceClient<KubeObject>;
  /** A name for logs and metrics, e.g. "pods". */
  name: string;
  clock: Clock;
  /** Uniform in [0, 1): jitter and watch timeouts. */
  random: () => number;
  logger?: InformerLogger;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page. @default 500 */
  pageSize?: number;
  /**
   * Reduces each object to what controllers need before it is cached (memory); must keep
   * metadata.name, namespace and resourceVersion. @default identity
   */
  transform?: (obj: KubeObject) => T;
  indexers?: Record<string, IndexFunc<T>>;
  /** First retry delay. @default 800 */
  backoffBaseMs?: number;
  /** Longest retry delay. @default 30000 */
  backoffMaxMs?: number;
  /** Watch timeout range in seconds, [min, max). @default [300, 600] */
  watchTimeoutSeconds?: [number, number];
  /** Counts relists (metrics). */
  onRelist?: (name: string) => void;
}

const noopLogger: InformerLogger = { info() {}, warn() {}, error() {} };

/** The key of an object in the cache: `namespace/name`, or `name` when cluster-scoped. */
export function keyOf(obj: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : (name ?? '');
}

/** A list-watch cache of one resource. */
export class Informer<T extends KubeObject = KubeObject> {
  readonly name: string;
  readonly #o: InformerOptions<T>;
  readonly #log: InformerLogger;
  readonly #cache: IndexedCache<T>;
  readonly #handlers: InformerHandler<T>[] = [];
  #synced = false;
  #stopped = true;
  #rv = '';
  #failures = 0;
  #watch?: ClientWatch;
  #timer?: { cancel(): void };
  #syncWaiters: (() => void)[] = [];
  /** Requests sent (list pages and watches): tests prove nothing is sent while backing off. */
  requests = 0;

  constructor(opts: InformerOptions<T>) {
    this.name = opts.name;
    this.#o = opts;
    this.#log = opts.logger ?? noopLogger;
    this.#cache = new IndexedCache(opts.name, opts.indexers ?? {});
  }

  /** Adds a handler; objects already cached are delivered to it as adds. */
  addHandler(h: InformerHandler<T>): void {
    this.#handlers.push(h);
    for (const obj of this.#cache.values()) this.#call(h, 'onAdd', obj);
  }

  /** True once the first list has been cached. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves once hasSynced() is true. */
  waitForSync(): Promise<void> {
    return this.#synced ? Promise.resolve() : new Promise((r) => this.#syncWaiters.push(r));
  }

  /** The resourceVersion the cache is at. */
  lastSyncResourceVersion(): string {
    return this.#rv;
  }

  /** Starts listing and watching (idempotent). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#listAndWatch();
  }

  /** Stops the watch and every pending retry; the cache is kept. */
  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#watch?.stop();
    this.#watch = undefined;
  }

  /** The cached object with this key (`namespace/name`). */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.#cache.values()];
  }

  /** How many objects are cached. */
  get size(): number {
    return this.#cache.size;
  }

  /** The objects filed under `value` in index `index`. */
  byIndex(index: string, value: string): T[] {
    return this.#cache.byIndex(index, value);
  }

  // 1. + 2. List every page, then replace the cache.
  async #listAndWatch(): Promise<void> {
    if (this.#stopped) return;
    this.#o.onRelist?.(this.name);
    const fresh = new Map<string, T>();
    let rv = '';
    try {
      let cont: string | undefined;
      do {
        this.requests++;
        const page = await this.#o.client.list({
          namespace: this.#o.namespace,
          labelSelector: this.#o.labelSelector,
          fieldSelector: this.#o.fieldSelector,
          limit: this.#o.pageSize ?? 500,
          continue: cont,
        });
        if (this.#stopped) return;
        for (const item of page.items) {
          const obj = this.#transform(item);
          fresh.set(keyOf(obj), obj);
        }
        rv = page.metadata.resourceVersion ?? '';
        cont = page.metadata.continue || undefined;
      } while (cont);
    } catch (err) {
      // An expired continue token (410) just means: list again from the start.
      this.#retry(err, () => this.#listAndWatch(), 'list');
      return;
    }
    this.#replace(fresh);
    this.#rv = rv;
    this.#failures = 0;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
    await this.#watchFrom();
  }

  // 3. Watch from the last resourceVersion.
  async #watchFrom(): Promise<void> {
    if (this.#stopped) return;
    const [lo, hi] = this.#o.watchTimeoutSeconds ?? [300, 600];
    const timeoutSeconds = Math.floor(lo + this.#o.random() * (hi - lo));
    let events = 0;
    let relist = false;
    let failed: Error | undefined;
    let done!: () => void;
    const closed = new Promise<void>((r) => (done = r));
    this.requests++;
    try {
      this.#watch = await this.#o.client.watch(
        {
          namespace: this.#o.namespace,
          labelSelector: this.#o.labelSelector,
          fieldSelector: this.#o.fieldSelector,
          resourceVersion: this.#rv,
          allowWatchBookmarks: true,
          timeoutSeconds,
        },
        {
          event: (ev) => {
            if (this.#stopped || relist || failed) return;
            events++;
            const outcome = this.#apply(ev);
            if (outcome === 'relist') relist = true;
            else if (outcome instanceof Error) failed = outcome;
            if (relist || failed) {
              this.#watch?.stop();
              done();
            }
          },
          end: (err) => {
            if (err && !failed) failed = err;
            done();
          },
        },
      );
      // Events may arrive before watch() resolves (the in-process client): stop it here too.
      if (relist || failed) this.#watch.stop();
    } catch (err) {
      if (err instanceof ApiError && mustRelist(err.status)) {
        this.#log.info({ informer: this.name, rv: this.#rv, code: err.code }, 'watch resourceVersion unavailable; relisting');
        void this.#listAndWatch();
      } else {
        this.#retry(err, () => this.#watchFrom(), 'watch');
      }
      return;
    }
    await closed;
    this.#watch = undefined;
    if (this.#stopped) return;
    if (relist) {
      this.#log.info({ informer: this.name, rv: this.#rv }, 'watch resourceVersion unavailable; relisting');
      void this.#listAndWatch();
    } else if (failed) {
      this.#retry(failed, () => this.#watchFrom(), 'watch');
    } else if (events === 0) {
      // 4. A clean close with nothing delivered: back off so a server that closes every watch at
      // once cannot make us spin (client-node 1.4 does).
      this.#retry(undefined, () => this.#watchFrom(), 'watch closed without events');
    } else {
      this.#failures = 0;
      void this.#watchFrom();
    }
  }

  /** Applies one watch event; 'relist' on a 410, an Error on another ERROR event. */
  #apply(ev: WatchEvent): 'ok' | 'relist' | Error {
    if (ev.type === 'ERROR') {
      const s = ev.object as Status;
      if (mustRelist(s)) return 'relist';
      return new ApiError({ ...s, apiVersion: 'v1', kind: 'Status', metadata: s.metadata ?? {}, status: 'Failure' });
    }
    const raw = ev.object as KubeObject;
    const rv = raw.metadata?.resourceVersion;
    if (ev.type === 'BOOKMARK') {
      if (rv) this.#rv = rv;
      return 'ok';
    }
    const obj = this.#transform(raw);
    const key = keyOf(obj);
    const old = this.#cache.get(key);
    if (ev.type === 'DELETED') {
      if (old) {
        this.#cache.remove(key, old);
        this.#emit('onDelete', obj);
      }
    } else if (old) {
      this.#cache.put(key, obj, old);
      this.#emitUpdate(old, obj);
    } else {
      this.#cache.put(key, obj);
      this.#emit('onAdd', obj);
    }
    if (rv) this.#rv = rv;
    return 'ok';
  }

  #replace(fresh: Map<string, T>): void {
    for (const [key, old] of [...this.#cache.entries()]) {
      if (!fresh.has(key)) {
        this.#cache.remove(key, old);
        this.#emit('onDelete', old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.#cache.get(key);
      if (!old) {
        this.#cache.put(key, obj);
        this.#emit('onAdd', obj);
      } else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        this.#cache.put(key, obj, old);
        this.#emitUpdate(old, obj);
      }
    }
  }

  #transform(obj: KubeObject): T {
    return this.#o.transform ? this.#o.transform(obj) : (obj as T);
  }

  #emit(kind: 'onAdd' | 'onDelete', obj: T): void {
    for (const h of this.#handlers) this.#call(h, kind, obj);
  }

  #emitUpdate(old: T, obj: T): void {
    for (const h of this.#handlers) {
      try {
        h.onUpdate?.(old, obj);
      } catch (err) {
        this.#log.error({ informer: this.name, err }, 'informer handler threw; continuing');
      }
    }
  }

  #call(h: InformerHandler<T>, kind: 'onAdd' | 'onDelete', obj: T): void {
    try {
      h[kind]?.(obj);
    } catch (err) {
      this.#log.error({ informer: this.name, err }, 'informer handler threw; continuing');
    }
  }

  /** 4. Waits base·2^failures (capped), with ±50% jitter, then runs `next`. Never gives up. */
  #retry(err: unknown, next: () => Promise<void>, what: string): void {
    if (this.#stopped) return;
    const base = this.#o.backoffBaseMs ?? 800;
    const max = this.#o.backoffMaxMs ?? 30_000;
    const delay = Math.min(max, base * 2 ** Math.min(this.#failures, 30));
    let jittered = Math.round(delay * (0.5 + this.#o.random()));
    // A 429 says how long to wait: never come back sooner.
    if (err instanceof ApiError && err.retryAfterSeconds) jittered = Math.max(jittered, err.retryAfterSeconds * 1000);
    this.#failures++;
    if (err !== undefined) {
      this.#log.warn({ informer: this.name, err: err instanceof Error ? err.message : String(err), retryInMs: jittered }, `${what} failed; retrying`);
    }
    this.#timer = this.#o.clock.setTimer(() => {
      this.#timer = undefined;
      void next();
    }, jittered);
  }
}

/**
 * Whether a watch failure means the resourceVersion is no longer usable and only a new list
 * helps, as client-go's reflector decides (tools/cache/reflector.go: isExpiredError or
 * isTooLargeResourceVersionError): 410 Expired/Gone, or 504 "Too large resource version", which
 * a server whose history went back (an etcd restore, a restarted test server) answers for every
 * watch from a resourceVersion it has not reached.
 */
export function mustRelist(s: Pick<Status, 'code' | 'reason' | 'message' | 'details'>): boolean {
  if (s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone') return true;
  if (s.code !== 504) return false;
  return (s.details?.causes ?? []).some((c) => c.reason === 'ResourceVersionTooLarge') || (s.message ?? '').includes('Too large resource version');
}
