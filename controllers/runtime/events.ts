/**
 * The event recorder: events.k8s.io/v1 Events (falling back to core/v1 where that group is not
 * served), aggregated into series and rate-limited per object, written in the background so a
 * reconcile never waits on it. Aggregation follows client-go's tools/events broadcaster:
 *
 * 1. Events are isomorphic when type, action, reason, reporting controller and instance,
 *    regarding and related agree (the note may differ; the first note stays).
 * 2. The first occurrence is created (name `<regarding.name>.<hex nanoseconds>`); the first repeat
 *    turns it into a series of 2 and is written at once; later repeats only count, and the count
 *    is written every `seriesFlushMs` (client-go waits up to 30 minutes; we write sooner so that
 *    `kubectl describe` shows fresh counts).
 * 3. A series (or a singleton) not seen for 6 minutes is finished: its final count is written and
 *    it leaves the cache, so the next occurrence starts a new Event.
 * 4. New Events per object are limited by a token bucket (burst 25, one more per 5 minutes), the
 *    spam filter of client-go's core recorder; repeats folded into a series are never limited.
 */
import type { CoreEvent, ObjectReference } from '../../api-types/core.js';
import type { EventsV1Event } from '../../api-types/networking.js';
import type { KubeObject } from '../../api-types/meta.js';
import { ApiError } from '../../api-types/api-error.js';
import type { Clock, TimerHandle } from './clock.js';
import type { KubeClient } from './kube-client.js';
import { microTime } from './leader-election.js';

/** What a controller reports. */
export interface EventInput {
  regarding: ObjectReference;
  related?: ObjectReference;
  type: 'Normal' | 'Warning';
  /** Kubernetes' reason, e.g. ClusterIPAlreadyAllocated. */
  reason: string;
  /** What was done or failed, e.g. ClusterIPAllocation. */
  action: string;
  note: string;
}

/** Options of EventRecorder. */
export interface EventRecorderOptions {
  client: KubeClient;
  /** reportingController, e.g. `endpoint-slice-controller`. */
  controller: string;
  /** reportingInstance, e.g. `<controller>-<host>`. */
  instance: string;
  clock: Clock;
  /** How often repeat counts are written. @default 30000 */
  seriesFlushMs?: number;
  /** New Events per object before limiting. @default 25 */
  burst?: number;
  /** One more new Event per object per this many ms. @default 300000 */
  refillMs?: number;
  /** Writes waiting at most; past it the oldest is dropped. @default 1000 */
  maxPending?: number;
  logger?: { warn(o: object, m: string): void };
}

interface Cached {
  event: EventsV1Event;
  lastSeenMs: number;
  /** Count already written to the server. */
  writtenCount: number;
}

const finishMs = 6 * 60_000;
const eventsV1 = { group: 'events.k8s.io', version: 'v1', resource: 'events' };
const coreV1 = { group: '', version: 'v1', resource: 'events' };

/** Records Events without ever blocking the caller. */
export class EventRecorder {
  readonly #o: Required<Omit<EventRecorderOptions, 'logger'>> & Pick<EventRecorderOptions, 'logger'>;
  readonly #cache = new Map<string, Cached>();
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();
  readonly #pending: (() => Promise<void>)[] = [];
  #writing = false;
  #useCore = false;
  #timer?: TimerHandle;
  #idle: (() => void)[] = [];
  /** Spreads names of Events created in the same millisecond over its nanoseconds. */
  #seq = 0;
  /** Events dropped by the rate limit or a full buffer (for metrics and tests). */
  dropped = 0;

  constructor(opts: EventRecorderOptions) {
    this.#o = { seriesFlushMs: 30_000, burst: 25, refillMs: 300_000, maxPending: 1000, ...opts };
  }

  /** Records an event; returns at once. */
  record(e: EventInput): void {
    const now = this.#o.clock.now();
    const key = eventKey(e, this.#o.controller, this.#o.instance);
    const cached = this.#cache.get(key);
    if (cached && now - cached.lastSeenMs < finishMs) {
      // 2. A repeat: count it; the first repeat is written at once.
      cached.lastSeenMs = now;
      const series = cached.event.series ?? { count: 1, lastObservedTime: '' };
      cached.event.series = { count: series.count + 1, lastObservedTime: microTime(now) };
      if (cached.event.series.count === 2) this.#enqueue(() => this.#writeSeries(cached));
      this.#arm();
      return;
    }
    // 4. A new Event: limited per object.
    if (!this.#take(objectKey(e.regarding), now)) {
      this.dropped++;
      return;
    }
    const event = this.#build(e, now);
    const entry: Cached = { event, lastSeenMs: now, writtenCount: 1 };
    this.#cache.set(key, entry);
    this.#enqueue(() => this.#create(entry));
    this.#arm();
  }

  /** Resolves when every queued write has been attempted (tests, shutdown). */
  flush(): Promise<void> {
    if (!this.#writing && this.#pending.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  /**
   * Writes outstanding series counts and stops the timer. With `timeoutMs`, stops waiting after
   * that long (on the clock): writes not yet started are dropped (counted in `dropped`), the one
   * in flight is left to the client (the manager aborts it). Writes go through the client's rate
   * limit, so a backlog could otherwise hold a shutdown for minutes; client-go's broadcaster
   * drops what is queued on Shutdown too.
   * @param timeoutMs how long to wait for the writes. @default Infinity
   */
  async close(timeoutMs = Infinity): Promise<void> {
    if (!(timeoutMs >= 0)) throw new RangeError(`close expects a timeout in ms >= 0, got ${timeoutMs}`);
    this.#timer?.cancel();
    this.#timer = undefined;
    for (const c of this.#cache.values()) {
      if ((c.event.series?.count ?? 1) > c.writtenCount) this.#enqueue(() => this.#writeSeries(c));
    }
    if (timeoutMs === Infinity) return this.flush();
    let timer: TimerHandle | undefined;
    const flushed = await Promise.race([
      this.flush().then(() => true),
      new Promise<boolean>((resolve) => (timer = this.#o.clock.setTimer(() => resolve(false), timeoutMs))),
    ]);
    timer?.cancel();
    if (flushed) return;
    const dropped = this.#pending.length;
    this.#pending.length = 0;
    this.dropped += dropped;
    this.#o.logger?.warn({ controller: this.#o.controller, dropped, timeoutMs }, 'events not written at shutdown; dropping them');
  }

  #build(e: EventInput, now: number): EventsV1Event {
    const namespace = e.regarding.namespace || 'default';
    const ev: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${e.regarding.name}.${(BigInt(Math.floor(now)) * 1_000_000n + BigInt(this.#seq++ % 1_000_000)).toString(16)}`, namespace },
      eventTime: microTime(now),
      reportingController: this.#o.controller,
      reportingInstance: this.#o.instance,
      action: e.action,
      reason: e.reason,
      regarding: e.regarding,
      note: e.note.slice(0, 1024),
      type: e.type,
    };
    if (e.related) ev.related = e.related;
    return ev;
  }

  /** Every seriesFlushMs: write counts that grew; 3. finish what was not seen for 6 minutes. */
  #arm(): void {
    if (this.#timer) return;
    this.#timer = this.#o.clock.setTimer(() => {
      this.#timer = undefined;
      const now = this.#o.clock.now();
      for (const [key, c] of this.#cache) {
        if ((c.event.series?.count ?? 1) > c.writtenCount) this.#enqueue(() => this.#writeSeries(c));
        if (now - c.lastSeenMs >= finishMs) this.#cache.delete(key);
      }
      if (this.#cache.size) this.#arm();
    }, this.#o.seriesFlushMs);
  }

  #take(key: string, now: number): boolean {
    const { burst, refillMs } = this.#o;
    const b = this.#buckets.get(key) ?? { tokens: burst, atMs: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.atMs) / refillMs);
    b.atMs = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  #enqueue(write: () => Promise<void>): void {
    if (this.#pending.length >= this.#o.maxPending) {
      this.#pending.shift();
      this.dropped++;
    }
    this.#pending.push(write);
    if (!this.#writing) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length) {
      const write = this.#pending.shift()!;
      try {
        await write();
      } catch (err) {
        this.#o.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'unable to write event; dropping it');
      }
    }
    this.#writing = false;
    for (const r of this.#idle.splice(0)) r();
  }

  async #create(c: Cached): Promise<void> {
    const snapshot = structuredClone(c.event);
    c.writtenCount = snapshot.series?.count ?? 1;
    if (!this.#useCore) {
      try {
        await this.#o.client.resource<EventsV1Event>(eventsV1).create(snapshot.metadata.namespace, snapshot);
        return;
      } catch (err) {
        if (!isGroupNotServed(err)) throw err;
        this.#useCore = true;
      }
    }
    await this.#o.client.resource<CoreEvent>(coreV1).create(snapshot.metadata.namespace, toCore(snapshot));
  }

  async #writeSeries(c: Cached): Promise<void> {
    const series = c.event.series;
    if (!series || series.count <= c.writtenCount) return;
    const { namespace, name } = c.event.metadata;
    c.writtenCount = series.count;
    try {
      if (this.#useCore) {
        await this.#o.client.resource<CoreEvent>(coreV1).patch(namespace, name!, 'application/merge-patch+json', { count: series.count, lastTimestamp: series.lastObservedTime.replace(/\.\d+Z$/, 'Z'), series });
      } else {
        await this.#o.client.resource<EventsV1Event>(eventsV1).patch(namespace, name!, 'application/merge-patch+json', { series });
      }
    } catch (err) {
      // The Event was deleted (or never written): create it again with its series.
      if (err instanceof ApiError && err.code === 404) await this.#create(c);
      else throw err;
    }
  }
}

function eventKey(e: EventInput, controller: string, instance: string): string {
  return JSON.stringify([e.type, e.action, e.reason, controller, instance, e.regarding, e.related ?? null]);
}

function objectKey(r: ObjectReference): string {
  return `${r.kind}/${r.namespace ?? ''}/${r.name}/${r.uid ?? ''}`;
}

/** A 404 for the events.k8s.io resource itself (not for a missing namespace). */
function isGroupNotServed(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404 && err.status.details?.kind !== 'namespaces';
}

/** The same Event as core/v1 (what kubectl describe shows on older servers). */
function toCore(e: EventsV1Event): CoreEvent {
  const seconds = e.eventTime.replace(/\.\d+Z$/, 'Z');
  const out: CoreEvent = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    source: { component: e.reportingController },
    firstTimestamp: seconds,
    lastTimestamp: seconds,
    eventTime: e.eventTime,
    count: e.series?.count ?? 1,
    type: e.type,
    action: e.action,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
  if (e.series) out.series = e.series;
  return out;
}

/** A reference to an object for Event.regarding. */
export function referenceTo(obj: KubeObject, kind: string, apiVersion = 'v1'): ObjectReference {
  return { kind, apiVersion, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion };
}
