/**
 * Runs a controller's reconcile over a `WorkQueue` with bounded concurrency (the
 * `--concurrent-*-syncs` workers), classifying each outcome the way the controllers'
 * `handleErr` does (`pkg/controller/endpoint/endpoints_controller.go`, `handleErr`):
 * success forgets the key; a thrown error is retried with rate limiting until `maxRetries`, then
 * the key is forgotten and dropped; a terminal error is dropped at once; `requeueAfterMs`
 * forgets the failures and schedules a delayed add. p-queue bounds concurrency and nothing else:
 * dedupe, exclusivity and retries belong to the work queue.
 */
import PQueue from 'p-queue';
import { ApiError } from '../../api-types/api-error.js';
import type { WorkQueue } from './work-queue.js';

/** What a reconcile may ask for on success. */
export type ReconcileResult = { requeueAfterMs?: number } | void;

/** What happened to a key whose reconcile failed. */
export type FailureOutcome = 'requeued' | 'dropped' | 'terminal';

/**
 * An error that retrying cannot fix (for example an invalid spec already reported with an
 * event). The pool forgets the key instead of requeueing it. Any error with `terminal === true`
 * is treated the same way.
 */
export class TerminalError extends Error {
  /** Stable code callers match on. */
  readonly code = 'Terminal' as const;
  /** Marks the error as not worth retrying. */
  readonly terminal = true as const;

  /** Wraps an optional `cause` with the given message. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/** Reports whether `err` asks not to be retried (`terminal === true`). */
export function isTerminalError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { terminal?: unknown }).terminal === true;
}

/** The pino-shaped subset of a logger the pool uses. */
export interface WorkerLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of `runWorkers`. */
export interface RunWorkersOptions<K> {
  /** How many keys may be reconciled at once (>= 1). */
  concurrency: number;
  /** Reconciles one key; `signal` aborts when the pool is stopped. */
  reconcile: (key: K, ctx: { signal: AbortSignal }) => Promise<ReconcileResult>;
  /** Called for every failed reconcile with what the pool did about it. Must not throw. */
  onError?: (key: K, err: unknown, outcome: FailureOutcome) => void;
  /** Called when a key is given up: retries exhausted (`dropped`) or a terminal error. Must not throw. */
  onDrop?: (key: K, err: unknown) => void;
  /** Logs retries (info) and drops (error). @default no logging */
  logger?: WorkerLogger;
}

/** A running pool. */
export interface WorkerPoolHandle {
  /** The number of reconciles running now. */
  readonly inFlight: number;
  /**
   * Shuts the queue down, abandons keys still queued, aborts the signal given to running
   * reconciles, and resolves once they have settled. Idempotent. A reconcile that fails after
   * the abort is cut short, not failed: no retry, no `onError`, one summary log line.
   */
  stop(): Promise<void>;
  /**
   * Shuts the queue down and keeps working until everything queued and running is done:
   * resolves `true` if that happened within `timeoutMs`, otherwise stops (as `stop`) and
   * resolves `false` once the running reconciles have settled.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** Resolves when the pool has stopped taking keys and nothing is running. */
  readonly done: Promise<void>;
}

/**
 * Starts workers that take keys from `queue` and reconcile them, at most `concurrency` at once.
 *
 * 1. Wait for a free slot, then take the next key (so a key is never held while no worker can
 *    run it).
 * 2. Run reconcile on p-queue; classify the outcome; mark the key done.
 * 3. When the queue says "shut down", wait for running keys (they may put back keys dirtied
 *    before the shutdown) and stop once nothing is queued or running.
 */
export function runWorkers<K>(queue: WorkQueue<K>, opts: RunWorkersOptions<K>): WorkerPoolHandle {
  const { concurrency } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  const pq = new PQueue({ concurrency });
  const abort = new AbortController();
  let inFlight = 0;
  let stopping = false;
  let onSettled: (() => void) | undefined;
  const settled = (): Promise<void> => new Promise((resolve) => { onSettled = resolve; });

  let cutShort = 0;

  const fail = (key: K, err: unknown): void => {
    if (abort.signal.aborted) {
      // Stopped: the reconcile was cut short (its requests aborted), not failed, and the queue,
      // shut down, would not take a retry. One line at the end says how many, not one per key.
      queue.forget(key);
      cutShort++;
      return;
    }
    let outcome: FailureOutcome;
    if (isTerminalError(err)) {
      outcome = 'terminal';
      queue.forget(key);
    } else if (queue.numRequeues(key) < queue.maxRetries) {
      outcome = 'requeued';
      // A server that said when to come back (429 or 5xx with Retry-After) is not asked sooner,
      // as client-go's rest client waits it out (rest/with_retry.go checkWait).
      const retryAfterSeconds = retryAfterOf(err);
      queue.addRateLimited(key, retryAfterSeconds !== undefined && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 0);
    } else {
      outcome = 'dropped';
      queue.forget(key);
    }
    const fields = { queue: queue.name, key, err, retries: queue.numRequeues(key) };
    if (outcome === 'requeued') opts.logger?.info(fields, 'Error syncing key, retrying');
    else opts.logger?.error(fields, outcome === 'dropped' ? 'Dropping key out of the queue' : 'Terminal error syncing key, not retrying');
    opts.onError?.(key, err, outcome);
    if (outcome !== 'requeued') opts.onDrop?.(key, err);
  };

  const reconcileOne = async (key: K): Promise<void> => {
    try {
      const result = await opts.reconcile(key, { signal: abort.signal });
      const afterMs = result?.requeueAfterMs;
      queue.forget(key);
      if (afterMs !== undefined) {
        if (!Number.isFinite(afterMs)) throw new RangeError(`requeueAfterMs must be a finite number, got ${afterMs}`);
        queue.addAfter(key, afterMs);
      }
    } catch (err) {
      fail(key, err);
    } finally {
      // As in client-go, the retry is scheduled before done(), so an immediate retry waits
      // behind this run instead of racing it.
      queue.done(key);
      inFlight--;
      onSettled?.();
    }
  };

  const pump = async (): Promise<void> => {
    for (;;) {
      // 1.
      while (inFlight >= concurrency) await settled();
      if (stopping) break;
      const key = await queue.get();
      if (stopping) {
        if (key !== undefined) queue.done(key);
        break;
      }
      if (key === undefined) {
        // 3.
        if (inFlight === 0 && queue.len === 0) break;
        if (inFlight > 0) await settled();
        continue;
      }
      // 2.
      inFlight++;
      // reconcileOne catches everything but a throwing callback; log that rather than leave an
      // unhandled rejection behind.
      pq.add(() => reconcileOne(key)).catch((err: unknown) => opts.logger?.error({ queue: queue.name, key, err }, 'Worker callback threw'));
    }
    while (inFlight > 0) await settled();
    await pq.onIdle();
  };

  const done = pump();

  const stop = async (): Promise<void> => {
    const first = !stopping;
    stopping = true;
    abort.abort();
    queue.shutDown();
    await done;
    if (first && cutShort > 0) opts.logger?.info({ queue: queue.name, count: cutShort }, 'Reconciles cut short by shutdown');
  };

  return {
    get inFlight() { return inFlight; },
    stop,
    async drain(timeoutMs: number): Promise<boolean> {
      const drained = await queue.shutDownWithDrain(timeoutMs);
      if (!drained) await stop();
      else await done;
      return drained;
    },
    done,
  };
}

/**
 * The Retry-After a server gave with the failure `err`, in seconds: its own, or that of the
 * ApiError it wraps (`cause`, as a controller wraps a write's error in its own words), if any.
 */
function retryAfterOf(err: unknown): number | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ApiError) return e.retryAfterSeconds;
  }
  return undefined;
}
