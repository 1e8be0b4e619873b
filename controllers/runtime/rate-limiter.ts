/**
 * Rate limiters for the work queue, after client-go's
 * `staging/src/k8s.io/client-go/util/workqueue/default_rate_limiters.go`: a per-key exponential
 * backoff, an overall token bucket (golang.org/x/time/rate semantics), and their maximum, which
 * is what every controller in the suite uses.
 */
import type { Clock } from './clock.js';

/** Decides how long a key waits before its next retry, and counts its failures. */
export interface RateLimiter<K = string> {
  /** Returns the delay in ms before `key` may be retried, and records one more requeue. */
  when(key: K): number;
  /** Stops tracking `key` (it succeeded, or the caller gave up on it). */
  forget(key: K): void;
  /** Returns how many times `key` has been requeued since it was last forgotten. */
  numRequeues(key: K): number;
}

function checkDurationMs(what: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${what} must be a finite number of ms >= 0, got ${ms}`);
}

/**
 * Backs off per key: the n-th failure (counting from 0) waits `baseMs * 2^n`, capped at `maxMs`.
 * Ports `ItemExponentialFailureRateLimiter`; giving up after too many retries is the caller's job.
 */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();

  /**
   * @param baseMs delay after the first failure (Endpoints: 5 ms, EndpointSlice: 1000 ms).
   * @param maxMs the cap on any single delay (both controllers: 1000 s).
   */
  constructor(readonly baseMs: number, readonly maxMs: number) {
    checkDurationMs('baseMs', baseMs);
    checkDurationMs('maxMs', maxMs);
  }

  /** Returns `min(maxMs, baseMs * 2^failures)` and counts one more failure for `key`. */
  when(key: K): number {
    const exp = this.#failures.get(key) ?? 0;
    this.#failures.set(key, exp + 1);
    // 2^exp overflows to Infinity for large exp, which the cap absorbs.
    const backoffMs = this.baseMs * 2 ** exp;
    return backoffMs > this.maxMs ? this.maxMs : backoffMs;
  }

  /** Resets the failure count of `key`. */
  forget(key: K): void {
    this.#failures.delete(key);
  }

  /** Returns the number of failures recorded for `key`. */
  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * An overall token bucket shared by all keys: `burst` tokens, refilled at `qps` per second. Each
 * `when` reserves one token, borrowing from the future when the bucket is empty (the delay is
 * the time until that token exists), as `rate.Limiter.Reserve().Delay()` does in Go.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  #tokens: number;
  #lastMs: number;

  /**
   * @param qps refill rate in tokens per second (> 0).
   * @param burst bucket size, and its initial fill (an integer >= 1).
   * @param clock where time is read.
   */
  constructor(readonly qps: number, readonly burst: number, readonly clock: Clock) {
    if (!Number.isFinite(qps) || qps <= 0) throw new RangeError(`qps must be a finite number > 0, got ${qps}`);
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be an integer >= 1, got ${burst}`);
    this.#tokens = burst;
    this.#lastMs = clock.now();
  }

  /** Reserves one token and returns how long (ms) to wait until it is available. */
  when(_key: K): number {
    const nowMs = this.clock.now();
    // A reading earlier than the last one (it should not happen) refills nothing.
    const elapsedMs = Math.max(0, nowMs - this.#lastMs);
    const tokens = Math.min(this.burst, this.#tokens + (elapsedMs * this.qps) / 1000) - 1;
    this.#tokens = tokens;
    this.#lastMs = Math.max(nowMs, this.#lastMs);
    return tokens < 0 ? (-tokens * 1000) / this.qps : 0;
  }

  /** Does nothing: the bucket does not track keys. */
  forget(_key: K): void {}

  /** Always 0: the bucket does not track keys. */
  numRequeues(_key: K): number {
    return 0;
  }
}

/**
 * Asks every limiter and returns the longest delay (each one records the request). With a
 * bucket inside, the burst can appear to be exceeded when some keys were delayed longer by
 * another limiter; client-go accepts the same.
 */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];

  /** @param limiters at least one limiter. */
  constructor(...limiters: RateLimiter<K>[]) {
    if (limiters.length === 0) throw new RangeError('MaxOfRateLimiter needs at least one limiter, got 0');
    this.#limiters = limiters;
  }

  /** Returns the largest delay any limiter asks for. */
  when(key: K): number {
    let delayMs = 0;
    for (const l of this.#limiters) delayMs = Math.max(delayMs, l.when(key));
    return delayMs;
  }

  /** Forgets `key` in every limiter. */
  forget(key: K): void {
    for (const l of this.#limiters) l.forget(key);
  }

  /** Returns the largest requeue count any limiter reports. */
  numRequeues(key: K): number {
    let n = 0;
    for (const l of this.#limiters) n = Math.max(n, l.numRequeues(key));
    return n;
  }
}

/** Options of `defaultControllerRateLimiter`. */
export interface ControllerRateLimiterOptions {
  /** Per-key backoff after the first failure. @default 5 (client-go's DefaultControllerRateLimiter) */
  baseMs?: number;
  /** Per-key backoff cap. @default 1_000_000 (1000 s) */
  maxMs?: number;
  /** Overall retry rate. @default 10 */
  qps?: number;
  /** Overall retry burst. @default 100 */
  burst?: number;
}

/**
 * Builds the controllers' limiter: the maximum of a per-key exponential backoff and an overall
 * 10 qps / burst 100 bucket (client-go `DefaultControllerRateLimiter`). The EndpointSlice
 * controller passes `baseMs: 1000`.
 */
export function defaultControllerRateLimiter<K = string>(clock: Clock, opts: ControllerRateLimiterOptions = {}): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(opts.baseMs ?? 5, opts.maxMs ?? 1_000_000),
    new BucketRateLimiter<K>(opts.qps ?? 10, opts.burst ?? 100, clock),
  );
}
