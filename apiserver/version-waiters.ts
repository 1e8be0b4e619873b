/**
 * Reads that wait for a resourceVersion the store has not reached yet, as kube-apiserver's watch
 * cache lets a get or list "not older than N" wait up to 3 s for N (cacher/watch_cache.go
 * waitUntilFreshAndBlock, blockTimeout) before it answers 504.
 */
import type { StoreClock, StoreTimer } from './clock.js';

/** How long a read waits for its resourceVersion (watch_cache.go blockTimeout). */
export const FRESHNESS_WAIT_MS = 3000;

interface Waiter {
  rv: number;
  done: () => void;
  timer: StoreTimer;
}

/** Pending waits, settled as the store's resourceVersion moves or their time runs out. */
export class VersionWaiters {
  readonly #clock: StoreClock;
  #waiting: Waiter[] = [];

  constructor(clock: StoreClock) {
    this.#clock = clock;
  }

  /** Whether anyone waits (the store's commit checks this first, so writes pay nothing). */
  get size(): number {
    return this.#waiting.length;
  }

  /** Resolves once `reached` reports `rv` or more, or after `timeoutMs`; never rejects. */
  wait(rv: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        rv,
        done: () => {
          waiter.timer.cancel();
          this.#waiting = this.#waiting.filter((w) => w !== waiter);
          resolve();
        },
        timer: this.#clock.setTimer(() => waiter.done(), timeoutMs),
      };
      this.#waiting.push(waiter);
    });
  }

  /** The store reached `rv`: every wait for it or less is over. */
  reached(rv: number): void {
    for (const w of this.#waiting.filter((x) => x.rv <= rv)) w.done();
  }
}
