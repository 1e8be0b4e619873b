/**
 * A manually driven `Clock` for runtime tests: time moves only when a test calls `advance`, and
 * timers fire in due order during that call. Nothing here touches the wall clock.
 */
import type { Clock, TimerHandle } from '../../controllers/runtime/clock.js';

interface FakeTimer {
  dueMs: number;
  seq: number;
  fn: () => void;
}

/** A `Clock` whose time only moves when `advance` is called. */
export class FakeClock implements Clock {
  #nowMs: number;
  #seq = 0;
  #timers = new Set<FakeTimer>();

  /**
   * Creates a clock reading `startMs`.
   * @param startMs the initial reading. @default 0
   */
  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  /** Returns the current fake time in milliseconds. */
  now(): number {
    return this.#nowMs;
  }

  /** Schedules `fn` at now + max(0, ms); it fires only inside a later `advance`. */
  setTimer(fn: () => void, ms: number): TimerHandle {
    if (!Number.isFinite(ms) && ms !== Infinity) throw new RangeError(`timer delay must be a number of ms, got ${ms}`);
    const timer: FakeTimer = { dueMs: this.#nowMs + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.add(timer);
    return { cancel: () => { this.#timers.delete(timer); } };
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way in (due time,
   * creation) order, with the clock reading each timer's due time while it runs. Timers that
   * callbacks schedule fire too if they fall due before the end.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance expects a finite ms >= 0, got ${ms}`);
    const targetMs = this.#nowMs + ms;
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.dueMs > targetMs) break;
      this.#timers.delete(next);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.fn();
    }
    this.#nowMs = targetMs;
  }

  /** The number of timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** The due time of the earliest pending timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#earliest()?.dueMs;
  }

  #earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/**
 * Lets pending promise callbacks run: resolves after `rounds` turns of the event loop
 * (setImmediate), which is enough for async workers to pick up and finish settled work.
 * @param rounds how many event-loop turns to yield. @default 5
 */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
