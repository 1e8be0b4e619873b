/**
 * One HTTP watch response: a chunked NDJSON stream of `{"type","object"}` lines fed by a store
 * watch (it is the store's WatchSink). It flushes headers at once (client-node waits for them
 * before it reports the watch as started), closes cleanly at `timeoutSeconds` (with a BOOKMARK
 * first when bookmarks are allowed), sends periodic BOOKMARKs, stops the store watch when the
 * client goes away, and bounds memory: a client that stops reading is cut off with a 410 ERROR
 * event once its unsent bytes pass a limit, so it relists instead of the server buffering without
 * end (as kube-apiserver's cacher terminates unresponsive watchers,
 * staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go).
 */
import type { ServerResponse } from 'node:http';
import type { Status, WatchEvent } from '../../api-types/meta.js';
import type { WatchHandle, WatchSink } from '../types.js';
import { expired } from '../errors.js';
import { storedJson, storedJsonBytes } from '../json-text.js';
import type { Timers } from './timers.js';
import type { Flushable, WatchFlusher } from './watch-flush.js';

/** NDJSON lines (text or encoded) as one buffer. */
function concatLines(parts: readonly (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/**
 * Serialises watch events once per change rather than once per watcher. The key is not the
 * event object (a store may hand each watcher its own) but what fixes an event's line: its type,
 * the object's apiVersion, uid and resourceVersion (an object's content at a resourceVersion
 * never changes). Entries live until the current synchronous delivery is over (one microtask).
 */
export class EventLineCache {
  private lines = new Map<string, LineEntry>();
  /**
   * The same entries by event object: a store that hands every watcher the one event object of a
   * change (ours does) finds its line without building the key, once per watcher.
   */
  private byEvent = new WeakMap<WatchEvent, LineEntry>();
  private isClearScheduled = false;

  /** The NDJSON line of `ev`, from the cache when another watcher just sent the same event. */
  lineFor(ev: WatchEvent): string {
    const entry = this.entryFor(ev);
    return (entry.text ??= `{"type":${JSON.stringify(ev.type)},"object":${storedJson(ev.object)}}\n`);
  }

  /**
   * The NDJSON line of `ev` as bytes, encoded once and shared: a socket write of a Buffer is
   * passed to the kernel as is, where a string is encoded again for every watcher. The object's
   * part is the very bytes the write's answer carried (storedJsonBytes), framed by the event's.
   */
  chunkFor(ev: WatchEvent): Buffer {
    const entry = this.entryFor(ev);
    if (entry.bytes === undefined) {
      entry.bytes = entry.text === undefined
        ? Buffer.concat([eventHead(ev.type), storedJsonBytes(ev.object), EVENT_TAIL])
        : Buffer.from(entry.text, 'utf8');
    }
    return entry.bytes;
  }

  /**
   * The lines of one stream's batch as one chunk. Watchers of the same resource usually queue the
   * same lines in a turn, so the last join is kept (until the next turn) and handed to every
   * stream whose batch holds the very same lines: one copy per turn, not one per watcher.
   */
  join(parts: readonly (string | Buffer)[]): Buffer {
    const last = this.lastJoin;
    if (last && last.parts.length === parts.length && last.parts.every((p, i) => p === parts[i])) return last.bytes;
    const bytes = concatLines(parts);
    if (this.lastJoin === undefined) setImmediate(() => (this.lastJoin = undefined));
    this.lastJoin = { parts: [...parts], bytes };
    return bytes;
  }

  private lastJoin: { parts: (string | Buffer)[]; bytes: Buffer } | undefined;

  private entryFor(ev: WatchEvent): LineEntry {
    const shared = this.byEvent.get(ev);
    if (shared !== undefined) return shared;
    const meta = ev.object.metadata as { uid?: string; resourceVersion?: string } | undefined;
    if (ev.type === 'ERROR' || ev.type === 'BOOKMARK' || !meta?.uid || !meta.resourceVersion) return { text: JSON.stringify(ev) + '\n' };
    const key = `${ev.type}|${String(ev.object.apiVersion)}|${meta.uid}|${meta.resourceVersion}`;
    let entry = this.lines.get(key);
    if (entry === undefined) {
      // What JSON.stringify(ev) writes, with the stored object's remembered text (made on demand).
      entry = {};
      this.lines.set(key, entry);
      if (!this.isClearScheduled) {
        this.isClearScheduled = true;
        queueMicrotask(() => {
          this.lines.clear();
          this.byEvent = new WeakMap();
          this.isClearScheduled = false;
        });
      }
    }
    this.byEvent.set(ev, entry);
    return entry;
  }
}

/** One event's line, as text or bytes or both, each made when first asked for. */
interface LineEntry {
  text?: string;
  bytes?: Buffer;
}

const EVENT_HEADS = new Map<string, Buffer>();
const EVENT_TAIL = Buffer.from('}\n');

/** `{"type":"ADDED","object":` as bytes. */
function eventHead(type: string): Buffer {
  let head = EVENT_HEADS.get(type);
  if (head === undefined) EVENT_HEADS.set(type, (head = Buffer.from(`{"type":${JSON.stringify(type)},"object":`)));
  return head;
}

/** How a watch stream behaves. */
export interface WatchStreamOptions {
  /** Kind and apiVersion of BOOKMARK objects (`Pod`, `v1`). */
  kind: string;
  apiVersion: string;
  timers: Timers;
  /** Closes the stream cleanly after this many ms. */
  timeoutMs: number;
  /** Sends BOOKMARKs (periodic and before the timeout close). */
  allowBookmarks: boolean;
  /** Interval of periodic BOOKMARKs. @default 60000 */
  bookmarkIntervalMs?: number;
  /** Unsent bytes past which a slow client is cut off with a 410 ERROR. @default 16 MiB */
  maxBufferedBytes?: number;
  /** The current delivery delay (fault injection); 0 writes at once. */
  delayMs?: () => number;
  /**
   * The resourceVersion of a BOOKMARK when the store's watch handle has no `bookmark()` of its
   * own: every event up to it must already be queued on this stream (true of a store that
   * delivers synchronously within the write).
   */
  bookmarkResourceVersion: () => string;
  /** Called once when the stream is over, whatever ended it. */
  onDone?: () => void;
  /** Shares serialised lines between the watchers of one server. @default none (each stream serialises) */
  lineCache?: EventLineCache;
  /** Paces sends with the other streams of the server. @default none (each turn's lines leave at its end) */
  flusher?: WatchFlusher;
}

/** A watch response in progress. */
export class WatchStream implements WatchSink, Flushable {
  private pending: (string | Buffer)[] | undefined = [];
  private delayed: (string | Buffer)[] = [];
  private handle: WatchHandle | undefined;
  private cancels = new Set<() => void>();
  private storeEnded = false;
  private done = false;
  /** Lines written this turn, sent together at the end of it; undefined when none are waiting. */
  private batch: (string | Buffer)[] | undefined;
  private batchBytes = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly o: WatchStreamOptions,
  ) {}

  /** WatchSink: queues one event line. */
  event(ev: WatchEvent): void {
    this.enqueue(this.o.lineCache ? this.o.lineCache.chunkFor(ev) : JSON.stringify(ev) + '\n');
  }

  /** WatchSink: the store ended the watch (fault injection, shutdown, after an ERROR). */
  end(): void {
    this.storeEnded = true;
    if (this.pending === undefined) this.afterDelayed(() => this.finish());
  }

  /**
   * Starts the response with the store watch's handle: sends headers, everything queued while
   * the store replayed, and arms the timeout and bookmark timers.
   */
  begin(handle: WatchHandle): void {
    this.handle = handle;
    this.writeHeaders();
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const line of pending) this.enqueue(line);
    if (this.storeEnded) {
      this.afterDelayed(() => this.finish());
      return;
    }
    this.res.on('close', () => this.finish());
    // A socket error must end this stream, never the process (an unhandled 'error' throws).
    this.res.on('error', () => this.finish());
    this.schedule(this.o.timeoutMs, () => this.timeout());
    if (this.o.allowBookmarks) this.armBookmark();
  }

  /** Answers a watch that could not start (410 Expired): one ERROR event, then close. */
  failAtStart(status: Status): void {
    this.pending = undefined;
    this.writeHeaders();
    this.res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    this.finish();
  }

  /** Ends the stream now (server shutdown, fault injection). Idempotent. */
  close(): void {
    this.finish();
  }

  /** Whether the stream is over. */
  isDone(): boolean {
    return this.done;
  }

  private writeHeaders(): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    this.res.flushHeaders();
  }

  private enqueue(line: string | Buffer): void {
    if (this.done) return;
    if (this.pending) {
      this.pending.push(line);
      return;
    }
    const delay = this.o.delayMs?.() ?? 0;
    if (delay <= 0 && this.delayed.length === 0) {
      this.write(line);
      return;
    }
    // Each timer writes the head of the queue, so order holds even if the delay changes.
    this.delayed.push(line);
    this.schedule(Math.max(0, delay), () => {
      const next = this.delayed.shift();
      if (next !== undefined) this.write(next);
    });
  }

  /** Runs `fn` after every delayed line has been written. */
  private afterDelayed(fn: () => void): void {
    if (this.delayed.length === 0) {
      fn();
      return;
    }
    const delay = Math.max(0, this.o.delayMs?.() ?? 0);
    this.schedule(delay, () => this.afterDelayed(fn));
  }

  private write(line: string | Buffer): void {
    if (this.done) return;
    // Lines written in the same turn of the event loop (several requests' events) leave as one
    // HTTP chunk in one syscall at the end of the turn, rather than a chunk (four socket writes
    // of framing and data) each; with a flusher, at its paced send (watch-flush.ts).
    if (this.batch === undefined) {
      this.batch = [];
      if (this.o.flusher) this.o.flusher.request(this);
      else setImmediate(() => this.flush());
    }
    this.batch.push(line);
    this.batchBytes += typeof line === 'string' ? Buffer.byteLength(line) : line.length;
    const limit = this.o.maxBufferedBytes ?? 16 * 1024 * 1024;
    if (this.res.writableLength + this.batchBytes > limit) {
      this.flush();
      const status = expired(`watch closed: the client fell behind by more than ${limit} bytes; relist and watch again`).status;
      this.res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
      this.finish();
    }
  }

  /** Sends the lines batched since the last send as one chunk (Flushable). */
  flush(): void {
    const batch = this.batch;
    if (batch === undefined) return;
    this.batch = undefined;
    this.batchBytes = 0;
    if (this.res.destroyed) return;
    if (batch.length === 1) this.res.write(batch[0]);
    else if (this.o.lineCache) this.res.write(this.o.lineCache.join(batch));
    else this.res.write(concatLines(batch));
  }

  /** Runs `fn` after `ms` unless the stream ends first; fired timers are forgotten. */
  private schedule(ms: number, fn: () => void): void {
    const cancel = this.o.timers.after(ms, () => {
      this.cancels.delete(cancel);
      if (!this.done) fn();
    });
    this.cancels.add(cancel);
  }

  /**
   * Queues a BOOKMARK: the store's own when its handle offers one (it knows which events are
   * still queued for this watcher), else one at `bookmarkResourceVersion()`.
   */
  private bookmark(): void {
    const handle = this.handle as (WatchHandle & { bookmark?: () => void }) | undefined;
    if (handle?.bookmark) {
      handle.bookmark();
      return;
    }
    const object = { kind: this.o.kind, apiVersion: this.o.apiVersion, metadata: { resourceVersion: this.o.bookmarkResourceVersion() } };
    this.enqueue(JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
  }

  private armBookmark(): void {
    this.schedule(this.o.bookmarkIntervalMs ?? 60_000, () => {
      this.bookmark();
      this.armBookmark();
    });
  }

  private timeout(): void {
    if (this.done) return;
    if (this.o.allowBookmarks) this.bookmark();
    this.afterDelayed(() => this.finish());
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.handle?.stop();
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.delayed = [];
    if (!this.res.headersSent) this.writeHeaders();
    this.o.flusher?.cancel(this);
    this.flush();
    this.res.end();
    this.o.onDone?.();
  }
}
