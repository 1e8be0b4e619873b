/**
 * The in-process client: the KubeClient seam over a Store, with no HTTP in between. It is the
 * fake client of unit tests, and it behaves as the HTTP client does against our server: every
 * call completes asynchronously, failures are the store's ApiErrors, a watch delivers its events
 * asynchronously in order, a 410 at watch start arrives as an ERROR event followed by `end()`,
 * and a watch the server closes ends with `end()`.
 */
import type { KubeList, KubeObject, Status, WatchEvent } from '../api-types/meta.js';
import type { ClientWatch, KubeClient, ResourceClient, ResourceRef, WatchListener } from '../controllers/runtime/kube-client.js';
import { type StoreClock, type StoreTimer, systemClock } from './clock.js';
import { ApiError } from './errors.js';
import { type ResourceInfo, findResource } from './resources.js';
import type { DeleteOptions, ListOptions, PatchOptions, PatchType, Store, WatchHandle, WatchOptions, WriteOptions } from './types.js';

/** Options of an InProcessClient. */
export interface InProcessClientOptions {
  /** Clock for watch `timeoutSeconds`. @default systemClock */
  clock?: StoreClock;
}

/** What the API answers for a resource it does not serve. */
function unknownResource(): ApiError {
  return new ApiError({
    apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure',
    message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
  });
}

// Completes on a later microtask, so no caller can depend on synchronous completion.
async function later<T>(fn: () => T): Promise<T> {
  await Promise.resolve();
  return fn();
}

/** A KubeClient over a Store in the same process. */
export class InProcessClient implements KubeClient {
  private readonly clock: StoreClock;

  constructor(private readonly store: Store, opts: InProcessClientOptions = {}) {
    this.clock = opts.clock ?? systemClock;
  }

  /** The client of one resource; calls on a resource the server does not serve fail with 404. */
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const found = findResource(ref.group, ref.resource);
    const r = found && found.version === ref.version ? found : undefined;
    return new InProcessResourceClient<T>(this.store, r, this.clock);
  }
}

class InProcessResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(private readonly store: Store, private readonly r: ResourceInfo | undefined, private readonly clock: StoreClock) {}

  private served(): ResourceInfo {
    if (!this.r) throw unknownResource();
    return this.r;
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return later(() => this.store.get(this.served(), namespace, name) as T);
  }

  list(opts?: ListOptions): Promise<KubeList<T>> {
    return later(() => this.store.list(this.served(), opts) as KubeList<T>);
  }

  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return later(() => this.store.create(this.served(), namespace, obj, opts) as T);
  }

  update(obj: T, opts?: WriteOptions): Promise<T> {
    return later(() => this.store.update(this.served(), obj.metadata.namespace, obj.metadata.name ?? '', obj, opts).object as T);
  }

  updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return later(() => this.store.update(this.served(), obj.metadata.namespace, obj.metadata.name ?? '', obj, { ...opts, subresource: 'status' }).object as T);
  }

  patch(namespace: string | undefined, name: string, type: PatchType, body: unknown, opts?: PatchOptions & { subresource?: 'status' }): Promise<T> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return later(() => this.store.patch(this.served(), namespace, name, type, text, opts).object as T);
  }

  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status> {
    return later(() => this.store.delete(this.served(), namespace, name, opts) as T | Status);
  }

  /**
   * Starts a watch. Resolves once the store accepted it; a 410 (too old resourceVersion) is not a
   * rejection but an ERROR event and `end()`, as the HTTP server streams it. Other errors reject.
   */
  async watch(opts: WatchOptions & { timeoutSeconds?: number }, listener: WatchListener<T>): Promise<ClientWatch> {
    await Promise.resolve();
    const r = this.served();
    const { timeoutSeconds, ...watchOpts } = opts;
    const delivery = new Delivery<T>(listener);
    let handle: WatchHandle | undefined;
    let timer: StoreTimer | undefined;
    const close = (error?: Error): void => {
      timer?.cancel();
      handle?.stop();
      delivery.end(error);
    };
    try {
      handle = this.store.watch(r, watchOpts, { event: (ev) => delivery.event(ev as WatchEvent<T>), end: () => close() });
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 410) throw err;
      delivery.event({ type: 'ERROR', object: err.status });
      close();
    }
    delivery.onListenerError = (err) => close(err);
    if (timeoutSeconds !== undefined && timeoutSeconds > 0 && handle) {
      const h = handle;
      timer = this.clock.setTimer(() => {
        h.bookmark?.();
        close();
      }, timeoutSeconds * 1000);
    }
    return {
      stop: () => {
        timer?.cancel();
        handle?.stop();
        delivery.stop();
      },
    };
  }
}

/** Hands events to a listener on microtasks, in order; `end` exactly once, after the events before it. */
class Delivery<T extends KubeObject> {
  onListenerError?: (err: Error) => void;
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  private stopped = false;
  private ended = false;

  constructor(private readonly listener: WatchListener<T>) {}

  event(ev: WatchEvent<T>): void {
    if (this.ended || this.stopped) return;
    // The store shares one deep-frozen object among all watchers of a change, and listeners get
    // it as it is: an informer never edits what it caches (STYLE.md), and a listener that tries
    // to gets a TypeError instead of corrupting the store. A copy per watcher per event was the
    // largest cost of the in-process watch.
    this.push(() => this.listener.event(ev));
  }

  end(error?: Error): void {
    if (this.ended || this.stopped) return;
    this.ended = true;
    this.push(() => this.listener.end(error));
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private push(task: () => void): void {
    this.queue.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    for (let task = this.queue.shift(); task && !this.stopped; task = this.queue.shift()) {
      try {
        task();
      } catch (err) {
        // A listener that throws ends its watch with that error instead of crashing the process.
        const error = err instanceof Error ? err : new Error(String(err));
        if (!this.ended) {
          this.ended = true;
          this.queue.length = 0;
          this.onListenerError?.(error);
          this.queue.push(() => this.listener.end(error));
        }
      }
    }
  }
}
