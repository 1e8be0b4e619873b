/**
 * The only writer of the nodeport controller: the port map ConfigMap (compare-and-swap on its
 * resourceVersion, batched) and the Services' nodePort fields (resourceVersion-preconditioned
 * updates).
 */
import type { ConfigMap, Service } from '../../api-types/core.js';
import { ApiError } from '../../api-types/api-error.js';
import type { PortRange } from '../../allocators/node-port-range.js';
import type { RandomSource } from '../../allocators/random.js';
import type { KubeClient, ResourceClient } from '../runtime/kube-client.js';
import { decodePortMap, encodePortMap, type PortMapState } from './port-map.js';
import { NodePortError } from './errors.js';

/** Options of PortMapStore. */
export interface PortMapStoreOptions {
  client: KubeClient;
  /** Where the ConfigMap lives. */
  namespace: string;
  /** The ConfigMap's name. */
  name: string;
  range: PortRange;
  random?: RandomSource;
  /** Compare-and-swap attempts per batch before its callers get an error. @default 16 */
  maxAttempts?: number;
  /** Told about every write attempt that failed (for metrics and logs). */
  onWriteError?: (err: unknown) => void;
  /**
   * Fills a new map when the ConfigMap does not exist (first start, or someone deleted it), so
   * that no port a Service holds is handed out before the repair has run. @default nothing
   */
  seed?: (state: PortMapState) => void;
  /**
   * Claims expected soon: a promise that settles once the callers now busy elsewhere (writing
   * their Services) are back, or undefined when none are. A batch waits for it before its write,
   * so a caller that came back early does not send a write of its own that every other caller
   * then queues behind (one round trip each, under load hundreds of milliseconds). @default none
   */
  whenOthersReturn?: () => Promise<void> | undefined;
}

/** A change to the port map: mutates the state and says whether it changed anything. */
export type PortMapChange<T> = (state: PortMapState) => { result: T; changed: boolean };

interface Pending {
  change: PortMapChange<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

const configMaps = { group: '', version: 'v1', resource: 'configmaps' };

/** Whether `err` is an API error with this HTTP status. */
export function isStatus(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code;
}

/**
 * The port map as one ConfigMap, changed by compare-and-swap. Changes that arrive while a write
 * is in flight are batched into the next write, so one CAS carries many claims.
 *
 * 1. Take every pending change; load the ConfigMap if the local copy is not known current
 *    (404: an empty map, created by the write).
 * 2. Run the changes, in arrival order, on the local copy.
 * 3. Nothing changed: resolve. Otherwise write (create or update with the resourceVersion).
 * 4. On success resolve every change with its result; on any failure (409 Conflict,
 *    AlreadyExists, a 500) drop the local copy and go back to 1, up to maxAttempts.
 */
export class PortMapStore {
  readonly #o: Required<Omit<PortMapStoreOptions, 'random' | 'onWriteError' | 'seed' | 'whenOthersReturn'>> & Pick<PortMapStoreOptions, 'random' | 'onWriteError' | 'seed' | 'whenOthersReturn'>;
  readonly #cms: ResourceClient<ConfigMap>;
  #state?: PortMapState;
  #object?: ConfigMap;
  #pending: Pending[] = [];
  #running = false;
  /** The local copy was seeded and is not stored yet. */
  #seeded = false;
  /** Successful writes (tests, benchmark). */
  writes = 0;

  constructor(opts: PortMapStoreOptions) {
    this.#o = { maxAttempts: 16, ...opts };
    this.#cms = opts.client.resource<ConfigMap>(configMaps);
  }

  /** Runs `change` in the next batch and resolves with its result once the batch is stored. */
  transact<T>(change: PortMapChange<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ change, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) void this.#drain();
    });
  }

  /** The local copy as last read or written, if any (possibly stale: for no-op checks only). */
  peek(): PortMapState | undefined {
    return this.#state;
  }

  /** Forgets the local copy so the next batch reads the ConfigMap again. */
  invalidate(): void {
    this.#state = undefined;
    this.#object = undefined;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#pending.length > 0) {
        await this.#linger();
        // Callers still writing their Services claim again as soon as they are done: wait for
        // them, then linger once more, so they join this write instead of queueing behind it.
        const back = this.#o.whenOthersReturn?.();
        if (back) {
          await back;
          await this.#linger();
        }
        const batch = this.#pending;
        this.#pending = [];
        await this.#commit(batch);
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Lingers while more claims keep arriving (a few event-loop turns at most), so that every
   * worker about to claim joins this write: one CAS write then carries many claims.
   */
  async #linger(): Promise<void> {
    for (let turns = 0, seen = -1; turns < 4 && seen !== this.#pending.length; turns++) {
      seen = this.#pending.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < this.#o.maxAttempts; attempt++) {
      try {
        // 1.
        const state = this.#state ?? (await this.#load());
        // 2.
        const results: unknown[] = [];
        let changed = false;
        for (const p of batch) {
          const r = p.change(state);
          results.push(r.result);
          changed ||= r.changed;
        }
        // 3.
        if (changed || this.#seeded) await this.#write(state);
        this.#seeded = false;
        // 4.
        batch.forEach((p, i) => p.resolve(results[i]));
        return;
      } catch (err) {
        lastErr = err;
        this.invalidate();
        this.#o.onWriteError?.(err);
      }
    }
    const err = new NodePortError('PortMapWriteFailed', `port map ${this.#o.namespace}/${this.#o.name}: compare-and-swap failed`, { cause: lastErr });
    for (const p of batch) p.reject(err);
  }

  async #load(): Promise<PortMapState> {
    try {
      this.#object = await this.#cms.get(this.#o.namespace, this.#o.name);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      this.#object = undefined;
    }
    this.#state = decodePortMap(this.#object?.data, this.#o.range, this.#o.random);
    this.#seeded = !this.#object && this.#o.seed !== undefined;
    if (this.#seeded) this.#o.seed?.(this.#state);
    return this.#state;
  }

  async #write(state: PortMapState): Promise<void> {
    const data = encodePortMap(state);
    const prev = this.#object;
    this.#object = prev
      ? await this.#cms.update({ ...prev, data })
      : await this.#cms.create(this.#o.namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.#o.name, namespace: this.#o.namespace }, data });
    this.writes++;
  }
}

/** Writes a Service's nodePort fields; the update carries the resourceVersion it was computed from. */
export async function writeService(services: ResourceClient<Service>, svc: Service): Promise<Service> {
  return services.update(svc);
}
