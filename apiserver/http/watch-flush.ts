/**
 * When the watch streams of one server send what they have queued. Each stream already gathers
 * the lines of one event-loop turn into one chunk. Under a burst of writes that still means one
 * socket write per watcher for every few events, and on loopback each write also wakes the
 * reading process: with 10 watchers that was the server's largest cost per write (see
 * BENCHMARKS.md, session 7). So sends are paced: the first after a quiet spell leaves at the end
 * of the turn, as before; while writes keep coming, all streams send together at most once per
 * interval (5 ms by default), so a burst leaves in fewer, larger chunks. A watch event is then
 * late by at most the interval, and only during a burst. kube-apiserver writes each event and
 * flushes whenever its queue is empty (endpoints/handlers/watch.go); the pacing is svcplane's own
 * (docs/architecture.md, "Where svcplane differs").
 */
import type { Timers } from './timers.js';

/** The default pacing interval of watch sends, in ms. */
export const DEFAULT_WATCH_FLUSH_INTERVAL_MS = 5;

/** Something with queued output to send. */
export interface Flushable {
  flush(): void;
}

/** Paces the sends of one server's watch streams. */
export class WatchFlusher {
  private readonly waiting = new Set<Flushable>();
  private isScheduled = false;
  private lastRunAt = Number.NEGATIVE_INFINITY;

  /**
   * @param intervalMs the least time between two sends while writes keep coming; 0 sends at the
   *   end of every turn that queued something.
   * @param timers schedules a paced send (tests drive it by hand).
   * @param now the clock, in ms.
   */
  constructor(
    private readonly intervalMs: number,
    private readonly timers: Timers,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new RangeError(`watch flush interval must be a number of ms >= 0, got ${intervalMs}`);
  }

  /** Asks for `stream.flush()` at the next send; asking again before it runs changes nothing. */
  request(stream: Flushable): void {
    this.waiting.add(stream);
    if (this.isScheduled) return;
    this.isScheduled = true;
    const wait = this.lastRunAt + this.intervalMs - this.now();
    if (wait > 0) this.timers.after(wait, () => this.run());
    else setImmediate(() => this.run());
  }

  /** Forgets `stream` (it sent or dropped its lines itself). */
  cancel(stream: Flushable): void {
    this.waiting.delete(stream);
  }

  private run(): void {
    this.isScheduled = false;
    this.lastRunAt = this.now();
    const streams = [...this.waiting];
    this.waiting.clear();
    for (const s of streams) s.flush();
  }
}
