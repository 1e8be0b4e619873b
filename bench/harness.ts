/**
 * Benchmark harness: runs a measurement several times, takes the median, and prints each figure
 * as a ratio against a baseline measured in the same run (these machines are shared and noisy,
 * so absolute times mean little). Every benchmark file exports `run(report)`.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One printed figure. */
export interface Figure {
  /** What is measured, e.g. "AllocateNext filling a /12". */
  name: string;
  /** The measured ratio (ours / baseline), or another dimensionless figure. */
  value: number;
  /** The target, e.g. "<= 0.05". */
  target: string;
  /** Whether `value` meets `target`. */
  ok: boolean;
  /** Raw numbers behind the ratio, for BENCHMARKS.md. */
  detail?: string;
}

/** Collects figures; `run.ts` prints them as a table. */
export type Report = (f: Figure) => void;

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times `fn` `reps` times (after `setup` each time, not timed) and returns the median in ms.
 * @param reps at least 5 for a reported figure.
 */
export function timeMedian<S>(reps: number, setup: () => S, fn: (s: S) => void): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = setup();
    const t0 = performance.now();
    fn(s);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Async variant of timeMedian. */
export async function timeMedianAsync<S>(reps: number, setup: () => Promise<S> | S, fn: (s: S) => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = await setup();
    const t0 = performance.now();
    await fn(s);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Builds a figure for "ratio <= limit". */
export function atMost(name: string, value: number, limit: number, detail?: string): Figure {
  return { name, value, target: `<= ${limit}`, ok: value <= limit, detail };
}

/** Builds a figure for "ratio >= limit". */
export function atLeast(name: string, value: number, limit: number, detail?: string): Figure {
  return { name, value, target: `>= ${limit}`, ok: value >= limit, detail };
}

/** Returns a garbage-collect function: global.gc when exposed, else one enabled at run time. */
export function findGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/** Bytes in use on the heap and in typed-array backing stores. */
export function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Runs `count` calls of `fn(i)`, `concurrency` at a time; returns the elapsed ms. */
export async function drive(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
  return performance.now() - t0;
}
