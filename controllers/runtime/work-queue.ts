/**
 * The keyed work queue every controller feeds: client-go's rate-limiting delaying queue
 * (`staging/src/k8s.io/client-go/util/workqueue/{queue,delaying_queue,rate_limiting_queue}.go`)
 * on one thread.
 *
 * Invariants, as in client-go:
 * - A key waits at most once: adding a key that is already dirty (queued, or queued again
 *   behind its own processing) does nothing.
 * - A key is never handed to two workers at once: while it is processing, an add only marks it
 *   dirty, and `done` puts it back on the queue.
 * - Delayed adds coalesce per key; the earliest ready time wins.
 * - After shutdown, adds are ignored, delayed adds are dropped, and `get` keeps returning what
 *   is already queued until the queue is empty, then `undefined`.
 */
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
import { noopWorkQueueMetrics, type QueueMetrics, type WorkQueueMetricsProvider } from './workqueue-metrics.js';

/** Options of a `WorkQueue`. */
export interface WorkQueueOptions<K> {
  /** Names the queue in metrics (`workqueue_*{name}`); unnamed queues record none. @default '' */
  name?: string;
  /** Time source for delays and metrics. @default systemClock */
  clock?: Clock;
  /** Decides the delay of `addRateLimited`. @default defaultControllerRateLimiter(clock) (5 ms–1000 s, 10 qps/100) */
  rateLimiter?: RateLimiter<K>;
  /** Where metrics go. @default noopWorkQueueMetrics */
  metrics?: WorkQueueMetricsProvider;
  /** How many rate-limited retries a worker pool allows before it drops a key. @default 15 */
  maxRetries?: number;
}

interface DelayedAdd {
  readyAtMs: number;
  timer: TimerHandle;
}

/**
 * A deduplicating work queue of keys (usually `namespace/name` strings). Keys are compared with
 * `Map`/`Set` identity, so use primitives.
 */
export class WorkQueue<K = string> {
  /** The metrics name. */
  readonly name: string;
  /** The clock delays are measured on. */
  readonly clock: Clock;
  /** The retry budget worker pools honour (see `runWorkers`). */
  readonly maxRetries: number;
  readonly #rateLimiter: RateLimiter<K>;
  readonly #metrics: QueueMetrics<K>;
  // FIFO: live entries are #queue[#head..]; compacted now and then instead of shift() per pop.
  #queue: K[] = [];
  #head = 0;
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #delayed = new Map<K, DelayedAdd>();
  #getters: ((key: K | undefined) => void)[] = [];
  #drainWaiters: ((drained: boolean) => void)[] = [];
  #shuttingDown = false;

  /** Creates an empty, running queue. */
  constructor(opts: WorkQueueOptions<K> = {}) {
    const maxRetries = opts.maxRetries ?? 15;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new RangeError(`maxRetries must be an integer >= 0, got ${maxRetries}`);
    this.name = opts.name ?? '';
    this.clock = opts.clock ?? systemClock;
    this.maxRetries = maxRetries;
    this.#rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
    this.#metrics = (opts.metrics ?? noopWorkQueueMetrics).forQueue<K>(this.name, this.clock);
  }

  /** Marks `key` as needing processing; a no-op if it is already waiting or the queue is shut down. */
  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#metrics.add(key);
    this.#dirty.add(key);
    // A key being processed goes back on the queue in done(), never to a second worker now.
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /**
   * Adds `key` after `delayMs` (at once when <= 0). A key already waiting keeps the earlier of
   * its two ready times. Counts as a retry in metrics, as in client-go.
   */
  addAfter(key: K, delayMs: number): void {
    if (Number.isNaN(delayMs)) throw new RangeError(`addAfter expects a delay in ms, got ${delayMs}`);
    if (this.#shuttingDown) return;
    this.#metrics.retry();
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAtMs = this.clock.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing !== undefined) {
      if (existing.readyAtMs <= readyAtMs) return;
      existing.timer.cancel();
    }
    const timer = this.clock.setTimer(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { readyAtMs, timer });
  }

  /**
   * Adds `key` after the delay the rate limiter decides, or `atLeastMs` when that is longer (a
   * server's Retry-After); this counts one more requeue.
   */
  addRateLimited(key: K, atLeastMs = 0): void {
    this.addAfter(key, Math.max(atLeastMs, this.#rateLimiter.when(key)));
  }

  /** Clears the rate limiter's record of `key`: call it when a key succeeds or is given up. */
  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  /** Returns how many rate-limited requeues `key` has had since it was last forgotten. */
  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * Resolves with the next key to process, waiting while the queue is empty, or with
   * `undefined` once the queue is shut down and empty. The caller owns the key until `done`.
   */
  get(): Promise<K | undefined> {
    if (this.len > 0) return Promise.resolve(this.#pop());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it goes back on the queue now. */
  done(key: K): void {
    if (!this.#processing.delete(key)) return;
    this.#metrics.done(key);
    if (this.#dirty.has(key)) this.#push(key);
    this.#checkDrained();
  }

  /** The number of keys waiting to be handed out (not counting delayed or processing keys). */
  get len(): number {
    return this.#queue.length - this.#head;
  }

  /** True once `shutDown` or `shutDownWithDrain` has been called. */
  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /**
   * Stops accepting keys at once: adds are ignored, delayed adds are dropped, waiting `get`s
   * resolve `undefined` and a pending `shutDownWithDrain` resolves `false`. Idempotent.
   */
  shutDown(): void {
    this.#beginShutDown();
    this.#resolveDrainWaiters(false);
  }

  /**
   * Shuts down like `shutDown` but resolves `true` once nothing is queued or processing, or
   * `false` if that has not happened within `timeoutMs` (or `shutDown` is called meanwhile).
   * Deviation: client-go waits only for the processing set; we also wait for keys already
   * queued, so a worker between two keys does not end the drain early.
   */
  shutDownWithDrain(timeoutMs: number): Promise<boolean> {
    if (!(timeoutMs >= 0)) throw new RangeError(`shutDownWithDrain expects a timeout in ms >= 0, got ${timeoutMs}`);
    this.#beginShutDown();
    if (this.#isDrained()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => {
        this.#drainWaiters = this.#drainWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = (drained: boolean): void => {
        timer.cancel();
        resolve(drained);
      };
      this.#drainWaiters.push(waiter);
    });
  }

  #beginShutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const d of this.#delayed.values()) d.timer.cancel();
    this.#delayed.clear();
    // Getters only wait while the queue is empty, so every one of them is told "shut down".
    const getters = this.#getters;
    this.#getters = [];
    for (const resolve of getters) resolve(undefined);
  }

  #push(key: K): void {
    this.#queue.push(key);
    // Hand the key straight to a waiting getter, so it is "processing" before any other add.
    while (this.#getters.length > 0 && this.len > 0) this.#getters.shift()!(this.#pop());
  }

  #pop(): K {
    const key = this.#queue[this.#head]!;
    this.#head++;
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#metrics.get(key);
    this.#processing.add(key);
    this.#dirty.delete(key);
    return key;
  }

  #isDrained(): boolean {
    return this.#processing.size === 0 && this.len === 0;
  }

  #checkDrained(): void {
    if (this.#drainWaiters.length > 0 && this.#isDrained()) this.#resolveDrainWaiters(true);
  }

  #resolveDrainWaiters(drained: boolean): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w(drained);
  }
}
