/** Hand-driven Timers for tests: nothing fires until `advance` moves time past it. */
import type { Timers } from '../../../apiserver/http/timers.js';

/** Timers whose clock only moves when the test says so. */
export class FakeTimers implements Timers {
  private nowMs = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  after(ms: number, fn: () => void): () => void {
    const id = this.seq++;
    this.pending.set(id, { at: this.nowMs + ms, fn });
    return () => this.pending.delete(id);
  }

  /** The fake clock, in ms since the start. */
  now(): number {
    return this.nowMs;
  }

  /** How many timers are armed. */
  size(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing due timers in due order (then creation order). */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.pending.delete(next[0]);
      this.nowMs = next[1].at;
      next[1].fn();
    }
    this.nowMs = target;
  }
}
