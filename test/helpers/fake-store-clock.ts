/**
 * A StoreClock for tests: time stands still until `advance` moves it, firing due timers in order.
 */
import type { StoreClock, StoreTimer } from '../../apiserver/clock.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A manually driven StoreClock. */
export class FakeStoreClock implements StoreClock {
  private ms: number;
  private seq = 0;
  private pending: Pending[] = [];

  /** Starts at `start` (default 2026-01-02T03:04:05Z). */
  constructor(start: Date | string = '2026-01-02T03:04:05Z') {
    this.ms = new Date(start).getTime();
  }

  /** The current fake instant. */
  now(): Date {
    return new Date(this.ms);
  }

  /** Schedules `fn` to fire when `advance` passes `ms` from now. */
  setTimer(fn: () => void, ms: number): StoreTimer {
    const p: Pending = { at: this.ms + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => { p.cancelled = true; } };
  }

  /** Timers scheduled and neither fired nor cancelled. */
  pendingCount(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (;;) {
      const due = this.pending
        .filter((p) => !p.cancelled && p.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.ms = due.at;
      due.fn();
    }
    this.ms = target;
    this.pending = this.pending.filter((p) => !p.cancelled);
  }
}
