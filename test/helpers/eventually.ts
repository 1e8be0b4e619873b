/**
 * Polls a condition until it holds: the controller tests' way of asserting the state of the world
 * rather than the sequence of calls. Uses short real waits, so it belongs in controller tests
 * over the in-process API server, not in pure unit tests.
 */

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this long. @default 5000 */
  timeoutMs?: number;
  /** Wait between polls. @default 10 */
  intervalMs?: number;
}

/** The truthy part of T: what `eventually` resolves with. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Resolves with the first truthy value `fn` returns; rejects with the last thrown error (or a
 * timeout error naming `what`) once `timeoutMs` has passed.
 */
export async function eventually<T>(what: string, fn: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<Truthy<T>> {
  const deadline = performance.now() + (opts.timeoutMs ?? 5000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Truthy<T>;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`eventually: ${what} did not happen in time${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 10));
  }
}
