/**
 * The store's view of time: the current instant and one-shot timers (graceful pod deletion,
 * continue-token expiry). Injected so tests drive time with a fake clock instead of sleeping.
 */

/** A scheduled callback that can be cancelled. */
export interface StoreTimer {
  /** Cancels the timer; idempotent, and harmless after it fired. */
  cancel(): void;
}

/** The clock a MemoryStore reads and schedules with. */
export interface StoreClock {
  /** The current instant. */
  now(): Date;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): StoreTimer;
}

/** The wall clock, with timers that do not keep the process alive. */
export const systemClock: StoreClock = {
  now: () => new Date(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};
