/**
 * The store's watch machinery: a bounded per-resource history of changes (what a watch from
 * resourceVersion N replays, and what an Exact list reconstructs from) and the fan-out of each
 * change to the watchers of that resource, with selector transitions turned into ADDED/DELETED
 * as the watch cache does (apiserver/pkg/storage/cacher/cache_watcher.go convertToWatchEvent).
 *
 * Delivery goes through one FIFO queue drained synchronously: a sink that writes to the store
 * from inside its callback has its write's events queued behind the ones being delivered, so
 * every watcher sees events in resourceVersion order whatever the re-entrancy.
 */
import type { KubeObject, WatchEvent } from '../api-types/meta.js';
import { expired } from './errors.js';
import type { WatchHandle, WatchSink } from './types.js';
import { cloneJson, freezeJson } from './store-meta.js';

/** One committed change of one object. `object` is the new state (for DELETED the final state, stamped with the new RV). */
export interface ChangeEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The state before the change (undefined for ADDED). */
  prev?: KubeObject;
}

/** A watch handle that can also be asked for a bookmark (the HTTP front calls it before a timeout close). */
export interface MemoryWatchHandle extends WatchHandle {
  /** Sends a BOOKMARK at the current resourceVersion if the watch allowed bookmarks. */
  bookmark(): void;
}

interface Watcher {
  matches(obj: KubeObject): boolean;
  sink: WatchSink;
  stopped: boolean;
  allowBookmarks: boolean;
  kind: string;
  apiVersion: string;
}

/** Annotation on the BOOKMARK that ends a streaming list's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

// The events of one change, built once and shared by every watcher it is sent to.
const sharedEvents = new WeakMap<ChangeEntry, Partial<Record<WatchEvent['type'], WatchEvent>>>();

function sharedEvent(entry: ChangeEntry, type: 'ADDED' | 'MODIFIED' | 'DELETED'): WatchEvent {
  let events = sharedEvents.get(entry);
  if (!events) sharedEvents.set(entry, (events = {}));
  let ev = events[type];
  if (!ev) {
    // A selector-driven DELETED shows the previous content at the change's resourceVersion.
    const object = entry.type === 'MODIFIED' && type === 'DELETED' ? withRV(entry.prev as KubeObject, entry.rv) : entry.object;
    ev = events[type] = Object.freeze({ type, object });
  }
  return ev;
}

const withRV = (obj: KubeObject, rv: number): KubeObject => {
  const copy = cloneJson(obj);
  copy.metadata.resourceVersion = String(rv);
  return freezeJson(copy);
};

/**
 * Turns a change into what one watcher sees: MODIFIED, ADDED when the object starts matching,
 * DELETED (previous content, new RV) when it stops, nothing when it never matched. The event and
 * its object are deep-frozen and shared by every watcher of the change (no copy per watcher).
 */
export function eventFor(entry: ChangeEntry, matches: (obj: KubeObject) => boolean): WatchEvent | undefined {
  if (entry.type === 'ADDED') return matches(entry.object) ? sharedEvent(entry, 'ADDED') : undefined;
  if (entry.type === 'DELETED') return matches(entry.object) ? sharedEvent(entry, 'DELETED') : undefined;
  const was = entry.prev !== undefined && matches(entry.prev);
  const is = matches(entry.object);
  if (was && is) return sharedEvent(entry, 'MODIFIED');
  if (is) return sharedEvent(entry, 'ADDED');
  if (was) return sharedEvent(entry, 'DELETED');
  return undefined;
}

/** The retained changes of one resource, oldest first. */
export class ResourceHistory {
  private entries: ChangeEntry[] = [];
  private start = 0;
  /** Every change with rv ≤ compactedRV is forgotten. */
  compactedRV: number;

  constructor(private readonly capacity: number, compactedRV: number) {
    this.compactedRV = compactedRV;
  }

  /** Appends a change, forgetting the oldest beyond capacity. */
  push(entry: ChangeEntry): void {
    this.entries.push(entry);
    if (this.entries.length - this.start > this.capacity) {
      this.compactedRV = this.entries[this.start].rv;
      this.start++;
      // Reclaim the dead prefix now and then: amortised O(1) per push.
      if (this.start > 1024 && this.start * 2 > this.entries.length) {
        this.entries = this.entries.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** Forgets everything up to `rv`. */
  compact(rv: number): void {
    this.entries = [];
    this.start = 0;
    this.compactedRV = Math.max(this.compactedRV, rv);
  }

  /**
   * The changes after `rv`, oldest first.
   * @throws ApiError 410 Expired when changes after `rv` have been forgotten.
   */
  since(rv: number): ChangeEntry[] {
    if (rv < this.compactedRV) throw expired(`too old resource version: ${rv} (${this.compactedRV + 1})`);
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }
}

/** Watchers per resource and the ordered delivery queue. */
export class WatchHub {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly queue: (() => void)[] = [];
  private draining = false;

  /** Fans a committed change out to the resource's watchers: O(watchers of that resource). */
  publish(resourceId: string, entry: ChangeEntry): void {
    const set = this.watchers.get(resourceId);
    if (!set || set.size === 0) return;
    for (const w of set) {
      this.queue.push(() => {
        if (w.stopped) return;
        const ev = eventFor(entry, w.matches);
        if (ev) this.deliver(w, ev);
      });
    }
    this.drain();
  }

  /**
   * Registers a watcher and queues its initial events ahead of any later change, so nothing is
   * missed or duplicated between the snapshot the caller computed and the live stream.
   */
  open(
    resourceId: string,
    opts: { kind: string; apiVersion: string; allowBookmarks: boolean; matches(obj: KubeObject): boolean; currentRV: () => number },
    initial: WatchEvent[],
    sink: WatchSink,
  ): MemoryWatchHandle {
    const w: Watcher = { matches: opts.matches, sink, stopped: false, allowBookmarks: opts.allowBookmarks, kind: opts.kind, apiVersion: opts.apiVersion };
    let set = this.watchers.get(resourceId);
    if (!set) this.watchers.set(resourceId, (set = new Set()));
    set.add(w);
    const watchers = set;
    if (initial.length > 0) {
      this.queue.push(() => {
        for (const ev of initial) if (!w.stopped) this.deliver(w, ev);
      });
      this.drain();
    }
    return {
      stop: () => {
        w.stopped = true;
        watchers.delete(w);
      },
      bookmark: () => {
        if (!w.allowBookmarks) return;
        const rv = opts.currentRV();
        this.queue.push(() => {
          if (!w.stopped) this.deliver(w, bookmarkEvent(w.kind, w.apiVersion, rv));
        });
        this.drain();
      },
    };
  }

  /** Ends every open watch (each sink gets `end()` after the events already queued for it). */
  closeAll(): void {
    for (const set of this.watchers.values()) {
      for (const w of set) {
        this.queue.push(() => {
          if (w.stopped) return;
          w.stopped = true;
          w.sink.end();
        });
      }
      set.clear();
    }
    this.drain();
  }

  /** The number of open watches of a resource. */
  count(resourceId: string): number {
    return this.watchers.get(resourceId)?.size ?? 0;
  }

  private deliver(w: Watcher, ev: WatchEvent): void {
    try {
      w.sink.event(ev);
    } catch {
      // A sink that throws is broken; end its watch rather than let it break the writer.
      w.stopped = true;
      for (const set of this.watchers.values()) set.delete(w);
      try {
        w.sink.end();
      } catch {
        // Nothing more can be told to a sink that fails twice.
      }
    }
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    // Index, not shift(): a burst for many watchers must not cost O(n²).
    let i = 0;
    try {
      for (; i < this.queue.length; i++) this.queue[i]();
    } finally {
      this.queue.splice(0, Math.min(i + 1, this.queue.length));
      this.draining = false;
    }
  }
}

/** A BOOKMARK event at `rv`, optionally the one that ends a streaming list's initial events. */
export function bookmarkEvent(kind: string, apiVersion: string, rv: number, initialEventsEnd = false): WatchEvent {
  const metadata: KubeObject['metadata'] = { resourceVersion: String(rv) };
  if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
  return { type: 'BOOKMARK', object: { kind, apiVersion, metadata } };
}
