/**
 * Waits for a condition about the state of the world (controllers converging against the API
 * server), polling on real time with a hard bound so a broken controller fails the test
 * instead of hanging it. For integration tests only; unit tests drive a FakeClock instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of eventually. */
export interface EventuallyOptions {
  /** Give up after this long. @default 10000 */
  timeoutMs?: number;
  /** Poll this often. @default 20 */
  intervalMs?: number;
  /** Names the condition in the failure. */
  what?: string;
}

/**
 * Resolves with the first truthy value `check` returns (sync or async); rejects with the last
 * value or error seen once `timeoutMs` passes.
 */
export async function eventually<T>(check: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}; last: ${detail}`);
    }
    await sleep(opts.intervalMs ?? 20);
  }
}
