/**
 * Reads the cluster for `svcplane status` through the client seam, as any client would: a
 * paginated list (500 a page) and then a watch per resource, through the runtime's Informer.
 * Services are read in every namespace (the ranges are cluster-wide); EndpointSlices, Endpoints
 * and events only in the namespace shown. ServiceCIDRs are listed once, at open.
 *
 * 1. Probe events.k8s.io/v1; a 404 means an older server: read core/v1 Events instead.
 * 2. List the ServiceCIDRs; a 404 (not served) or 403 (not allowed) means: use the flag.
 * 3. One frame: list each resource (readOnce). Watch mode: start one informer per resource,
 *    counting listed items for the progress line; the first list failure before the first sync
 *    fails the whole read (a CLI should not retry forever against a server it cannot read),
 *    later watch failures are retried by the informers.
 */
import type { KubeObject } from '../api-types/meta.js';
import type { CoreEvent, Endpoints, Service } from '../api-types/core.js';
import type { EndpointSlice, EventsV1Event, ServiceCIDR } from '../api-types/networking.js';
import { ApiError } from '../apiserver/errors.js';
import type { Clock } from '../controllers/runtime/clock.js';
import { Informer, type InformerLogger } from '../controllers/runtime/informer.js';
import { watched } from '../controllers/runtime/informer-factory.js';
import type { KubeClient, ResourceRef } from '../controllers/runtime/kube-client.js';
import type { ClusterSnapshot } from './summarize.js';

const refs = {
  ...watched,
  eventsV1: { group: 'events.k8s.io', version: 'v1', resource: 'events' },
  eventsCore: { group: '', version: 'v1', resource: 'events' },
} satisfies Record<string, ResourceRef>;

/** Options of {@link ClusterReader.open}. */
export interface ClusterReaderOptions {
  client: KubeClient;
  /** The API server's URL, for the header. */
  server: string;
  /** The namespace shown; undefined for all. */
  namespace?: string;
  clock: Clock;
  /** Uniform in [0, 1): the informers' jitter. */
  random: () => number;
  /** Items per list page. @default 500 */
  pageSize?: number;
  /** Called as the first lists progress: the resource and how many items it has listed so far. */
  onProgress?: (resource: string, listed: number) => void;
}

function isStatus(err: unknown, ...codes: number[]): boolean {
  return err instanceof ApiError && codes.includes(err.code);
}

/** Drops what the view never reads: managedFields are most of an object's bytes. */
function slim(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The cluster, read and (after start) kept current. */
export class ClusterReader {
  readonly #o: ClusterReaderOptions;
  readonly #eventsFrom: 'events.k8s.io/v1' | 'v1';
  readonly #serviceCIDRs?: ServiceCIDR[];
  readonly #sources: { name: string; ref: ResourceRef; namespace?: string; items: KubeObject[] }[];
  readonly #informers: Informer[] = [];
  #lists?: KubeObject[][];
  readonly #listeners: (() => void)[] = [];
  #failSync?: (err: Error) => void;
  #synced = false;

  private constructor(o: ClusterReaderOptions, eventsFrom: 'events.k8s.io/v1' | 'v1', serviceCIDRs: ServiceCIDR[] | undefined) {
    this.#o = o;
    this.#eventsFrom = eventsFrom;
    this.#serviceCIDRs = serviceCIDRs;
    const eventsRef = eventsFrom === 'v1' ? refs.eventsCore : refs.eventsV1;
    this.#sources = [
      { name: 'services', ref: refs.services, namespace: undefined, items: [] },
      { name: 'endpointslices', ref: refs.endpointslices, namespace: o.namespace, items: [] },
      { name: 'endpoints', ref: refs.endpoints, namespace: o.namespace, items: [] },
      { name: 'events', ref: eventsRef, namespace: o.namespace, items: [] },
    ];
    this.#informers = this.#sources.map((s) => this.#informer(s.name, s.ref, s.namespace));
  }

  /** Probes the API (steps 1 and 2) and prepares the informers; throws what the API answered. */
  static async open(o: ClusterReaderOptions): Promise<ClusterReader> {
    // 1.
    let eventsFrom: 'events.k8s.io/v1' | 'v1' = 'events.k8s.io/v1';
    try {
      await o.client.resource(refs.eventsV1).list({ namespace: o.namespace, limit: 1 });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      eventsFrom = 'v1';
    }
    // 2.
    let serviceCIDRs: ServiceCIDR[] | undefined = [];
    try {
      let cont: string | undefined;
      do {
        const page = await o.client.resource<ServiceCIDR>(refs.servicecidrs).list({ limit: o.pageSize ?? 500, continue: cont });
        serviceCIDRs.push(...page.items);
        cont = page.metadata.continue || undefined;
      } while (cont);
    } catch (err) {
      if (!isStatus(err, 403, 404)) throw err;
      serviceCIDRs = undefined;
    }
    return new ClusterReader(o, eventsFrom, serviceCIDRs);
  }

  #informer(name: string, ref: ResourceRef, namespace: string | undefined): Informer {
    let listed = 0;
    const pageSize = this.#o.pageSize ?? 500;
    const logger: InformerLogger = {
      info() {},
      warn: (obj) => {
        if (!this.#synced) this.#failSync?.(new Error(`reading ${name}: ${String((obj as { err?: unknown }).err)}`));
      },
      error() {},
    };
    const informer = new Informer({
      client: this.#o.client.resource(ref),
      name,
      namespace,
      clock: this.#o.clock,
      random: this.#o.random,
      pageSize,
      logger,
      // 3. Every listed item passes through here: count them for the progress line.
      transform: (obj) => {
        if (!informer.hasSynced()) {
          listed++;
          if (listed % pageSize === 0) this.#o.onProgress?.(name, listed);
        }
        return slim(obj);
      },
    });
    informer.addHandler({ onAdd: () => this.#changed(), onUpdate: () => this.#changed(), onDelete: () => this.#changed() });
    return informer;
  }

  #changed(): void {
    if (!this.#synced) return;
    for (const l of this.#listeners) l();
  }

  /** Where the events come from. */
  get eventsFrom(): 'events.k8s.io/v1' | 'v1' {
    return this.#eventsFrom;
  }

  /** Calls `fn` after every change once synced (watch mode redraws on it). */
  onChange(fn: () => void): void {
    this.#listeners.push(fn);
  }

  /**
   * Lists every resource once, page by page, without watching: what a single frame needs. The
   * informers then hold the lists, so snapshot() reads the same way in both modes.
   */
  async readOnce(): Promise<void> {
    const pageSize = this.#o.pageSize ?? 500;
    await Promise.all(
      this.#sources.map(async ({ name, ref, namespace, items }) => {
        let cont: string | undefined;
        do {
          const page = await this.#o.client.resource(ref).list({ namespace, limit: pageSize, continue: cont });
          for (const obj of page.items) items.push(slim(obj));
          if (page.metadata.continue) this.#o.onProgress?.(name, items.length);
          cont = page.metadata.continue || undefined;
        } while (cont);
      }),
    );
    this.#lists = this.#sources.map((s) => s.items);
  }

  /** Starts every informer and resolves once all have listed; rejects with the first list failure. */
  async start(): Promise<void> {
    const failed = new Promise<never>((_, reject) => (this.#failSync = reject));
    for (const i of this.#informers) i.start();
    try {
      await Promise.race([Promise.all(this.#informers.map((i) => i.waitForSync())), failed]);
    } catch (err) {
      this.stop();
      throw err;
    }
    this.#synced = true;
  }

  /** Stops every informer (idempotent). */
  stop(): void {
    for (const i of this.#informers) i.stop();
  }

  /** The cluster as read so far. */
  snapshot(): ClusterSnapshot {
    const [services, slices, endpoints, events] = this.#lists ?? this.#informers.map((i) => i.list());
    return {
      server: this.#o.server,
      namespace: this.#o.namespace,
      services: services as Service[],
      slices: slices as EndpointSlice[],
      endpoints: endpoints as Endpoints[],
      events: { from: this.#eventsFrom, items: events as (EventsV1Event | CoreEvent)[] },
      serviceCIDRs: this.#serviceCIDRs,
    };
  }
}
