/**
 * The timers the HTTP front uses (watch timeouts, bookmarks, delayed delivery), behind a small
 * interface so tests drive them by hand instead of sleeping.
 */

/** Schedules callbacks; the returned function cancels. */
export interface Timers {
  /** Runs `fn` once after `ms` milliseconds; returns a cancel function (idempotent). */
  after(ms: number, fn: () => void): () => void;
}

/** Real timers (unref'd, so a forgotten watch never keeps the process alive). */
export const realTimers: Timers = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
