/**
 * The controller runtime's view of time: a millisecond reading and one-shot timers. The work
 * queue, its rate limiters and its metrics take a `Clock` so tests drive time with a fake
 * (test/helpers/fake-clock.ts) and never sleep on the wall clock. The API server keeps its own
 * StoreClock; the two are deliberately separate seams.
 */

/** A pending one-shot timer; `cancel` is idempotent and harmless after the timer has fired. */
export interface TimerHandle {
  cancel(): void;
}

/** Reads the time and schedules callbacks. */
export interface Clock {
  /** The current time in milliseconds. Only differences are meaningful to the runtime. */
  now(): number;
  /**
   * Calls `fn` once, `ms` milliseconds from now (a negative or zero delay means "as soon as
   * possible", never synchronously).
   */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

/** Node caps a single setTimeout at 2^31-1 ms; longer delays are re-armed in steps. */
const maxNodeTimeoutMs = 2 ** 31 - 1;

/**
 * Reads a monotonic clock anchored at the Unix epoch (`performance.timeOrigin + now()`), so
 * wall-clock steps do not stretch or shrink backoffs. Timers are `setTimeout`s that are
 * `unref`'d: a pending retry alone does not keep the process alive.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(fn, ms) {
    const dueMs = systemClock.now() + Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const remaining = Math.max(0, dueMs - systemClock.now());
      timer = setTimeout(() => {
        // A delay longer than Node's maximum fires early; wait for the rest.
        if (dueMs - systemClock.now() > 1) arm();
        else fn();
      }, Math.min(remaining, maxNodeTimeoutMs));
      timer.unref();
    };
    arm();
    return { cancel: () => clearTimeout(timer) };
  },
};
